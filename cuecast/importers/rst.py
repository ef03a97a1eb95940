"""reStructuredText prose → blocks (the text of a sphinx-gallery script).

Only the block structure tutorials use is read: section titles (underlined,
optionally overlined; the level of a style is the order it first appears in,
as docutils does, shared across all the text blocks of one file), paragraphs,
bullet and numbered lists (nested ones become points), definition and field
lists, admonitions (read as "Note: …"), ``image``/``figure``, ``math``, and
block quotes.  Code shown in prose (``::`` literal blocks, ``code-block``)
is a ``Listing``, shown and not run; tables and directives nobody can
narrate become to-dos at their line;
comments, targets and layout-only directives are dropped quietly.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from cuecast.importers.blocks import Heading, Item, Items, Picture, Prose, Text, Todo, fold_item, listing
from cuecast.math_text import too_complex
from cuecast.importers.speakable import inline_math, rst_inline, run_in

Line = tuple[int, str]  # (input line number, text)

ADORNMENT = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")
DIRECTIVE = re.compile(r"^\.\.\s+(?:\|[^|]+\|\s+)?(?P<name>[\w:.-]+)::(?:\s+(?P<args>.*))?$")
EXPLICIT = re.compile(r"^\.\.(?:\s|$)")
BULLET = re.compile(r"^(?P<marker>[-*+•‣]|\d+[.)]|#\.|\(\d+\)|[a-zA-Z][.)])(?P<space>\s+)(?P<text>\S.*)$")
FIELD = re.compile(r"^:(?P<name>[^:`]+):(?:\s+(?P<text>.*))?$")
#: A navigation bar of links (```Intro <intro.html>`_ || **This page** || …``): not prose.
NAV_BAR = re.compile(r"^(?:\s*(?:`[^`]+`_{1,2}|\*\*[^*]+\*\*|\|\|)\s*)+$")
TABLE = re.compile(r"^(?:\+[-=+]+\+|=+(?:\s+=+)+)\s*$")

#: Admonition directive → what the narrator says first.
ADMONITIONS = {
    "note": "Note", "warning": "Warning", "tip": "Tip", "important": "Important", "hint": "Hint",
    "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
    "seealso": "See also", "todo": "To do", "versionadded": "New in version", "versionchanged":
    "Changed in version", "deprecated": "Deprecated since version",
}
#: Directives that carry code or data shown as it is, which a lesson cannot narrate.
SHOWN_CODE = {"code-block", "code", "sourcecode", "literalinclude", "doctest", "testcode", "testoutput",
              "parsed-literal", "highlight-code"}
TABLES = {"table", "list-table", "csv-table"}
#: Layout and index directives with nothing to say.
QUIET = {"contents", "rst-class", "raw", "currentmodule", "module", "highlight", "tags", "meta", "index",
         "sectionauthor", "moduleauthor", "toctree", "minigallery", "default-role", "role", "class",
         "autosummary", "title", "centered", "hlist", "glossary", "only-html", "cssclass"}
#: Directives whose body is ordinary prose, read as if the markers were not there.
CONTAINERS = {"container", "only", "topic", "sidebar", "rubric", "epigraph", "highlights", "pull-quote",
              "compound", "admonition", "details", "dropdown", "card", "tab", "tab-item", "tab-set", "grid",
              "grid-item", "grid-item-card", "div"}


class HeadingStyles:
    """The adornment styles seen so far, in order: the index is the level."""

    def __init__(self) -> None:
        self.styles: list[tuple[str, bool]] = []

    def level(self, char: str, overline: bool) -> int:
        key = (char, overline)
        if key not in self.styles:
            self.styles.append(key)
        return self.styles.index(key) + 1


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _dedent(lines: list[Line]) -> list[Line]:
    widths = [_indent(t.expandtabs(8)) for _, t in lines if t.strip()]
    cut = min(widths) if widths else 0
    return [(n, t.expandtabs(8)[cut:]) for n, t in lines]


def parse_rst(lines: list[Line], styles: Optional[HeadingStyles] = None) -> list:
    """The blocks of some reST text, given as ``(line number, text)`` pairs."""
    return _Parser(_dedent(lines), styles or HeadingStyles()).blocks()


class _Parser:
    def __init__(self, lines: list[Line], styles: HeadingStyles) -> None:
        self.lines = [(n, t.rstrip()) for n, t in lines]
        self.styles = styles
        self.at = 0
        self.out: list = []

    def text(self, offset: int = 0) -> Optional[str]:
        at = self.at + offset
        return self.lines[at][1] if 0 <= at < len(self.lines) else None

    def number(self, offset: int = 0) -> int:
        at = min(self.at + offset, len(self.lines) - 1)
        return self.lines[at][0] if self.lines else 0

    def indented_body(self, deeper_than: int, first_blank_ok: bool = True) -> list[Line]:
        """The lines after the current one that are blank or indented more than
        ``deeper_than`` (the body of a directive, item or literal block)."""
        body: list[Line] = []
        while self.at < len(self.lines):
            number, text = self.lines[self.at]
            if text.strip() and _indent(text) <= deeper_than:
                break
            body.append((number, text))
            self.at += 1
        while body and not body[-1][1].strip():
            body.pop()
        return body

    def blocks(self) -> list:
        while self.at < len(self.lines):
            text = self.text()
            if not text.strip():
                self.at += 1
            elif _indent(text):
                self.block_quote()
            elif self.heading():
                pass
            elif ADORNMENT.match(text):  # a transition
                self.at += 1
            elif TABLE.match(text):
                self.table()
            elif EXPLICIT.match(text):
                self.explicit()
            elif BULLET.match(text):
                self.list_items()
            elif FIELD.match(text) and not text.startswith(":math:"):
                self.field()
            elif text.startswith("| ") or text == "|":
                self.line_block()
            else:
                self.paragraph()
        return self.out

    # headings

    def heading(self) -> bool:
        text, below = self.text(), self.text(1)
        after = self.text(2)
        over = ADORNMENT.match(text)
        if over and below and below.strip() and after and ADORNMENT.match(after) and after[0] == text[0]:
            self.out.append(Heading(self.styles.level(text[0], True), rst_inline(below.strip()), self.number(1)))
            self.at += 3
            return True
        if not over and below and ADORNMENT.match(below) and len(below.strip()) >= min(3, len(text.strip())):
            self.out.append(Heading(self.styles.level(below[0], False), rst_inline(text.strip()), self.number()))
            self.at += 2
            return True
        return False

    # explicit markup: directives, comments, targets

    def explicit(self) -> None:
        number, text = self.lines[self.at]
        self.at += 1
        match = DIRECTIVE.match(text)
        body = self.indented_body(0)
        if not match:
            return  # a comment, a target (.. _label:), a footnote or a substitution definition
        name, args = match.group("name").lower().split(":")[-1], (match.group("args") or "").strip()
        options, content = _options(body)
        if name in ("image", "figure"):
            caption_blocks = parse_rst(content, self.styles) if name == "figure" and content else []
            caption = next((b.text for b in caption_blocks if isinstance(b, Prose)), None)
            self.out.append(Picture(args, number, options.get("alt", ""), caption))
        elif name in ADMONITIONS:
            if name.startswith(("version", "deprecated")):
                said = f"{ADMONITIONS[name]} {args}."
                self.out.append(Prose(Text(said, said), number))
                self.out.extend(parse_rst(content, self.styles) if content else [])
                return
            inner = parse_rst(([(number, args)] if args else []) + content, self.styles)
            self.out.extend(_labelled(ADMONITIONS[name], inner))
        elif name == "math":
            tex = " ".join(part for part in [args, *(_joined(content))] if part)
            if tex and too_complex(tex):
                self.out.append(Todo("a display equation with a matrix or environment was left out; "
                                     "say in words what it shows, or make it an image", number))
            elif tex:
                self.out.append(Prose(Text(*inline_math(tex)), number, display_math=True))
        elif name in SHOWN_CODE and name != "literalinclude" and listing(content):
            self.out.append(listing(content, args.split()[0] if args.split() else ""))
        elif name in SHOWN_CODE:
            self.out.append(Todo(f"a '.. {name}::' block shows code from elsewhere; it was left out "
                                 "(paste the code into a code block of the script to show it)", number))
        elif name in TABLES:
            self.out.append(Todo(f"a table ('.. {name}::') was left out; say what it shows, or make it an image", number))
        elif name in CONTAINERS:
            if args and name in ("rubric", "topic", "admonition", "sidebar", "dropdown", "card", "tab-item", "tab"):
                self.out.append(Prose(rst_inline(args), number))
            self.out.extend(parse_rst(content, self.styles) if content else [])
        elif name in QUIET:
            pass
        elif name == "include":
            self.out.append(Todo(f"'.. include:: {args}' was not followed; import that file's text by hand", number))
        else:
            self.out.append(Todo(f"unknown directive '.. {name}::' was left out", number))

    # blocks of text

    def paragraph(self) -> None:
        number = self.number()
        parts: list[str] = []
        while self.at < len(self.lines):
            text = self.text()
            if not text.strip():
                break
            if parts and _indent(text) and not parts[-1].endswith("::"):
                # a definition list: the term, then its indented definition
                term = rst_inline(" ".join(parts))
                item, after = fold_item(term, parse_rst(self.indented_body(0), self.styles), number)
                if item.text != term:  # "term: definition"
                    rest = Text(item.text.slide[len(term.slide):], item.text.say[len(term.say):])
                    item = Item(Text(f"{term.slide}:{rest.slide}", f"{term.say}:{rest.say}"), item.points, number)
                self.out.append(Items((item,), number))
                self.out.extend(after)
                return
            parts.append(text.strip())
            self.at += 1
        text = " ".join(parts)
        literal = text.endswith("::")
        if literal:
            text = text[:-2].rstrip()
            text = text + ":" if text and not text.endswith((" ", ":")) else text.rstrip(" :")
        if text and not (NAV_BAR.match(text) and "||" in text):
            self.out.extend(Prose(rst_inline(part), number) for part in (run_in(text) or (text,)))
        if literal:
            while self.at < len(self.lines) and not self.text().strip():
                self.at += 1
            shown = listing(_dedent(self.indented_body(0)))
            if shown:
                self.out.append(shown)

    def block_quote(self) -> None:
        body = self.indented_body(0)
        shown = listing(_dedent(body))
        if shown and looks_like_code(shown.text):
            self.out.append(shown)  # code indented under "…like this:" without the '::' it meant
        else:
            self.out.extend(parse_rst(body, self.styles))

    def list_items(self) -> None:
        number = self.number()
        items = []
        after: list = []
        while self.at < len(self.lines):
            text = self.text()
            if not text.strip():
                self.at += 1
                continue
            match = BULLET.match(text)
            if not match or _indent(text):
                break
            item_line = self.number()
            content_column = len(match.group("marker")) + len(match.group("space"))
            first = match.group("text")
            self.at += 1
            body = [(n, t) for n, t in self.indented_body(content_column - 1)]
            lead: list[str] = [first]
            while body and body[0][1].strip() and not BULLET.match(body[0][1].strip()):
                lead.append(body.pop(0)[1].strip())
            item, extra = fold_item(rst_inline(" ".join(lead)), parse_rst(body, self.styles) if body else [], item_line)
            items.append(item)
            after.extend(extra)
        self.out.append(Items(tuple(items), number))
        self.out.extend(after)

    def field(self) -> None:
        number = self.number()
        match = FIELD.match(self.text())
        self.at += 1
        rest = [t.strip() for _, t in self.indented_body(0)]
        text = " ".join(part for part in [match.group("text") or "", *rest] if part)
        self.out.append(Prose(rst_inline(f"{match.group('name').strip()}: {text}"), number))

    def line_block(self) -> None:
        number = self.number()
        parts = []
        while self.at < len(self.lines) and self.text().startswith("|"):
            parts.append(self.text()[1:].strip())
            self.at += 1
        self.out.append(Prose(rst_inline(" ".join(p for p in parts if p)), number))

    def table(self) -> None:
        number = self.number()
        while self.at < len(self.lines) and self.text().strip():
            self.at += 1
        self.out.append(Todo("a table was left out; say what it shows, or make it an image", number))


def looks_like_code(text: str) -> bool:
    """Whether an indented block is Python rather than quoted prose: it
    parses, and is more than a bare word or phrase-like expression."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return any(not (isinstance(node, ast.Expr) and isinstance(node.value, (ast.Name, ast.Constant)))
               for node in tree.body)


def _options(body: list[Line]) -> tuple[dict[str, str], list[Line]]:
    """A directive body's ``:name: value`` options and the content after them."""
    body = _dedent(body)
    options: dict[str, str] = {}
    at = 0
    while at < len(body) and FIELD.match(body[at][1].strip()) and body[at][1].strip():
        match = FIELD.match(body[at][1].strip())
        options[match.group("name").strip().lower()] = (match.group("text") or "").strip()
        at += 1
    return options, body[at:]


def _joined(lines: list[Line]) -> list[str]:
    return [t.strip() for _, t in lines if t.strip()]


def _labelled(label: str, inner: list) -> list:
    """Admonition content with its label ("Note: …") before the first prose."""
    for at, block in enumerate(inner):
        if isinstance(block, Prose):
            text = block.text
            inner[at] = Prose(Text(f"{label}: {text.slide}", f"{label}: {text.say}"), block.line)
            return inner
    return inner
