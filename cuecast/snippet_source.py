"""Read the part of a snippet file that a cue shows on screen.

The whole file always runs; a cue's ``lines`` (resolved by the parser from a
line range, or from the cell it selects in a cell file) decide what the deck,
the video and the review page display, so set-up code can stay off screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from cuecast.cells import REGION_END, REGION_START, source_lines
from cuecast.model import Cue, Lesson


def snippet_path(lesson: Lesson, cue: Cue) -> Path:
    assert cue.snippet is not None
    return Path(lesson.root) / cue.snippet


def read_snippet(lesson: Lesson, cue: Cue) -> str:
    return snippet_path(lesson, cue).read_text(encoding="utf-8-sig")


def shown_numbered_lines(source: str, lines: Optional[tuple[int, int]]) -> list[tuple[int, str]]:
    """``(file line number, text)`` for every shown line, without region marker
    lines and without blank lines at either end; the numbers feed gutters."""
    numbered = list(enumerate(source_lines(source), start=1))
    if lines is not None:
        start, end = lines
        numbered = numbered[start - 1 : end]
    kept = [(n, t) for n, t in numbered if not (REGION_START.match(t) or REGION_END.match(t))]
    while kept and not kept[-1][1].strip():
        kept.pop()
    while kept and not kept[0][1].strip():
        kept.pop(0)
    return kept


def shown_code(lesson: Lesson, cue: Cue) -> str:
    """The code a cue puts on screen, as one string ending without a newline."""
    return "\n".join(text for _, text in shown_numbered_lines(read_snippet(lesson, cue), cue.lines))


def find_region(source: str, name: str) -> Optional[tuple[int, int]]:
    """The 1-based inclusive line range inside ``# region NAME`` … ``# endregion``
    (the marker lines excluded), or ``None`` when there is no such region."""
    depth_start: list[tuple[str, int]] = []
    for number, text in enumerate(source_lines(source), start=1):
        start = REGION_START.match(text)
        if start:
            depth_start.append((start.group("name") or "", number))
            continue
        if REGION_END.match(text) and depth_start:
            region_name, begin = depth_start.pop()
            if region_name == name:
                return (begin + 1, number - 1)
    return None
