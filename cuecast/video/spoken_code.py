"""Which code line the narrator is talking about, and when: while a
backticked identifier of a beat's ``say:`` (``Beat.code_terms``) is being
said, the editor highlights the first shown line that holds it.

The words' times come from the voice (``Narration.words``, on the lesson
clock); a word is the identifier being said when it contains it (the voice
was handed the text without the backticks).  A voice that does not time its
words, or text the voice was handed in another form, highlights nothing.
"""

from __future__ import annotations

import re
from typing import Sequence

from cuecast.model import Narration


def _line_of(identifier: str, lines: Sequence[str]) -> int:
    """The first line holding ``identifier`` (or, for a call, its name), else -1."""
    for wanted in dict.fromkeys((identifier, re.sub(r"\(.*$", "", identifier))):
        if wanted:
            for row, line in enumerate(lines):
                if wanted in line:
                    return row
    return -1


def code_highlights(terms: Sequence[str], narration: Sequence[Narration], lines: Sequence[str], start: float,
                    fps: int, n_frames: int) -> tuple[tuple[int, int, int], ...]:
    """``(first frame, end frame, row)`` for each backticked identifier
    (``terms``) said during a segment starting at ``start`` whose code is
    ``lines``."""
    spans = []
    wanted = [(ident, row) for ident in terms if (row := _line_of(ident, lines)) >= 0]
    for item in narration:
        words = list(item.words)
        index = 0
        for ident, row in wanted:
            first = ident.split()[0]
            found = next((i for i in range(index, len(words)) if first in words[i].text), None)
            if found is None:
                continue
            last = min(len(words) - 1, found + len(ident.split()) - 1)
            a = max(0, round((words[found].start - start) * fps))
            b = min(n_frames, round((words[last].end - start) * fps))
            if b > a:
                spans.append((a, b, row))
            index = last + 1
    return tuple(spans)
