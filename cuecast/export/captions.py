"""Captions (``captions.srt``, ``captions.vtt``) and WebVTT chapters
(``chapters.vtt``) from the timeline's narration.

A clip's text is wrapped to lines of at most 42 characters and cut into
caption cues of at most two lines (the usual broadcast limits) at sentence
and clause ends; a caption is on screen only while its words are said: the clip's
time is shared between its cues by character count, so the captions start and
end exactly when the narration does and never overlap.  Times are whole
milliseconds, the precision both formats carry.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from cuecast.atomic import write_text
from cuecast.clock import caption_time
from cuecast.model import Lesson, Timeline

MAX_LINE = 42
MAX_LINES = 2


@dataclass(frozen=True)
class Caption:
    """One caption cue; times in milliseconds on the lesson clock."""

    ident: str
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    #: When each word of ``lines`` (in order) is said, in ms; empty when untimed.
    word_ms: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def split_caption_lines(text: str, width: int = MAX_LINE) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width=width, break_on_hyphens=False) or [""]


_CLAUSE_END = re.compile(r"(?<=[,;:—–])\s+")


def caption_groups(text: str, width: int = MAX_LINE, max_lines: int = MAX_LINES) -> list[tuple[str, ...]]:
    """``text`` as caption cues of at most ``max_lines`` lines of ``width``.

    A cue ends where a sentence ends when the next one does not fit; a
    sentence longer than a cue is cut where a clause ends (after a comma,
    semicolon, colon or dash), and only a clause longer than a cue is cut
    between words, so a viewer reads whole phrases.
    """
    groups: list[list[str]] = []
    current: list[str] = []  # the cue being filled: each sentence (so far) starts a line

    def lines_of(parts: list[str]) -> list[str]:
        return [line for part in parts for line in split_caption_lines(part, width)]

    def close() -> None:
        if current:
            groups.append(lines_of(current))
            current.clear()

    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        sentence_fits = len(split_caption_lines(sentence, width)) <= max_lines
        phrases = [sentence] if sentence_fits else _CLAUSE_END.split(sentence)
        for index, phrase in enumerate(phrases):
            joined = current[:-1] + [f"{current[-1]} {phrase}"] if index and current else current + [phrase]
            if len(lines_of(joined)) <= max_lines:
                current[:] = joined
                continue
            close()
            lines = split_caption_lines(phrase, width)
            if len(lines) <= max_lines:
                current.append(phrase)
            else:  # a clause longer than a cue: cut between words, the rest starts the next cue
                full = (len(lines) - 1) // max_lines * max_lines
                groups.extend(lines[i : i + max_lines] for i in range(0, full, max_lines))
                current.append(" ".join(lines[full:]))
        if not sentence_fits:
            close()  # the next sentence starts a cue of its own
    close()
    return [tuple(group) for group in groups if group] or [("",)]


def build_captions(timeline: Timeline) -> list[Caption]:
    """Every narration clip in order as caption cues of ≤ 2 × 42 characters."""
    captions: list[Caption] = []
    for item in timeline.narration:
        groups = caption_groups(item.text)
        start_ms = round(item.start * 1000)
        end_ms = max(start_ms + 1, round(item.end * 1000))
        if captions:  # never overlap a previous clip's last cue, even by rounding
            start_ms = max(start_ms, captions[-1].end_ms)
        counts = [sum(len(line.split()) for line in group) for group in groups]
        timed = bool(item.words) and len(item.words) == sum(counts)
        word_ms = [min(max(round(w.start * 1000), start_ms), end_ms) for w in item.words] if timed else []
        weights = [sum(len(line) for line in group) or 1 for group in groups]
        total = sum(weights)
        done = first_word = 0
        edge = start_ms
        for index, (group, weight) in enumerate(zip(groups, weights)):
            done += weight
            if index == len(groups) - 1:
                next_edge = end_ms
            elif timed:  # the next cue starts as its first word is said
                next_edge = word_ms[first_word + counts[index]]
            else:
                next_edge = start_ms + round((end_ms - start_ms) * done / total)
            end = max(next_edge, edge + 1)
            ident = item.beat_id if len(groups) == 1 else f"{item.beat_id}.{index + 1}"
            captions.append(Caption(ident, edge, end, group, tuple(word_ms[first_word:first_word + counts[index]])))
            first_word += counts[index]
            edge = end
    return captions


def srt_text(captions: list[Caption]) -> str:
    blocks = [
        f"{n}\n{caption_time(c.start_ms, ',')} --> {caption_time(c.end_ms, ',')}\n{c.text}\n"
        for n, c in enumerate(captions, start=1)
    ]
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt_payload(caption: Caption) -> str:
    """The cue's text, with a timestamp tag before each word after the first
    (WebVTT wants each tag after the cue's start and the tag before it, and
    before its end: a word said at the same millisecond as the one before is
    tagged a millisecond later, and one past the end is not tagged)."""
    if not caption.word_ms:
        return _vtt_escape(caption.text)
    lines, index, last = [], 0, caption.start_ms
    for line in caption.lines:
        words = []
        for word in line.split():
            at = max(caption.word_ms[index], last + 1) if index else caption.start_ms
            if index and at < caption.end_ms:
                words.append(f"<{caption_time(at, '.')}>{_vtt_escape(word)}")
                last = at
            else:
                words.append(_vtt_escape(word))
            index += 1
        lines.append(" ".join(words))
    return "\n".join(lines)


def vtt_text(captions: list[Caption], kind: str = "captions") -> str:
    blocks = [f"WEBVTT - {kind}\n"]
    for c in captions:
        blocks.append(f"{c.ident}\n{caption_time(c.start_ms, '.')} --> {caption_time(c.end_ms, '.')}\n{_vtt_payload(c)}\n")
    return "\n".join(blocks)


def build_chapters(timeline: Timeline, lesson: Lesson) -> list[Caption]:
    """One chapter per top-level section, from its first segment to the next
    chapter; the first starts at 0 so players show it from the beginning."""
    owner: dict[str, str] = {}

    def claim(section, top_id):
        owner[section.id] = top_id
        for sub in section.subsections:
            claim(sub, top_id)

    for section in lesson.sections:
        claim(section, section.id)
    starts: dict[str, int] = {}
    for segment in timeline.segments:
        top = owner.get(segment.section_id)
        if top is not None and top not in starts:
            starts[top] = round(segment.start * 1000)
    ordered = [(section, starts[section.id]) for section in lesson.sections if section.id in starts]
    end_of_all = round(timeline.duration * 1000)
    chapters = []
    for index, (section, start) in enumerate(ordered):
        start = 0 if index == 0 else start
        end = ordered[index + 1][1] if index + 1 < len(ordered) else end_of_all
        chapters.append(Caption(section.id, start, end, (section.title,)))
    return chapters


def write_srt(timeline: Timeline, path: Path) -> Path:
    return write_text(path, srt_text(build_captions(timeline)))


def write_vtt(timeline: Timeline, path: Path) -> Path:
    return write_text(path, vtt_text(build_captions(timeline)))


def write_chapters(timeline: Timeline, lesson: Lesson, path: Path) -> Path:
    return write_text(path, vtt_text(build_chapters(timeline, lesson), kind="chapters"))
