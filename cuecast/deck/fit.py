"""Choosing font sizes so measured text fits its box: shrink step by step to
a readable minimum, and only then cut (with a visible ellipsis)."""

from __future__ import annotations

from typing import Callable, Sequence

from cuecast.deck.boxes import EMU_PER_PT, Paragraph, Run
from cuecast.deck.measure import Measurer


def inner_size(w: int, h: int, inset: tuple[int, int, int, int]) -> tuple[float, float]:
    """Text area of a box in points."""
    return (w - inset[0] - inset[2]) / EMU_PER_PT, (h - inset[1] - inset[3]) / EMU_PER_PT


def fits(measurer: Measurer, paragraphs: Sequence[Paragraph], w: float, h: float, wrap: bool = True) -> bool:
    if not wrap and measurer.widest(paragraphs) > w * 0.96:
        return False
    return measurer.height(paragraphs, w, wrap) <= h + 0.01


def shrink_to_fit(
    make: Callable[[float], list[Paragraph]],
    measurer: Measurer,
    w: float,
    h: float,
    largest: float,
    smallest: float,
    wrap: bool = True,
) -> tuple[list[Paragraph], float, bool]:
    """Call ``make(size)`` from ``largest`` down to ``smallest`` (1 pt steps)
    and return the first paragraphs that fit, their size and True; if none
    fit, those made at ``smallest`` and False."""
    size = largest
    while True:
        paragraphs = make(size)
        if fits(measurer, paragraphs, w, h, wrap):
            return paragraphs, size, True
        if size <= smallest:
            return paragraphs, size, False
        size = max(smallest, size - 1)


def ellipsize(measurer: Measurer, paragraph: Paragraph, w: float, max_lines: int) -> Paragraph:
    """Cut ``paragraph`` at a word boundary so it wraps into ``max_lines``
    lines at most, ending in "…"."""
    runs = list(paragraph.runs)
    if len(measurer.paragraph_lines(paragraph, w)) <= max_lines:
        return paragraph
    style = runs[0]
    words = paragraph.text.split(" ")
    while len(words) > 1:
        words.pop()
        candidate = Paragraph(
            (Run(" ".join(words).rstrip(" ,.;:") + " …", style.font, style.size, style.bold, style.color, style.link),),
            paragraph.size, paragraph.line_height, paragraph.bullet, paragraph.bullet_color, paragraph.indent,
            paragraph.space_before, paragraph.align,
        )
        if len(measurer.paragraph_lines(candidate, w)) <= max_lines:
            return candidate
    return paragraph
