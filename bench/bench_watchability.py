"""How watchable a built lesson is, read from its ``timeline.otio``.

Prints, for each lesson given (a build folder or its ``timeline.otio``):

* the silent share of the video (1 − narrated time / video time);
* the longest silent stretch, and the longest outside code cues (a slide
  with nothing said on it);
* the share of code cues (``vscode`` and ``terminal`` segments) that have
  narration over at least 40% of their time.

and, from its ``narration.csv`` and captions, every markup leak: what a
listener would hear read out as markup (``leaks``).

Targets for an imported tutorial (issue 27): silence ≤ 15%, no silent
stretch over 4 s, ≥ 90% of code cues narrated, no leaks.  Run from the
repository root: ``python bench/bench_watchability.py build/<lesson> [...]``.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

#: A code cue counts as narrated when speech covers at least this share of it.
NARRATED_SHARE = 0.4

#: Segment kinds where code is typed and run (the OTIO clip's ``cuecast.kind``).
CODE_KINDS = ("vscode", "terminal")


@dataclass(frozen=True)
class Watchability:
    duration: float
    silent_share: float
    longest_silence: float
    longest_silence_off_code: float
    code_cues: int
    narrated_code_cues: int

    @property
    def narrated_code_share(self) -> float:
        return self.narrated_code_cues / self.code_cues if self.code_cues else 1.0

    def line(self, name: str) -> str:
        return (f"{name}: {self.duration:.1f} s, silence {self.silent_share:.0%}, longest silent "
                f"{self.longest_silence:.1f} s ({self.longest_silence_off_code:.1f} s off code), code cues "
                f"narrated {self.narrated_code_cues}/{self.code_cues} ({self.narrated_code_share:.0%})")


#: What must never reach a voice or a caption, by name: each is markup a
#: listener would hear spelled out ("dollar", "backslash frac", "backtick"), or
#: a power word, which the normaliser says only for a numeric exponent, so one
#: in a tutorial's narration is worth a look (is it an index read as a power?).
LEAK_RULES: dict[str, re.Pattern] = {
    "dollar": re.compile(r"\$(?!\d)"),  # a price ("$5") is said as written
    "backslash command": re.compile(r"\\(?:[A-Za-z]+|[,;:! {}])"),
    "tex script": re.compile(r"[\^_]\{"),
    "backtick": re.compile(r"`"),
    "bold": re.compile(r"\*\*"),
    "role": re.compile(r"(?<![\w:]):[a-z][\w-]*:(?=[`\w])|\{[a-z][\w:-]*\}(?=`)"),
    "directive": re.compile(r"(?:^|\s)\.\. [\w-]+::|(?<=\w)::(?=\s|$)"),
    "link": re.compile(r"\]\(|<https?://|https?://"),
    "power word": re.compile(r"\b(?:squared|cubed|to the power)\b", re.I),
}


@dataclass(frozen=True)
class Leak:
    where: str
    rule: str
    text: str

    def line(self) -> str:
        return f"{self.where}: {self.rule}: {self.text}"


def leaks(text: str, where: str = "") -> list[Leak]:
    """Every ``LEAK_RULES`` match in one line of narration or caption."""
    return [Leak(where, rule, text) for rule, pattern in LEAK_RULES.items() if pattern.search(text)]


def said_lines(folder: Path) -> list[tuple[str, str]]:
    """(where, text) of every line a lesson's voice says and its captions
    show: ``narration.csv``'s text column and the cue lines of
    ``captions.vtt`` and ``captions.srt``."""
    lines: list[tuple[str, str]] = []
    narration = folder / "narration.csv"
    if narration.is_file():
        with narration.open(newline="", encoding="utf-8") as handle:
            lines += [(f"narration.csv:{row['beat_id']}", row["text"]) for row in csv.DictReader(handle)]
    for name in ("captions.vtt", "captions.srt"):
        path = folder / name
        if not path.is_file():
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not text.strip() or "-->" in text or text.strip().isdigit() or text.startswith("WEBVTT"):
                continue
            lines.append((f"{name}:{number}", text))
    return lines


def folder_leaks(folder: Path) -> list[Leak]:
    """Every leak in a built lesson's narration and captions."""
    return [leak for where, text in said_lines(folder) for leak in leaks(text, where)]


def _spans(track) -> list[tuple[float, float, dict]]:
    """(start, end, cuecast metadata) of every clip of ``track``."""
    return [(clip.range_in_parent().start_time.to_seconds(),
             clip.range_in_parent().end_time_exclusive().to_seconds(),
             dict(clip.metadata.get("cuecast", {})))
            for clip in track.find_clips()]


def _overlap(a: float, b: float, spans: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(b, end) - max(a, start)) for start, end in spans)


def speech_and_silences(timeline) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(start, end) of every stretch of speech (overlaps merged) and of every
    silent stretch between them, from the narration track, in order."""
    duration = timeline.duration().to_seconds()
    merged: list[tuple[float, float]] = []
    for start, end in sorted((s, e) for track in timeline.audio_tracks() for s, e, _ in _spans(track)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    gaps, at = [], 0.0
    for start, end in merged:
        if start > at:
            gaps.append((at, start))
        at = end
    if duration > at:
        gaps.append((at, duration))
    return merged, gaps


def measure(timeline) -> Watchability:
    """The figures above for an ``opentimelineio`` timeline as cuecast writes it."""
    duration = timeline.duration().to_seconds()
    merged, gaps = speech_and_silences(timeline)
    spoken = sum(end - start for start, end in merged)
    segments = [span for track in timeline.video_tracks() for span in _spans(track)]
    code = [(s, e) for s, e, meta in segments if meta.get("kind") in CODE_KINDS]
    off_code = [_longest_outside(gap, code) for gap in gaps]
    narrated = sum(1 for s, e in code if e > s and _overlap(s, e, merged) >= NARRATED_SHARE * (e - s))
    return Watchability(
        duration=duration,
        silent_share=1 - spoken / duration if duration else 0.0,
        longest_silence=max((e - s for s, e in gaps), default=0.0),
        longest_silence_off_code=max(off_code, default=0.0),
        code_cues=len(code),
        narrated_code_cues=narrated,
    )


def _longest_outside(gap: tuple[float, float], code: list[tuple[float, float]]) -> float:
    """The longest part of the silent ``gap`` that falls outside every code segment."""
    start, end = gap
    pieces = [(start, end)]
    for c_start, c_end in code:
        cut = []
        for a, b in pieces:
            if c_end <= a or c_start >= b:
                cut.append((a, b))
                continue
            if a < c_start:
                cut.append((a, c_start))
            if c_end < b:
                cut.append((c_end, b))
        pieces = cut
    return max((b - a for a, b in pieces), default=0.0)


def main(argv: list[str]) -> int:
    import opentimelineio as otio

    if not argv:
        print(__doc__)
        return 2
    for name in argv:
        path = Path(name)
        if path.is_dir():
            path = path / "timeline.otio"
        if not path.is_file():
            print(f"{name}: no timeline.otio (run 'render build --only timeline' first)", file=sys.stderr)
            return 2
        found = folder_leaks(path.parent)
        print(measure(otio.adapters.read_from_file(str(path))).line(path.parent.name) + f", leaks {len(found)}")
        for leak in found:
            print(f"  {leak.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
