"""Text measured with real font metrics, so nothing overflows its box.

python-pptx's auto-fit only takes effect once PowerPoint re-renders a slide,
so the layout measures every run itself with Pillow on the very TTF files the
theme ships (and the raster drawer draws with), and wraps words the way a
renderer does: greedily, trailing spaces free.  A small ``SLACK`` keeps a
margin for renderers whose hinting makes text a hair wider.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from PIL import ImageFont

from cuecast.deck.boxes import Paragraph, Run

#: Pixel size of the reference font; widths scale linearly from it.
_REFERENCE_PX = 200
#: Fraction of a box's width that measured text may fill.
SLACK = 0.96
#: Line height as a multiple of the font size (DejaVu's ascent+descent is 1.164).
LINE_FACTOR = 1.22

#: A break opportunity no renderer draws (U+200B ZERO WIDTH SPACE).
JOINT = "\u200b"
#: Pieces a line may break between: words with their trailing spaces, and
#: the parts of a long word cut after its joints (see ``with_joints``).
PIECES = re.compile(r"[^\s\u200b]+\u200b?\s*|\s+")
#: A long word (a URL, a path) and the characters it may break after.
_LONG_WORD = re.compile(r"\S{20,}")
_JOINTS = re.compile(r"(?<=[/._\-#?&=])(?=\w)")


def with_joints(text: str) -> str:
    """``text`` with a zero-width break after the joints of every long word
    (``/``, ``.``, ``_``, ``-`` …, before a letter or digit), so a URL or a
    path wraps at ``…/basics/`` ``buildmodel_`` and never inside a word.
    The measurer wraps sans text with these breaks and the pptx writer
    writes them, so PowerPoint and LibreOffice break where it counted."""
    if len(text) < 20 or JOINT in text:
        return text
    return _LONG_WORD.sub(lambda word: _JOINTS.sub(JOINT, word.group()), text)


def drawn(text: str) -> str:
    """``text`` as glyphs are drawn: without its zero-width breaks."""
    return text.replace(JOINT, "")


@lru_cache(maxsize=64)
def pil_font(path: str, px: int) -> ImageFont.FreeTypeFont:
    """A Pillow font of ``path`` at ``px`` pixels, cached (loading is slow)."""
    return ImageFont.truetype(path, px)


@lru_cache(maxsize=65536)
def _reference_length(path: str, text: str) -> float:
    return pil_font(path, _REFERENCE_PX).getlength(text)


def text_width(text: str, path: str, size: float) -> float:
    """Advance width in points of ``text`` set in ``path`` at ``size`` pt."""
    text = drawn(text)
    if not text:
        return 0.0
    return _reference_length(path, text) * size / _REFERENCE_PX


def line_height(size: float) -> float:
    return round(size * LINE_FACTOR, 2)


class Measurer:
    """Measures runs for one theme: maps a run's font key and weight to its
    TTF file."""

    def __init__(self, theme) -> None:
        self.theme = theme

    def path(self, run: Run) -> str:
        return self.theme.font_file(run.font, run.bold)

    def width(self, run: Run, text: str | None = None) -> float:
        return text_width(run.text if text is None else text, self.path(run), run.size)

    def line_width(self, runs: Sequence[Run]) -> float:
        """Width of a line of runs, trailing spaces not counted."""
        runs = list(runs)
        while runs and not runs[-1].text.strip():
            runs.pop()
        if not runs:
            return 0.0
        last = runs[-1]
        return sum(self.width(r) for r in runs[:-1]) + self.width(last, last.text.rstrip())

    def wrap(self, runs: Sequence[Run], width: float) -> list[tuple[Run, ...]]:
        """Split a paragraph's runs into lines no wider than ``width`` pt
        (times ``SLACK``): words wrap greedily; a word wider than a whole line
        is broken between characters.  An empty paragraph is one empty line."""
        limit = width * SLACK
        lines: list[list[Run]] = [[]]
        used = 0.0
        for run in runs:
            for piece in PIECES.findall(with_joints(run.text) if run.font == "sans" else run.text):
                piece_run = Run(piece, run.font, run.size, run.bold, run.color, run.link)
                body = piece.rstrip()
                need = self.width(piece_run, body)
                if used + need <= limit or not lines[-1] and need <= limit:
                    lines[-1].append(piece_run)
                    used += self.width(piece_run)
                    continue
                if lines[-1] and need <= limit:
                    lines.append([piece_run])
                    used = self.width(piece_run)
                    continue
                # A word wider than the line: break it between characters.
                chunk = ""
                for char in piece:
                    if used + self.width(piece_run, (chunk + char).rstrip()) > limit and (chunk or lines[-1]):
                        if chunk:
                            lines[-1].append(Run(chunk, run.font, run.size, run.bold, run.color, run.link))
                        lines.append([])
                        used, chunk = 0.0, ""
                    chunk += char
                if chunk:
                    tail = Run(chunk, run.font, run.size, run.bold, run.color, run.link)
                    lines[-1].append(tail)
                    used += self.width(tail)
        return [tuple(_merge(line)) for line in lines]

    def paragraph_lines(self, paragraph: Paragraph, width: float, wrap: bool = True) -> list[tuple[Run, ...]]:
        """The visual lines of ``paragraph`` in a box whose text area is
        ``width`` pt wide (its own indent subtracted here)."""
        if not wrap:
            return [paragraph.runs]
        return self.wrap(paragraph.runs, width - paragraph.indent / 12_700)

    def height(self, paragraphs: Sequence[Paragraph], width: float, wrap: bool = True) -> float:
        """Total height in points of ``paragraphs`` set in a text area
        ``width`` pt wide."""
        total = 0.0
        for index, paragraph in enumerate(paragraphs):
            lines = len(self.paragraph_lines(paragraph, width, wrap))
            total += lines * paragraph.line_height + (paragraph.space_before if index else 0.0)
        return total

    def widest(self, paragraphs: Sequence[Paragraph]) -> float:
        return max((self.line_width(p.runs) + p.indent / 12_700 for p in paragraphs), default=0.0)


def _merge(runs: list[Run]) -> list[Run]:
    """Join neighbouring pieces that share a style back into one run."""
    merged: list[Run] = []
    for run in runs:
        if merged and (merged[-1].font, merged[-1].size, merged[-1].bold, merged[-1].color, merged[-1].link) == (
            run.font, run.size, run.bold, run.color, run.link
        ):
            merged[-1] = Run(merged[-1].text + run.text, run.font, run.size, run.bold, run.color, run.link)
        else:
            merged.append(run)
    return merged
