"""Segment clips kept between renders, so re-rendering after a small edit
re-encodes only the segments that changed -- and undoing the edit encodes
nothing at all.

A clip is stored under a key that hashes *everything* that shapes its pixels:
the scene's inputs (a slide's layout digest or drawn pixels, an editor's
code, output and pacing, burned captions), the frame count, the codec
settings, the ffmpeg binary and the source of this package (so a change to
the drawing code never serves a stale clip).  Entries are written atomically
and only after ffmpeg succeeded.

Earlier versions are kept, not just the latest render's clips: an author who
tries an edit and takes it back gets the old clips straight from here.  The
folder is bounded by size instead: after a render, the entries it did not use
are removed least recently used first until the folder is under
``max_bytes``.  "Used" is the file's modification time, refreshed on every
hit, so the bound needs no index file that could disagree with the folder.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from pathlib import Path
from typing import Optional

#: The default bound on a clip cache folder: about a hundred versions of a
#: ten-minute 1080p lesson's changed segments.
MAX_BYTES = 1 << 30
#: What the cache holds: video clips, narration tracks, slide stills.
SUFFIXES = (".mp4", ".m4a", ".png")


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of this package's source and the ffmpeg binary's identity."""
    from cuecast.ffmpeg import ffmpeg_exe

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    exe = Path(ffmpeg_exe())
    stat = exe.stat()
    digest.update(f"{exe.name}:{stat.st_size}".encode())
    return digest.hexdigest()


def clip_key(*parts: object) -> str:
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:32]


class ClipCache:
    """A folder of ``<key>.mp4`` clips, ``<key>.m4a`` narration tracks and
    ``<key>.png`` slide stills (``None`` folder: caching off), bounded to
    ``max_bytes`` by least-recent use."""

    def __init__(self, folder: Optional[Path], max_bytes: int = MAX_BYTES):
        self.folder = Path(folder) if folder is not None else None
        self.max_bytes = max_bytes
        self.used: set[str] = set()
        self._lock = threading.Lock()
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, key: str, suffix: str = ".mp4") -> Optional[Path]:
        if self.folder is None:
            return None
        with self._lock:
            self.used.add(key + suffix)
        return self.folder / f"{key}{suffix}"

    def get(self, key: str, suffix: str = ".mp4") -> Optional[Path]:
        """The entry, marked as just used; ``None`` on a miss."""
        path = self.path(key, suffix)
        if path is None:
            return None
        try:
            os.utime(path)  # the LRU clock; a missing entry raises
        except OSError:
            return None
        return path

    def entries(self) -> list[Path]:
        if self.folder is None:
            return []
        return [entry for suffix in SUFFIXES for entry in self.folder.glob(f"*{suffix}")]

    def prune(self) -> list[Path]:
        """Bring the folder under ``max_bytes``: entries this render did not
        use go first, least recently used first; what it used always stays.
        Returns the entries removed."""
        if self.folder is None:
            return []
        sized = []
        for entry in self.entries():
            try:
                stat = entry.stat()
            except OSError:
                continue  # removed by another render meanwhile
            sized.append((stat.st_mtime_ns, stat.st_size, entry))
        total = sum(size for _, size, _ in sized)
        removed = []
        for _, size, entry in sorted(sized, key=lambda item: item[0]):
            if total <= self.max_bytes:
                break
            if entry.name in self.used:
                continue
            entry.unlink(missing_ok=True)
            total -= size
            removed.append(entry)
        return removed
