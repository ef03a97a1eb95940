"""Voice clips cached by a hash of everything that shapes them.

The key covers the text and every voice setting, the engine and its library
version and the sample rate: a key that forgets one input (manim-voiceover's
forgotten language) serves stale audio.  Entries are written beside their
final name and renamed into place, with the SHA-256 of their bytes beside
them; an entry that does not read back as a WAV with that hash (truncated,
corrupted, edited) is treated as missing and rebuilt.  A voice that times
its words keeps them beside the clip (``<key>.words.json``), written before
the clip lands, so an entry with audio always has its words.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable, Optional

from cuecast.atomic import atomic_path, write_text
from cuecast.model import Word
from cuecast.narrate.base import wav_duration

#: Bump when the way clips are produced changes without any input changing.
CACHE_FORMAT = 2  # 2: espeak clips deterministic (spoken from a pristine engine); entries verified by hash

#: ``make(tmp)`` writes the WAV; for a ``timed`` entry it returns the clip's words.
Make = Callable[[Path], Optional[tuple[Word, ...]]]


def clip_key(**shaping) -> str:
    """A stable hex digest of the keyword values (JSON, sorted keys)."""
    payload = json.dumps({"format": CACHE_FORMAT, **shaping}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def cached_clip(
    cache_dir: Path, key: str, make: Make, refresh: bool = False, timed: bool = False
) -> tuple[Path, float, bool]:
    """``(path, duration, was_cached)`` for the entry ``key``.

    ``make(tmp_path)`` writes the WAV when the entry is missing, corrupt or
    ``refresh`` is set; it only lands under its final name once complete.
    ``timed``: the entry must have its words too (``read_words``).
    """
    path = Path(cache_dir) / f"{key}.wav"
    if not refresh:
        duration = _valid_duration(path, timed)
        if duration is not None:
            return path, duration, True
    with atomic_path(path) as tmp:
        words = make(tmp)
        duration = wav_duration(tmp)
        digest = _digest(tmp)
        if timed:
            write_text(words_path(path), json.dumps([[w.text, w.start, w.end] for w in words], ensure_ascii=False))
    write_text(_digest_path(path), digest)
    return path, duration, False


def is_cached(cache_dir: Path, key: str, timed: bool = False) -> bool:
    """Whether ``key`` has a sound entry (with its words, when ``timed``)."""
    return _valid_duration(Path(cache_dir) / f"{key}.wav", timed) is not None


def words_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).stem + ".words.json")


def read_words(path: Path) -> tuple[Word, ...]:
    """The words kept beside the clip at ``path`` (none when there are none)."""
    try:
        rows = json.loads(words_path(path).read_text(encoding="utf-8"))
        return tuple(Word(str(text), float(start), float(end)) for text, start, end in rows)
    except (OSError, ValueError, TypeError):
        return ()


def _digest_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _valid_duration(path: Path, timed: bool = False) -> Optional[float]:
    """The entry's length, or ``None`` when it is missing, is not a WAV, or
    no longer has the bytes it was written with (its hash, recorded beside
    it, catches a truncated or corrupted entry that still parses), or, when
    ``timed``, has lost its words."""
    if not path.is_file() or (timed and not read_words(path)):
        return None
    try:
        if _digest_path(path).read_text(encoding="ascii").strip() != _digest(path):
            return None
        return wav_duration(path)
    except (OSError, ValueError):
        return None
