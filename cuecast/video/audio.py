"""The narration track: every voice clip placed at its planned start on one
WAV as long as the video, which ffmpeg then encodes to AAC.

Mixing here (stdlib ``wave`` + numpy) rather than with an ffmpeg filter graph
of dozens of delayed inputs keeps the timing sample-exact and the command
short; clips of any PCM rate, width and channel count are accepted.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Sequence

import numpy as np

from cuecast.errors import CuecastError
from cuecast.model import Narration

#: Output rate: AAC's usual 48 kHz.
RATE = 48000


class AudioError(CuecastError):
    """A narration clip is missing or is not a PCM WAV."""


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A WAV file as mono float32 samples in [-1, 1] and its sample rate."""
    with wave.open(str(path), "rb") as handle:
        channels = handle.getnchannels()
        width = handle.getsampwidth()
        rate = handle.getframerate()
        raw = handle.readframes(handle.getnframes())
    if width == 1:
        samples = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        samples = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        value = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        samples = value.astype(np.float32) / float(1 << 23)
    elif width == 4:
        samples = np.frombuffer(raw, "<i4").astype(np.float32) / float(1 << 31)
    else:
        raise AudioError(f"{path}: unsupported WAV sample width {width}")
    if channels > 1:
        samples = samples[: len(samples) // channels * channels].reshape(-1, channels).mean(axis=1)
    return samples, rate


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Linear-interpolation resampling: plenty for speech."""
    if rate == target or len(samples) == 0:
        return samples
    count = int(round(len(samples) * target / rate))
    positions = np.arange(count, dtype=np.float64) * (rate / target)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def mixed_narration(narration: Sequence[Narration], duration: float, rate: int = RATE) -> bytes:
    """Mono 16-bit little-endian PCM lasting ``duration`` seconds with each
    narration clip starting at its ``start``; clips without a path (the silent
    voice) leave silence.  Overlaps add; the sum is clipped, not normalised,
    so a level the author recorded is kept."""
    total = max(1, int(round(duration * rate)))
    track = np.zeros(total, dtype=np.float32)
    for item in narration:
        if not item.path:
            continue
        path = Path(item.path)
        try:
            samples, clip_rate = read_wav(path)
        except FileNotFoundError:
            raise AudioError(f"narration for beat '{item.beat_id}' is missing: {path}") from None
        except (wave.Error, EOFError, ValueError) as exc:  # ValueError: a partial last frame
            raise AudioError(f"narration for beat '{item.beat_id}' is not a PCM WAV ({exc}): {path}") from None
        except OSError as exc:
            raise AudioError(f"narration for beat '{item.beat_id}' cannot be read "
                             f"({exc.strerror or exc}): {path}") from None
        samples = resample(samples, clip_rate, rate)
        start = max(0, int(round(item.start * rate)))
        if start >= total:
            continue
        end = min(total, start + len(samples))
        track[start:end] += samples[: end - start]
    return (np.clip(track, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
