"""When each written word is said, from the times of the phonemes a voice
said.

The voice speaks a whole sentence, whose phonemes do not split back into the
written words one for one: espeak-ng runs "on the" together, reads "2.13" as
four words and "—" as none.  Each written word is therefore phonemised alone
and the two phoneme sequences are aligned (difflib: the longest common runs,
with the differences between them shared in proportion), so a word spans the
said phonemes its own phonemes matched.  Only letters are compared; stress
marks, length marks and punctuation carry no time of their own.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Sequence

from cuecast.model import Word


def _letters(phonemes: Sequence[str]) -> list[str]:
    return [p for p in phonemes if p.isalpha()]


def time_words(tokens: Sequence[str], written: Sequence[Sequence[str]],
               sounds: Sequence[tuple[str, float, float]], duration: float) -> tuple[Word, ...]:
    """Each token with its ``(start, end)``: ``written[i]`` is token ``i``
    phonemised alone, ``sounds`` the phonemes said with their times.  Times
    never go back and stay inside ``[0, duration]``; a token that says
    nothing takes the instant where the one before it ended."""
    said = [(p, start, end) for p, start, end in sounds if p.isalpha()]
    letters = [_letters(w) for w in written]
    if not said:
        step = duration / max(len(tokens), 1)
        return tuple(Word(t, round(i * step, 3), round((i + 1) * step, 3)) for i, t in enumerate(tokens))
    stream = [p for w in letters for p in w]
    where = _map(stream, [p for p, _, _ in said])
    words, index, last = [], 0, 0.0
    for token, own in zip(tokens, letters):
        if own:
            first, final = where[index], where[index + len(own) - 1]
            start = max(said[first][1], last if words else 0.0)
            end = max(said[final][2], start)
            index += len(own)
        else:
            start = end = last
        start, end = min(start, duration), min(end, duration)
        words.append(Word(token, round(float(start), 3), round(float(end), 3)))
        last = end
    return tuple(words)


def _map(written: list[str], said: list[str]) -> list[int]:
    """For each written phoneme, the index of the said phoneme it matches
    (or, where they differ, the one in the same proportion of the run);
    never decreasing."""
    where: list[int] = []
    matcher = SequenceMatcher(None, written, said, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "insert":
            continue
        for k in range(a2 - a1):
            if op == "equal":
                where.append(b1 + k)
            elif op == "replace":
                where.append(b1 + k * (b2 - b1) // (a2 - a1))
            else:  # written but not said: where the next said phoneme is
                where.append(min(b1, len(said) - 1))
    return where
