"""What the two ``.py`` readers share: the module docstring with its lines,
and telling which markup a docstring is written in."""

from __future__ import annotations

import ast
import re
from typing import Optional

from cuecast.errors import Diagnostic, ScriptError
from cuecast.model import Location

Line = tuple[int, str]

RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:._!])\1{2,}\s*$")


def parse_python(text: str, shown: str) -> ast.Module:
    """The module's syntax tree; a ScriptError at the bad line when the file
    is not valid Python (its cells could not run standalone)."""
    try:
        return ast.parse(text, filename=shown)
    except SyntaxError as exc:
        raise ScriptError([Diagnostic(Location(shown, exc.lineno or 1, exc.offset or 1),
                                      f"not valid Python: {exc.msg}",
                                      "a .py tutorial must run with python; fix this line first")]) from None
    except ValueError as exc:  # NUL bytes and the like
        raise ScriptError([Diagnostic(Location(shown), f"not valid Python: {exc}")]) from None


def docstring_lines(tree: ast.Module, text: str) -> tuple[list[Line], int]:
    """The module docstring's text as ``(line number, text)`` pairs (quotes
    removed, indentation as ``inspect.cleandoc`` would leave it), and the last
    line it occupies (0 when there is none)."""
    if not (tree.body and isinstance(tree.body[0], ast.Expr) and isinstance(tree.body[0].value, ast.Constant)
            and isinstance(tree.body[0].value.value, str)):
        return [], 0
    node = tree.body[0]
    source = text.splitlines()
    first, last = node.lineno, node.end_lineno or node.lineno
    raw = source[first - 1 : last]
    opening = re.match(r"^\s*[rRuU]{0,2}(\"\"\"|'''|\"|')", raw[0])
    quote = opening.group(1) if opening else '"""'
    raw[0] = raw[0][opening.end() if opening else 0 :]
    raw[-1] = raw[-1][: raw[-1].rfind(quote)] if quote in raw[-1] else raw[-1]
    numbered = [(first + i, line) for i, line in enumerate(raw)]
    rest = [len(t) - len(t.lstrip()) for _, t in numbered[1:] if t.strip()]
    cut = min(rest) if rest else 0
    cleaned = [numbered[0]] + [(n, t[cut:]) for n, t in numbered[1:]]
    cleaned = [(n, t.replace('\\"\\"\\"', '"""')) for n, t in cleaned]
    return cleaned, last


def looks_like_rst(lines: list[Line]) -> bool:
    """reST rather than Markdown: an underlined title, a directive or a role."""
    texts = [t for _, t in lines]
    for before, line in zip(texts, texts[1:]):
        if before.strip() and RST_UNDERLINE.match(line) and not before.lstrip().startswith("#"):
            return True
    return any(re.match(r"^\s*\.\. [\w-]+::", t) or re.search(r":\w+:`", t) for t in texts)


def first_statement_line(tree: ast.Module, after: int) -> Optional[int]:
    for node in tree.body:
        if node.lineno > after:
            return node.lineno
    return None
