"""The narration track: clips at their planned starts, any PCM WAV accepted."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from cuecast.model import Narration
from cuecast.video.audio import AudioError, mixed_narration


def write_wav(path, samples: np.ndarray, rate: int, width: int = 2, channels: int = 1):
    data = np.repeat(samples[:, None], channels, axis=1).reshape(-1)
    if width == 2:
        raw = (data * 32767).astype("<i2").tobytes()
    elif width == 3:
        ints = (data * (2**23 - 1)).astype("<i4")
        raw = b"".join(int(v).to_bytes(4, "little", signed=True)[:3] for v in ints)
    else:
        raise ValueError(width)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(width)
        handle.setframerate(rate)
        handle.writeframes(raw)
    return path


def tone(seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * 300 * t) * amplitude).astype(np.float32)


def mixed(narration, duration: float, rate: int) -> np.ndarray:
    """The mix as floats in [-1, 1]."""
    return np.frombuffer(mixed_narration(narration, duration, rate), dtype="<i2").astype(np.float32) / 32767.0


def test_clips_land_at_their_start_times(tmp_path):
    a = write_wav(tmp_path / "a.wav", tone(0.5, 22050), 22050)
    b = write_wav(tmp_path / "b.wav", tone(0.25, 44100, 0.3), 44100, width=3, channels=2)
    narration = (
        Narration("b1", "s", "one", 1.0, 1.5, str(a)),
        Narration("b2", "s", "silent beat", 2.0, 2.5, None),
        Narration("b3", "s", "two", 3.0, 3.25, str(b)),
    )
    samples = mixed(narration, 4.0, 48000)
    assert len(samples) == 4 * 48000
    envelope = np.abs(samples).reshape(-1, 480).max(axis=1)  # 10 ms windows
    loud = np.nonzero(envelope > 0.05)[0]
    assert loud[0] == 100  # starts at exactly 1.0 s
    assert 148 <= np.nonzero(envelope[100:200] > 0.05)[0][-1] + 100 <= 150
    assert envelope[155:295].max() == 0  # the silent beat stays silent
    assert loud[loud > 200][0] == 300
    assert 0.25 < envelope[310] < 0.35  # the 24-bit stereo clip kept its level


def test_a_missing_clip_names_its_beat(tmp_path):
    narration = (Narration("device-2", "device", "hi", 0.0, 1.0, str(tmp_path / "nope.wav")),)
    with pytest.raises(AudioError, match="device-2"):
        mixed_narration(narration, 2.0)


def test_clips_past_the_end_are_cut(tmp_path):
    a = write_wav(tmp_path / "a.wav", tone(2.0, 16000), 16000)
    samples = mixed((Narration("b", "s", "x", 0.5, 2.5, str(a)),), 1.0, 16000)
    assert len(samples) == 16000 and np.abs(samples[-100:]).max() > 0.1
