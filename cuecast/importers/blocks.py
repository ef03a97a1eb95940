"""The plain data every tutorial reader produces and the lesson builder reads.

A reader (sphinx-gallery, percent script, notebook, fenced Markdown) only
splits its format into an ordered list of these blocks, each remembering the
line of the input file it came from; one builder (``importers.lesson``) turns
any such list into a lesson, so the readers never decide what a slide or a
beat is, and every format gets the same sections, bullets and cues.

Text is carried in two renderings made once by ``importers.speakable``:
``slide`` keeps inline code in backticks (the deck draws it as code) and math
as symbols; ``say`` is what a voice can read (no markup, math in words).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union


@dataclass(frozen=True)
class Text:
    """One piece of prose in its two renderings."""

    slide: str
    say: str

    def __bool__(self) -> bool:
        return bool(self.slide.strip() or self.say.strip())


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` is the format's own depth (1 for ``#`` or the
    first reST underline style), normalised later by the builder."""

    level: int
    title: Text
    line: int


@dataclass(frozen=True)
class Prose:
    """A paragraph (or admonition, or block of math) to be spoken.
    ``display_math`` marks a display equation: it is shown, so it stays on
    the section slide and is never moved into a code cue's narration."""

    text: Text
    line: int
    display_math: bool = False


@dataclass(frozen=True)
class Item:
    """One list item and the items nested under it (flattened)."""

    text: Text
    points: tuple[Text, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Items:
    """A bullet or numbered list."""

    items: tuple[Item, ...]
    line: int


@dataclass(frozen=True)
class Code:
    """A block of Python that runs.  ``lines`` gives the input line of each
    line of ``code`` (for to-dos); ``title`` is an explicit cell title
    (``# %% Title``); ``glue`` code runs but is never shown (set-up code
    before a percent file's first marker); ``raised`` is set when a notebook
    stored an error for the cell."""

    code: str
    lines: tuple[int, ...]
    title: str = ""
    glue: bool = False
    raised: bool = False

    @property
    def line(self) -> int:
        return self.lines[0] if self.lines else 0


@dataclass(frozen=True)
class Listing:
    """Code or text the prose shows but does not run: an reST literal block
    (``::``), a ``.. code-block::`` directive, a Markdown fence of another
    language.  ``lines`` are the input lines of ``text``'s lines."""

    text: str
    lines: tuple[int, ...]
    language: str = ""

    @property
    def line(self) -> int:
        return self.lines[0] if self.lines else 0


@dataclass(frozen=True)
class Picture:
    """An image the tutorial shows: ``path`` as written (relative to the
    input file, or a URL); ``caption`` from a figure, ``alt`` its alt text."""

    path: str
    line: int
    alt: str = ""
    caption: Optional[Text] = None


@dataclass(frozen=True)
class Todo:
    """Something a reader met but could not map (an unknown directive, a
    table, a display-only code block); listed after the import."""

    message: str
    line: int


Block = Union[Heading, Prose, Items, Code, Listing, Picture, Todo]


@dataclass
class Document:
    """A tutorial as a reader sees it: an optional title from metadata
    (front matter, notebook metadata) and the blocks in input order."""

    blocks: list[Block] = field(default_factory=list)
    title: Optional[Text] = None


def fold_item(text: Text, body: list, line: int) -> tuple[Item, list]:
    """One list item from its first paragraph and the blocks parsed from the
    rest of its body: nested lists become its ``points`` (deeper levels
    flattened, since a beat's points are one level), further paragraphs are
    appended to its text, and anything else (a picture, a to-do) is handed
    back to follow the list."""
    slide, say = [text.slide], [text.say]
    points: list[Text] = []
    after: list = []
    for block in body:
        if isinstance(block, Items):
            for nested in block.items:
                points.append(nested.text)
                points.extend(nested.points)
        elif isinstance(block, Prose) and not points:
            slide.append(block.text.slide)
            say.append(block.text.say)
        elif isinstance(block, Prose):
            points.append(block.text)
        else:
            after.append(block)
    joined = Text(" ".join(s for s in slide if s), " ".join(s for s in say if s))
    return Item(joined, tuple(points), line), after


def listing(lines: list[tuple[int, str]], language: str = "") -> Optional[Listing]:
    """A ``Listing`` of numbered lines (blank lines at either end dropped);
    ``None`` when nothing is left."""
    lines = trim_blank_lines(lines)
    if not lines:
        return None
    return Listing("\n".join(t.rstrip() for _, t in lines), tuple(n for n, _ in lines), language)


def trim_blank_lines(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Numbered code lines without blank lines at either end."""
    lines = list(lines)
    while lines and not lines[0][1].strip():
        lines.pop(0)
    while lines and not lines[-1][1].strip():
        lines.pop()
    return lines
