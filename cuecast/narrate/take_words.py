"""Word times for the author's recorded takes, aligned offline (``align``)
against the same text said by a Piper voice, and cached per take.

The reference is the lesson's own voice when it is Piper (its clip of the
beat is the one the build would speak anyway), else the packaged Piper voice.
Without Piper installed there is no reference, and takes have no word times,
as before: their captions break by length and nothing is highlighted.
"""

from __future__ import annotations

import hashlib
import json
import wave
from pathlib import Path
from typing import Optional

import numpy as np

from cuecast.atomic import write_text
from cuecast.model import Beat, Word
from cuecast.narrate.align import align
from cuecast.narrate.base import Voice
from cuecast.narrate.cache import clip_key

#: Bump when the alignment changes without any input changing.
ALIGN_FORMAT = 1
#: What a build says of recordings when it cannot time their words.
UNTIMED = "no word times: Piper, which they are aligned against, is not installed"


def reference_voice(voice: Optional[Voice] = None) -> Optional[Voice]:
    """The Piper voice takes are aligned against: ``voice`` when it is one,
    else the packaged voice when the ``voice`` extra is installed, else none."""
    from cuecast.narrate.piper import PiperVoice, piper_installed

    if isinstance(voice, PiperVoice):
        return voice
    return PiperVoice() if piper_installed() else None


def take_words(take: Path, beat: Beat, text: str, reference: Optional[Voice], cache_dir: Path,
               refresh: bool = False) -> tuple[Word, ...]:
    """Each word of ``text`` with when the take at ``take`` (a WAV in the
    voice cache) says it; none without a ``reference`` or when the take
    cannot be aligned (said over three times faster than the reference)."""
    if reference is None or not text.split():
        return ()
    key = clip_key(kind="aligned", take=hashlib.sha256(Path(take).read_bytes()).hexdigest(), text=text,
                   reference=reference.key(text), align=ALIGN_FORMAT)
    path = Path(cache_dir) / f"{key}.aligned.json"
    if not refresh:
        try:
            return tuple(Word(str(t), float(s), float(e)) for t, s, e in json.loads(path.read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            pass
    said = reference.clip(beat, text, cache_dir, refresh)
    try:
        words = align(*read_samples(Path(take)), *read_samples(Path(said.path)), said.words)
    except ValueError:
        words = ()
    write_text(path, json.dumps([[w.text, w.start, w.end] for w in words], ensure_ascii=False))
    return words


def read_samples(path: Path) -> tuple[np.ndarray, int]:
    """A PCM WAV's samples (channels mixed) as floats in [-1, 1], and its rate."""
    with wave.open(str(path), "rb") as handle:
        raw = handle.readframes(handle.getnframes())
        width, channels, rate = handle.getsampwidth(), handle.getnchannels(), handle.getframerate()
    if width == 1:
        data = np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128.0
    elif width == 3:  # 24-bit: widen each sample to 32 bits (a zero low byte), then back to its scale
        data = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        data = np.frombuffer(np.column_stack([np.zeros(len(data), np.uint8), data]).tobytes(), dtype="<i4") >> 8
    else:
        data = np.frombuffer(raw, dtype=f"<i{width}")
    scale = float(1 << (8 * width - 1))
    return data.astype(np.float64).reshape(-1, channels).mean(axis=1) / scale, rate
