"""The plain data a laid-out deck is made of.

Units: every position and size is in EMU (English Metric Units, 914 400 per
inch, 12 700 per point), integers, because that is what pptx stores — so the
shapes read back from a written deck equal the layout exactly, and the raster
drawer scales the same numbers to pixels.  Font sizes and line heights are in
points (floats).

There are only four kinds of box; richer things are compositions laid out by
``cuecast.deck.layout``: a code panel is a ``Rect`` plus ``TextBox`` es with the
roles ``tab``, ``gutter`` and ``code``; a terminal is a ``TextBox`` with role
``terminal``; an autograd node is a filled, rounded ``TextBox`` with role
``node`` that ``Connector`` s attach to by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional, Union

EMU_PER_INCH = 914_400
EMU_PER_PT = 12_700


#: Corner radius of rounded boxes, the same in both drawers.
CORNER_RADIUS = 76_200  # 6 pt


def inches(value: float) -> int:
    return int(round(value * EMU_PER_INCH))


def pt_to_emu(value: float) -> int:
    return int(round(value * EMU_PER_PT))


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style.  ``font`` is a theme font key
    (``sans`` or ``mono``); ``color`` is ``#RRGGBB``; ``link`` makes it a
    hyperlink."""

    text: str
    font: str = "sans"
    size: float = 18.0
    bold: bool = False
    color: str = "#000000"
    link: Optional[str] = None


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its runs, its exact line height (pt; both drawers use
    it, so heights are predictable), and an optional bullet.  ``indent`` is
    the left margin of the text in EMU (bullets hang in it); ``size`` is set
    even on empty paragraphs so blank code lines keep their height."""

    runs: tuple[Run, ...]
    size: float
    line_height: float
    bullet: Optional[str] = None
    bullet_color: str = "#000000"
    indent: int = 0
    space_before: float = 0.0
    align: str = "left"  # left | center | right
    font: str = "sans"  # the font of an empty paragraph (blank code lines are mono)
    #: A row that continues the previous paragraph's line (output cuecast
    #: wrapped itself): drawn as its own row, written to pptx as a line break
    #: inside that paragraph, so the deck still holds one paragraph a line.
    continues: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Rect:
    """A filled (optionally rounded) rectangle with no text."""

    name: str
    x: int
    y: int
    w: int
    h: int
    fill: Optional[str] = None
    line: Optional[str] = None
    rounded: bool = False


@dataclass(frozen=True)
class TextBox:
    """Text laid out inside a box; ``inset`` is the (left, top, right, bottom)
    padding in EMU.  ``wrap`` False means every paragraph is one line (code
    that was measured to fit); True lets words wrap at the measured width.
    A ``fill`` or ``line`` draws the box as a shape; ``role`` says what it
    holds (title, subtitle, bullets, code, gutter, tab, terminal, badge, node,
    link, caption)."""

    name: str
    x: int
    y: int
    w: int
    h: int
    paragraphs: tuple[Paragraph, ...]
    role: str = "text"
    fill: Optional[str] = None
    line: Optional[str] = None
    rounded: bool = False
    inset: tuple[int, int, int, int] = (0, 0, 0, 0)
    anchor: str = "top"  # top | middle
    wrap: bool = True

    @property
    def text(self) -> str:
        """The text as python-pptx reads the written shape back: paragraphs
        joined by newlines, a wrapped row's line break as ``\\v``."""
        return "".join(("\v" if p.continues else "\n") + p.text if i else p.text
                       for i, p in enumerate(self.paragraphs))


@dataclass(frozen=True)
class Connector:
    """A straight arrow from one named box to another (``start`` → ``end``),
    attached at the start box's top edge and the end box's bottom edge, so it
    stays attached when a person moves either box in PowerPoint."""

    name: str
    start: str
    end: str
    x1: int
    y1: int
    x2: int
    y2: int
    color: str = "#000000"
    width: float = 1.5  # pt


@dataclass(frozen=True)
class ImageBox:
    """A picture scaled into the box (aspect kept by the layout)."""

    name: str
    x: int
    y: int
    w: int
    h: int
    path: str


Box = Union[Rect, TextBox, Connector, ImageBox]


def moved(box: "Box", dx: int, dy: int) -> "Box":
    """``box`` shifted by ``(dx, dy)`` EMU."""
    if isinstance(box, Connector):
        return replace(box, x1=box.x1 + dx, y1=box.y1 + dy, x2=box.x2 + dx, y2=box.y2 + dy)
    return replace(box, x=box.x + dx, y=box.y + dy)


@dataclass(frozen=True)
class SlideLayout:
    """One slide: its id (see ``cuecast.deck``), title, speaker notes and the
    boxes in drawing order (later boxes on top).  ``beat_ids`` names the
    beats whose bullets a section page shows, so the timeline can show the
    page while they are said; it is not drawn, so it is left out of the
    slide's repr (its image digest) and equality."""

    id: str
    title: str
    notes: str
    boxes: tuple[Box, ...]
    background: str = "#FFFFFF"
    beat_ids: tuple[str, ...] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class Deck:
    """A laid-out deck: slide size in EMU and the slides in order."""

    width: int
    height: int
    slides: tuple[SlideLayout, ...]

    def slide(self, slide_id: str) -> SlideLayout:
        for slide in self.slides:
            if slide.id == slide_id:
                return slide
        raise KeyError(slide_id)
