"""The narration track: mixed in memory and piped to ffmpeg (no WAV of the
whole lesson on disk), cached by the clips' bytes and places, not their
paths, so a copied project finds its narration."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from cuecast.model import Narration
from cuecast.narrate.base import write_wav
from cuecast.video import compose
from cuecast.video.clipcache import ClipCache
from cuecast.video.encode import ffmpeg_exe


def _tone(path: Path, seconds: float, hz: float, rate: int = 22050) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    write_wav(path, (np.sin(2 * math.pi * hz * t) * 0.5 * 32767).astype("<i2").tobytes(), rate)
    return path


def _timeline(folder: Path) -> SimpleNamespace:
    return SimpleNamespace(duration=3.0, narration=(
        Narration("a", "s", "one", 0.0, 1.0, str(folder / "a.wav")),
        Narration("b", "s", "two", 1.5, 2.5, str(folder / "b.wav")),
    ))


def _decoded(path: Path) -> np.ndarray:
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", "8000", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32767


def test_the_track_holds_each_clip_at_its_place_and_no_wav_is_written(tmp_path):
    voices = tmp_path / "voices"
    voices.mkdir()
    _tone(voices / "a.wav", 1.0, 440)
    _tone(voices / "b.wav", 1.0, 660)
    work = tmp_path / "work"
    work.mkdir()
    track = compose.narration_track(_timeline(voices), 10, work, ClipCache(tmp_path / "cache"))
    samples = _decoded(track)
    assert abs(len(samples) / 8000 - 3.0) < 0.1
    loud = lambda a, b: float(np.sqrt(np.mean(samples[int(a * 8000):int(b * 8000)] ** 2)))  # noqa: E731
    assert loud(0.2, 0.8) > 0.2 and loud(1.7, 2.3) > 0.2  # the clips
    assert loud(1.1, 1.4) < 0.01 and loud(2.7, 2.95) < 0.01  # the silence between and after
    assert not list(work.rglob("*.wav"))


def test_a_copied_project_finds_its_narration_in_the_cache(tmp_path, monkeypatch):
    voices = tmp_path / "first" / "voices"
    voices.mkdir(parents=True)
    _tone(voices / "a.wav", 1.0, 440)
    _tone(voices / "b.wav", 1.0, 660)
    cache = ClipCache(tmp_path / "cache")
    first = compose.narration_track(_timeline(voices), 10, tmp_path, cache)
    copied = tmp_path / "second" / "voices"
    shutil.copytree(voices, copied)

    def no_encoding(*args, **kwargs):
        raise AssertionError("the narration was encoded again")

    monkeypatch.setattr(compose, "encode_pcm", no_encoding)
    assert compose.narration_track(_timeline(copied), 10, tmp_path, cache) == first
    _tone(copied / "b.wav", 1.0, 880)  # other bytes: another track
    monkeypatch.undo()
    assert compose.narration_track(_timeline(copied), 10, tmp_path, cache) != first
