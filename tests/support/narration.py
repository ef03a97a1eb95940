"""A lesson of spoken beats, one per text, for the voices' tests."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

from cuecast.model import Beat, Lesson, Location, Section

SHORT = "Casting tensors."
LONG = "Casting various torch objects to different data types, then moving them to the best device available."


def loc(line=0):
    return Location("script/l.yaml", line, 1)


def lesson_of(*texts: str) -> Lesson:
    """Beats ``s-1``, ``s-2``, … saying ``texts``, at script lines 4, 5, …"""
    beats = tuple(Beat(f"s-{n}", loc(n + 3), say=text, bullet=text) for n, text in enumerate(texts, start=1))
    return Lesson("l", "L", "script/l.yaml", "/nonexistent", loc(), sections=(Section("s", "S", loc(2), beats=beats),))


def rms(path: Path) -> float:
    """The loudness of a mono 16-bit WAV (silence is ~0, speech thousands)."""
    with wave.open(str(path), "rb") as handle:
        assert handle.getnchannels() == 1 and handle.getsampwidth() == 2
        samples = array.array("h", handle.readframes(handle.getnframes()))
    return math.sqrt(sum(s * s for s in samples) / len(samples))
