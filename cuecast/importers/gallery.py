"""A sphinx-gallery example → blocks.

The format (sphinx-gallery's "Structuring Python scripts" page): the module
docstring is reST and opens with the example's title; after it, a line of 20
or more ``#`` or a ``# %%`` (``#%%``) line at the left margin starts a text
block made of the comment lines that follow it, in reST; everything else is
code, and a splitter followed directly by code only separates two code
blocks.  ``# sphinx_gallery_<name> = value`` lines configure the gallery and
are dropped.  A code block of comments only (text that missed its splitter)
is shown atop the code that follows it rather than as a cue of its own,
unless a heading comes between them: then it stays where it was written.
"""

from __future__ import annotations

import re

from cuecast.importers.blocks import Code, Document, Heading, trim_blank_lines
from cuecast.importers.python_source import docstring_lines, parse_python
from cuecast.importers.rst import HeadingStyles, parse_rst

SPLITTER = re.compile(r"^(?:#{20,}.*|#\s?%%(?!%).*)$")
CONFIG = re.compile(r"^\s*#\s*sphinx_gallery_\w+")


def is_gallery(text: str) -> bool:
    """A sphinx-gallery script rather than a percent one: a ``####…``
    splitter, or a module docstring that opens with a reST title."""
    lines = text.splitlines()
    if any(re.match(r"^#{20,}", line) for line in lines):
        return True
    if any(re.match(r"^#\s?%%.*\[(?:markdown|md|raw)\]", line, re.IGNORECASE) for line in lines):
        return False
    head = "\n".join(lines[:40])
    docstring = re.match(r"^\s*(?:#[^\n]*\n\s*)*[rRuU]?(\"\"\"|''')(?P<body>.*?)\1", head, re.S)
    if not docstring:
        return False
    body = [line.rstrip() for line in docstring.group("body").splitlines()]
    body = [line for line in body if not line.strip().startswith(".. _")]
    texts = [line for line in body if line.strip()]
    return len(texts) >= 2 and bool(re.match(r"^\s*([=\-~^\"'`#*+])\1{2,}\s*$", texts[1]))


def read_gallery(text: str, shown: str) -> Document:
    tree = parse_python(text, shown)
    styles = HeadingStyles()
    doc = Document()
    doc_lines, last = docstring_lines(tree, text)
    if doc_lines:
        doc.blocks.extend(parse_rst(doc_lines, styles))
    lines = list(enumerate(text.splitlines(), start=1))[last:]
    code: list[tuple[int, str]] = []
    comments: list[tuple[int, str]] = []  # a block of comments only, kept for the code after it
    comments_at = 0  # where in doc.blocks it was written
    title = ""

    def flush(final: bool = False) -> None:
        nonlocal code, title, comments, comments_at
        fresh = [(n, t) for n, t in code if not CONFIG.match(t)]
        code = []
        if final and comments and not trim_blank_lines(fresh):
            put_back_comments()
        kept = trim_blank_lines(comments + fresh)
        if kept and not final and all(not t.strip() or t.lstrip().startswith("#") for _, t in kept):
            if not comments:
                comments_at = len(doc.blocks)
            comments = kept + [(kept[-1][0], "")]
            return
        comments = []
        if kept:
            doc.blocks.append(Code("\n".join(t for _, t in kept), tuple(n for n, _ in kept), title=title))
            title = ""

    def put_back_comments() -> None:
        """Comments that a heading (or the end) separates from the code after
        them stay where they were written, as a block of their own."""
        nonlocal comments
        kept = trim_blank_lines(comments)
        comments = []
        if kept:
            doc.blocks.insert(comments_at, Code("\n".join(t for _, t in kept), tuple(n for n, _ in kept)))

    at = 0
    while at < len(lines):
        number, line = lines[at]
        if SPLITTER.match(line):
            flush()
            marker = re.match(r"^#\s?%%(?P<rest>.*)$", line)
            title = " ".join(marker.group("rest").split()) if marker else ""
            at += 1
            prose: list[tuple[int, str]] = []
            while at < len(lines) and lines[at][1].startswith("#") and not SPLITTER.match(lines[at][1]):
                number, comment = lines[at]
                prose.append((number, re.sub(r"^# ?", "", comment)))
                at += 1
            if prose:
                text_blocks = parse_rst(prose, styles)
                if comments and any(isinstance(b, Heading) for b in text_blocks):
                    put_back_comments()
                doc.blocks.extend(text_blocks)
            continue
        code.append((number, line))
        at += 1
    flush(final=True)
    return doc
