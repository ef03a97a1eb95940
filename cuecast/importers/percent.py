"""A percent-format script (jupytext, VS Code, Spyder) → blocks.

``# %%`` starts a code cell (the rest of the line is its title, less any
``key=value`` metadata); ``# %% [markdown]`` (or ``[md]``) starts a cell of
Markdown written as comments (or as one triple-quoted string); ``[raw]``
cells are left out.  A jupytext YAML header (``# ---`` … ``# ---``) is
skipped; a module docstring before the first cell is prose (reST or
Markdown, whichever it looks like) and other code before the first cell is
set-up code that runs but is not shown, as cuecast's own cell files treat it.
"""

from __future__ import annotations

import re

from cuecast.importers.blocks import Code, Document, Todo, trim_blank_lines
from cuecast.importers.markdown import parse_markdown
from cuecast.importers.python_source import docstring_lines, looks_like_rst, parse_python
from cuecast.importers.rst import parse_rst

MARKER = re.compile(r"^#\s?%%(?!%)(?P<rest>.*)$")
CELL_TYPE = re.compile(r"\[(?P<type>markdown|md|raw)\]", re.IGNORECASE)
METADATA = re.compile(r"""\s*[\w-]+=(?:"[^"]*"|'[^']*'|\[[^\]]*\]|\{[^}]*\}|\S+)""")


def read_percent(text: str, shown: str) -> Document:
    tree = parse_python(text, shown)
    lines = list(enumerate(text.splitlines(), start=1))
    doc = Document()
    markers = [n for n, line in lines if MARKER.match(line)]
    first_marker = markers[0] if markers else len(lines) + 1

    start = _after_header(lines)
    doc_lines, doc_end = docstring_lines(tree, text)
    if doc_lines and doc_end < first_marker:
        doc.blocks.extend(parse_rst(doc_lines) if looks_like_rst(doc_lines) else parse_markdown(doc_lines))
        start = max(start, doc_end)
    setup = trim_blank_lines(lines[start : first_marker - 1])
    if setup and any(t.strip() and not t.lstrip().startswith("#") for _, t in setup):
        doc.blocks.append(Code(_joined(setup), _numbers(setup), glue=bool(markers)))

    for at, marker in enumerate(markers):
        end = markers[at + 1] - 1 if at + 1 < len(markers) else len(lines)
        rest = MARKER.match(lines[marker - 1][1]).group("rest")
        body = lines[marker:end]
        kind = CELL_TYPE.search(rest)
        title = " ".join(METADATA.sub(" ", CELL_TYPE.sub(" ", rest)).split())
        if kind and kind.group("type").lower() == "raw":
            if any(t.strip() for _, t in body):
                doc.blocks.append(Todo("a [raw] cell was left out", marker))
        elif kind:
            doc.blocks.extend(parse_markdown(_markdown_body(body)))
        else:
            code = trim_blank_lines(body)
            if code:
                doc.blocks.append(Code(_joined(code), _numbers(code), title=title))
    return doc


def _after_header(lines: list[tuple[int, str]]) -> int:
    """The index after a jupytext ``# ---`` YAML header (0 when there is none)."""
    if lines and lines[0][1].strip() == "# ---":
        for at in range(1, len(lines)):
            if lines[at][1].strip() == "# ---":
                return at + 1
    return 0


def _markdown_body(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A Markdown cell's text: its comment lines without ``# ``, or the inside
    of the triple-quoted string it was written as."""
    filled = [at for at, (_, t) in enumerate(body) if t.strip()]
    opening = re.match(r'^\s*[rRuU]?("""|\'\'\')', body[filled[0]][1]) if filled else None
    if not opening:
        return [(n, re.sub(r"^\s*# ?", "", t)) for n, t in body if t.strip().startswith("#") or not t.strip()]
    quote = opening.group(1)
    inside = list(body)
    number, text = inside[filled[0]]
    inside[filled[0]] = (number, text[opening.end():])
    number, text = inside[filled[-1]]
    if quote in text:
        inside[filled[-1]] = (number, text[: text.rfind(quote)])
    return inside


def _joined(lines: list[tuple[int, str]]) -> str:
    return "\n".join(t for _, t in lines)


def _numbers(lines: list[tuple[int, str]]) -> tuple[int, ...]:
    return tuple(n for n, _ in lines)
