"""A planned lesson with every timeline format written from it: real WAVs
for two beats (one with a long narration, so its captions break), the
export tests' common subject."""

from __future__ import annotations

from pathlib import Path

from cuecast.export import write_timeline_outputs
from cuecast.model import VoiceClip
from cuecast.narrate.base import write_wav
from cuecast.plan import place_audio, plan_timeline
from tests.test_plan import make_captures, make_lesson, silent_clips

FPS = 30
LONG_SAY = (
    "Casting various torch objects to different datatypes, from float thirty two to half precision, "
    "then back again, and finally to integers, which truncates every value toward zero."
)


def write_timeline(tmp_path: Path):
    """``(lesson, timeline, build_dir, paths)``: the lesson planned with
    narration and every format written into ``build_dir``."""
    lesson = make_lesson(tmp_path)
    clips = silent_clips(lesson)
    wav_dir = tmp_path / "voice"
    wav_dir.mkdir()
    for beat_id, seconds in (("intro-1", 1.5), ("casting-1", 4.0)):
        path = wav_dir / f"{beat_id}.wav"
        write_wav(path, b"\x20\x00" * int(22050 * seconds), 22050)
        clips[beat_id] = VoiceClip(beat_id, LONG_SAY if beat_id == "casting-1" else clips[beat_id].text, str(path), seconds)
    build_dir = tmp_path / "build" / lesson.id
    timeline = place_audio(plan_timeline(lesson, clips, make_captures(), voice="espeak"), build_dir)
    paths = write_timeline_outputs(timeline, lesson, build_dir)
    return lesson, timeline, build_dir, paths


def vtt_seconds(timestamp) -> float:
    """webvtt-py's ``*_in_seconds`` drop the milliseconds; keep them."""
    hours, minutes, seconds, millis = timestamp.to_tuple()
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


def frames(seconds: float) -> int:
    return round(seconds * FPS)
