"""A take recorded in the preview page, checked and put where the build
looks for it: ``<takes folder>/<beat id>.wav`` (``narrate.takes``).

The browser sends what its MediaRecorder made (WebM/Opus, Ogg, MP4 …);
the shipped ffmpeg decodes it to a 16-bit WAV beside the take's final name.
A take that is not audio, is silent, or runs far past its beat is refused
with the beat's script line and what to do, and the good take it would have
replaced is left alone.  A take that passes replaces the current one, which
moves to ``previous/<beat id>.<n>.<ext>`` beside it, so nothing recorded is
ever lost.  This is the one place cuecast writes outside ``build/``: the
author pressed Record, and the take is theirs.
"""

from __future__ import annotations

import math
import os
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from cuecast.errors import ConfigError
from cuecast.model import Beat, Lesson
from cuecast.narrate import spoken_lines
from cuecast.narrate.recorded import RecordedVoice, decode_to_wav
from cuecast.narrate.takes import takes_folder

#: The largest take accepted (an hour of Opus is about 30 MB).
MAX_BYTES = 64 << 20
#: Below this RMS (of 32767) a take is silence: a muted or unplugged microphone.
SILENT_RMS = 40
#: A take may run this much past its beat's narration before it is refused.
SLACK_FACTOR, SLACK_SECONDS = 2.5, 8.0


@dataclass(frozen=True)
class Take:
    beat_id: str
    path: Path
    duration: float
    previous: Optional[Path]  # where the take it replaced went


class TakeRefused(ConfigError):
    """A take that is not kept; its message names the beat and why."""


def find_beat(lesson: Lesson, beat_id: str) -> Beat:
    for _, beat in lesson.beats():
        for line in spoken_lines(beat):
            if line.id == beat_id:
                return line
    raise TakeRefused(f"lesson '{lesson.id}' has no beat '{beat_id}'", lesson.location,
                      hint="reload the page: the script changed since it was drawn")


def _loudness(path: Path) -> tuple[float, float]:
    """``(seconds, rms)`` of a mono 16-bit WAV."""
    with wave.open(str(path), "rb") as handle:
        frames, rate = handle.getnframes(), handle.getframerate()
        samples = array("h", handle.readframes(frames))
    if not samples:
        return 0.0, 0.0
    return frames / float(rate), math.sqrt(sum(s * s for s in samples) / len(samples))


def save_take(lesson: Lesson, beat_id: str, data: bytes, planned: Optional[float] = None,
              voice_spec: Optional[str] = None) -> Take:
    """Check ``data`` (what the browser recorded) and keep it as the beat's
    take; ``planned`` is how long the beat's narration is now (seconds)."""
    beat = find_beat(lesson, beat_id)
    where = f"beat '{beat.id}'"
    if not data:
        raise TakeRefused(f"the take for {where} is empty", beat.location,
                          hint="record again; if it stays empty, check the microphone in the browser's settings")
    if len(data) > MAX_BYTES:
        raise TakeRefused(f"the take for {where} is {len(data) >> 20} MB, more than {MAX_BYTES >> 20} MB",
                          beat.location, hint="record the beat in shorter takes")
    folder = takes_folder(lesson, voice_spec)
    folder.mkdir(parents=True, exist_ok=True)
    upload = folder / f".{beat.id}.upload.part"
    decoded = folder / f".{beat.id}.wav.part"
    try:
        upload.write_bytes(data)
        try:
            decode_to_wav(upload, decoded)
            seconds, rms = _loudness(decoded)
        except (ValueError, wave.Error, EOFError) as exc:
            raise TakeRefused(f"the take for {where} is not audio ({exc})", beat.location,
                              hint="record again; the browser sent something ffmpeg cannot decode") from None
        if seconds < 0.2 or rms < SILENT_RMS:
            raise TakeRefused(f"the take for {where} is silent ({seconds:.1f} s, level {rms:.0f} of 32767)",
                              beat.location, hint="check that the right microphone is chosen and not muted, "
                                                  "then record again")
        if planned and seconds > max(planned * SLACK_FACTOR, planned + SLACK_SECONDS):
            raise TakeRefused(f"the take for {where} runs {seconds:.1f} s, far past the beat's {planned:.1f} s",
                              beat.location, hint="stop recording when the beat is said, or split the beat "
                                                  "in the script")
        previous = _set_aside(RecordedVoice(folder).recordings(beat), folder / "previous", beat.id)
        target = folder / f"{beat.id}.wav"
        os.replace(decoded, target)
        return Take(beat.id, target, seconds, previous)
    finally:
        upload.unlink(missing_ok=True)
        decoded.unlink(missing_ok=True)


def _set_aside(takes: list[Path], folder: Path, beat_id: str) -> Optional[Path]:
    """Move the current takes into ``folder`` under numbers never used
    before; the last one moved (the take replaced) is returned."""
    moved = None
    for take in takes:
        folder.mkdir(exist_ok=True)
        number = 1
        while any(folder.glob(f"{beat_id}.{number}.*")):
            number += 1
        moved = folder / f"{beat_id}.{number}{take.suffix}"
        os.replace(take, moved)
    return moved
