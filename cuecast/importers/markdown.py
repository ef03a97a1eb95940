"""Markdown prose → blocks (notebook cells, Quarto, MyST, percent scripts).

The block structure tutorials use: ATX and setext headings, paragraphs,
bullet and numbered lists (nested items become points), block quotes (a
``> **Note**`` or ``> [!NOTE]`` quote is read as "Note: …"), images
(``![alt](path)``, ``<img src>``, MyST ``{image}``/``{figure}``), display
math (``$$…$$``, ``{math}``), admonitions (MyST ``{note}``, Quarto
``::: {.callout-note}``).  Code fences the caller calls executable become
``Code`` blocks (Quarto's ``{python}``, MyST's ``{code-cell}``); other code
fences are ``Listing`` blocks, shown and not run; tables and unknown
directives become to-dos at their line.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from cuecast.importers.blocks import Code, Heading, Items, Picture, Prose, Text, Todo, fold_item, listing
from cuecast.math_text import too_complex
from cuecast.importers.speakable import inline_math, md_inline, run_in
from cuecast.speech import unbalanced_dollar

Line = tuple[int, str]

ATX = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:\s+(?P<title>.*?))?\s*#*\s*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
BULLET = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?P<space> +|$)(?P<text>.*)$")
RULE = re.compile(r"^ {0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<path><[^>]*>|[^)\s]*)(?:\s+[\"'][^\"']*[\"'])?\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"'](?P<path>[^\"']+)[\"'][^>]*>", re.IGNORECASE)
HTML_ALT = re.compile(r"\balt\s*=\s*[\"'](?P<alt>[^\"']*)[\"']", re.IGNORECASE)
CALLOUT = re.compile(r"^\[!(?P<kind>\w+)\]\s*(?P<rest>.*)$|^(?:\*\*|__)(?P<bold>\w[\w ]*?):?(?:\*\*|__):?\s*(?P<after>.*)$")
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:.-]+)[^}]*\}\s*(?P<args>.*)$")
QUARTO_DIV = re.compile(r"^\{?\s*\.callout-(?P<kind>\w+)")

ADMONITIONS = {"note": "Note", "warning": "Warning", "tip": "Tip", "important": "Important", "hint": "Hint",
               "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
               "seealso": "See also"}
QUIET = {"toctree", "contents", "tableofcontents", "raw", "glue", "glue:figure", "index", "bibliography"}
CONTAINERS = {"admonition", "dropdown", "card", "tab-item", "tab-set", "grid", "grid-item", "grid-item-card",
              "div", "container", "only", "topic", "sidebar", "margin", "epigraph", "details"}
SHOWN_CODE = {"code", "code-block", "sourcecode", "literalinclude"}
#: Quarto / R Markdown chunk languages other than Python (``{r}``, ``{bash}``).
OTHER_LANGUAGES = {"r", "bash", "sh", "shell", "zsh", "julia", "ojs", "mermaid", "dot", "sql", "js",
                   "javascript", "html", "css", "rust", "c", "cpp", "octave", "matlab", "sas", "stata"}

#: Decides whether a fence's info string marks code that runs.
Executable = Callable[[str], bool]


def parse_markdown(lines: list[Line], executable: Optional[Executable] = None) -> list:
    """The blocks of some Markdown, given as ``(line number, text)`` pairs."""
    return _Parser(lines, executable or (lambda info: False)).blocks()


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


class _Parser:
    def __init__(self, lines: list[Line], executable: Executable) -> None:
        self.lines = [(n, t.rstrip().expandtabs(4)) for n, t in lines]
        self.executable = executable
        self.at = 0
        self.out: list = []

    def text(self, offset: int = 0) -> Optional[str]:
        at = self.at + offset
        return self.lines[at][1] if 0 <= at < len(self.lines) else None

    def number(self) -> int:
        return self.lines[min(self.at, len(self.lines) - 1)][0] if self.lines else 0

    def blocks(self) -> list:
        while self.at < len(self.lines):
            text = self.text()
            stripped = text.strip()
            if not stripped or stripped == "+++" or stripped.startswith("+++ "):
                self.at += 1
            elif stripped.startswith("<!--"):
                self.comment()
            elif FENCE.match(text):
                self.fence()
            elif ATX.match(text):
                match = ATX.match(text)
                self.out.append(Heading(len(match.group("hashes")), md_inline(match.group("title") or ""), self.number()))
                self.at += 1
            elif RULE.match(text):
                self.at += 1
            elif stripped.startswith("$$"):
                self.display_math()
            elif stripped.startswith(">"):
                self.quote()
            elif BULLET.match(text) and BULLET.match(text).group("text").strip():
                self.list_items()
            elif stripped.startswith("|") or re.match(r"^\s*:?-{3,}:?\s*\|", text):
                self.table()
            else:
                self.paragraph()
        return self.out

    # blocks

    def comment(self) -> None:
        while self.at < len(self.lines):
            done = "-->" in self.text()
            self.at += 1
            if done:
                return

    def paragraph(self) -> None:
        number = self.number()
        parts: list[str] = []
        while self.at < len(self.lines):
            text = self.text()
            if not text.strip() or (parts and self.starts_block(text)):
                break
            if parts and SETEXT.match(text):
                level = 1 if text.strip().startswith("=") else 2
                self.out.append(Heading(level, md_inline(" ".join(parts)), number))
                self.at += 1
                return
            parts.append(text.strip())
            self.at += 1
        self.prose(" ".join(parts), number)

    def starts_block(self, text: str) -> bool:
        return bool(ATX.match(text) or FENCE.match(text) or text.strip().startswith((">", "$$", "<!--"))
                    or (BULLET.match(text) and BULLET.match(text).group("text").strip()))

    def prose(self, text: str, number: int, paragraph: bool = True) -> None:
        """A paragraph (or a list item's text: ``paragraph`` false), with its
        images lifted out after it; a paragraph's bold run-in phrase is a
        paragraph of its own (an item's "**Step 1:** …" stays one item)."""
        pictures = [Picture(m.group("path").strip("<>"), number, m.group("alt")) for m in IMAGE.finditer(text)]
        for match in HTML_IMAGE.finditer(text):
            alt = HTML_ALT.search(match.group(0))
            pictures.append(Picture(match.group("path"), number, alt.group("alt") if alt else ""))
        rest = HTML_IMAGE.sub("", IMAGE.sub("", text))
        if unbalanced_dollar(re.sub(r"(`+).+?\1", "", rest)):
            self.out.append(Todo("a '$' opens maths that no '$' closes: it is read as maths up to the next "
                                 "space; close it with '$', or write '\\$' for a dollar sign", number))
        for part in (run_in(rest) if paragraph else None) or (rest,):
            said = md_inline(part)
            if said:
                self.out.append(Prose(said, number))
        self.out.extend(pictures)

    def display_math(self) -> None:
        number = self.number()
        first = self.text().strip()[2:]
        parts: list[str] = []
        if first.rstrip().endswith("$$"):
            parts.append(first.rstrip()[:-2])
            self.at += 1
        else:
            parts.append(first)
            self.at += 1
            while self.at < len(self.lines):
                text = self.text()
                self.at += 1
                if text.rstrip().endswith("$$"):
                    parts.append(text.rstrip()[:-2])
                    break
                parts.append(text)
        self.math(" ".join(p.strip() for p in parts if p.strip()), number)

    def math(self, tex: str, number: int) -> None:
        if tex and too_complex(tex):
            self.out.append(Todo("a display equation with a matrix or environment was left out; "
                                 "say in words what it shows, or make it an image", number))
        elif tex:
            self.out.append(Prose(Text(*inline_math(tex)), number, display_math=True))

    def quote(self) -> None:
        body: list[Line] = []
        while self.at < len(self.lines) and self.text().strip().startswith(">"):
            n, text = self.lines[self.at]
            body.append((n, re.sub(r"^\s*>\s?", "", text)))
            self.at += 1
        label = None
        first = next((i for i, (_, t) in enumerate(body) if t.strip()), None)
        if first is not None:
            callout = CALLOUT.match(body[first][1].strip())
            if callout:
                kind = (callout.group("kind") or callout.group("bold") or "").strip()
                if kind.lower() in ADMONITIONS:
                    label = ADMONITIONS[kind.lower()]
                    rest = callout.group("rest") if callout.group("kind") else callout.group("after")
                    body[first] = (body[first][0], rest or "")
        inner = parse_markdown(body, self.executable)
        self.out.extend(_labelled(label, inner) if label else inner)

    def list_items(self) -> None:
        number = self.number()
        base = _indent(self.text())
        kind = _marker_kind(BULLET.match(self.text()).group("marker"))
        items = []
        after: list = []
        while self.at < len(self.lines):
            text = self.text()
            if not text.strip():
                # a blank line ends the list unless more of it follows
                following = next((t for _, t in self.lines[self.at + 1:] if t.strip()), None)
                if following is None or not (_indent(following) > base or self.is_item(following, base, kind)):
                    break
                self.at += 1
                continue
            if not self.is_item(text, base, kind):
                break
            match = BULLET.match(text)
            item_line = self.number()
            content = len(match.group("indent")) + len(match.group("marker")) + len(match.group("space"))
            self.at += 1
            lead = [match.group("text").strip()]
            body: list[Line] = []
            while self.at < len(self.lines):
                text = self.text()
                if not text.strip():
                    following = next((t for _, t in self.lines[self.at + 1:] if t.strip()), None)
                    if following is None or _indent(following) < content:
                        break
                    body.append(self.lines[self.at])
                elif _indent(text) >= content or (_indent(text) > base and not self.is_item(text, base)):
                    body.append((self.lines[self.at][0], text[min(content, _indent(text)):]))
                elif not body and not self.starts_block(text):
                    lead.append(text.strip())  # a lazy continuation line
                else:
                    break
                self.at += 1
            while body and body[0][1].strip() and not self.starts_block(body[0][1]):
                lead.append(body.pop(0)[1].strip())
            start = len(self.out)
            self.prose(" ".join(lead), item_line, paragraph=False)
            made = self.out[start:]
            del self.out[start:]
            text_block = next((b for b in made if isinstance(b, Prose)), None)
            item, extra = fold_item(text_block.text if text_block else Text("", ""),
                                    parse_markdown(body, self.executable) if body else [], item_line)
            if item.text or item.points:
                items.append(item)
            after.extend(b for b in made if not isinstance(b, Prose))
            after.extend(extra)
        if items:
            self.out.append(Items(tuple(items), number))
        self.out.extend(after)

    def is_item(self, text: str, base: int, kind: str = "") -> bool:
        """An item of the list at indent ``base`` (same kind of marker: a
        numbered list after a bullet list is a new list)."""
        match = BULLET.match(text)
        return bool(match and match.group("text").strip() and _indent(text) <= base + 1
                    and (not kind or _marker_kind(match.group("marker")) == kind))

    def table(self) -> None:
        number = self.number()
        while self.at < len(self.lines) and self.text().strip():
            self.at += 1
        self.out.append(Todo("a table was left out; say what it shows, or make it an image", number))

    # fences: code, directives, divs

    def fence(self) -> None:
        match = FENCE.match(self.text())
        number = self.number()
        fence, info = match.group("fence"), match.group("info")
        self.at += 1
        body: list[Line] = []
        closing = re.compile(r"^ {0,3}%s%s*\s*$" % (re.escape(fence[0]) * len(fence), re.escape(fence[0])))
        depth = 0
        while self.at < len(self.lines):
            text = self.text()
            if fence[0] == ":" and FENCE.match(text) and FENCE.match(text).group("fence")[0] == ":" \
                    and FENCE.match(text).group("info"):
                depth += 1  # a nested ::: div opens
            elif closing.match(text):
                if depth == 0:
                    self.at += 1
                    break
                depth -= 1
            body.append(self.lines[self.at])
            self.at += 1
        indent = len(match.group("indent"))
        body = [(n, t[min(indent, _indent(t)):]) for n, t in body]
        if fence[0] == ":":
            self.div(info, body, number)
        elif self.executable(info):
            self.code(body, number)
        elif DIRECTIVE_INFO.match(info):
            directive = DIRECTIVE_INFO.match(info)
            self.directive(directive.group("name").lower(), directive.group("args").strip(), body, number)
        elif any(t.strip() for _, t in body):
            self.out.append(listing(body, info.split()[0].strip("{}.") if info.split() else ""))

    def code(self, body: list[Line], number: int) -> None:
        body = strip_cell_options(body)
        while body and not body[0][1].strip():
            body.pop(0)
        while body and not body[-1][1].strip():
            body.pop()
        if body:
            self.out.append(Code("\n".join(t for _, t in body), tuple(n for n, _ in body)))

    def directive(self, name: str, args: str, body: list[Line], number: int) -> None:
        """A MyST directive fence: ```{note}, ```{image} path, ```{math} …"""
        name = name.split(":")[-1] if name.startswith(("myst:", "sphinx:")) else name
        options, content = _options(body)
        if name in ("image", "figure"):
            caption = next((b.text for b in parse_markdown(content, self.executable) if isinstance(b, Prose)), None) \
                if name == "figure" else None
            self.out.append(Picture(args, number, options.get("alt", ""), caption))
        elif name in ADMONITIONS:
            inner = parse_markdown(([(number, args)] if args else []) + content, self.executable)
            self.out.extend(_labelled(ADMONITIONS[name], inner))
        elif name == "math":
            self.math(" ".join(t.strip() for _, t in content if t.strip()), number)
        elif name in SHOWN_CODE and name != "literalinclude" and listing(content):
            self.out.append(listing(content, args.split()[0] if args.split() else ""))
        elif name in SHOWN_CODE:
            self.out.append(Todo(f"a '{{{name}}}' block shows code from elsewhere; it was left out "
                                 "(paste the code into a code block to show it)", number))
        elif name == "code-cell" or name.split(",")[0] in OTHER_LANGUAGES:
            language = (args.split() or ["?"])[0] if name == "code-cell" else name.split(",")[0]
            self.out.append(Todo(f"a code cell in '{language}' is not Python; it was left out", number))
        elif name in CONTAINERS:
            if args:
                self.out.append(Prose(md_inline(args), number))
            self.out.extend(parse_markdown(content, self.executable))
        elif name in QUIET:
            pass
        else:
            self.out.append(Todo(f"unknown directive '{{{name}}}' was left out", number))

    def div(self, info: str, body: list[Line], number: int) -> None:
        """``::: {.callout-note}`` (Quarto) or ``:::{note}`` (MyST colon fence)."""
        callout = QUARTO_DIV.match(info)
        directive = DIRECTIVE_INFO.match(info)
        if callout:
            label = ADMONITIONS.get(callout.group("kind").lower(), callout.group("kind").title())
            self.out.extend(_labelled(label, parse_markdown(body, self.executable)))
        elif directive:
            self.directive(directive.group("name").lower(), directive.group("args").strip(), body, number)
        else:
            self.out.extend(parse_markdown(body, self.executable))


def _marker_kind(marker: str) -> str:
    return marker if marker in "-*+" else marker[-1]


def strip_cell_options(body: list[Line]) -> list[Line]:
    """A code cell without its leading options: Quarto's ``#| key: value``
    lines, MyST's ``:key: value`` lines or ``---`` YAML block."""
    body = list(body)
    while body and body[0][1].lstrip().startswith("#|"):
        body.pop(0)
    if body and body[0][1].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i][1].strip() == "---"), None)
        if end is not None:
            body = body[end + 1:]
    while body and re.match(r"^:[\w-]+:(\s|$)", body[0][1].strip()):
        body.pop(0)
    return body


def _options(body: list[Line]) -> tuple[dict[str, str], list[Line]]:
    options: dict[str, str] = {}
    at = 0
    if body and body[0][1].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i][1].strip() == "---"), None)
        if end is not None:
            for _, text in body[1:end]:
                key, _, value = text.partition(":")
                options[key.strip().lower()] = value.strip()
            at = end + 1
    while at < len(body) and re.match(r"^:[\w-]+:(\s|$)", body[at][1].strip()):
        key, _, value = body[at][1].strip()[1:].partition(":")
        options[key.strip().lower()] = value.strip()
        at += 1
    return options, body[at:]


def _labelled(label: str, inner: list) -> list:
    for at, block in enumerate(inner):
        if isinstance(block, Prose):
            inner[at] = Prose(Text(f"{label}: {block.text.slide}", f"{label}: {block.text.say}"), block.line)
            break
    return inner
