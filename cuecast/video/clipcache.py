"""Segment clips kept between renders, so re-rendering after a small edit
re-encodes only the segments that changed.

A clip is stored under a key that hashes *everything* that shapes its pixels:
the scene's inputs (a slide's drawn pixels, an editor's code, output and
pacing, burned captions), the frame count, the codec settings, the ffmpeg
binary and the source of this package (so a change to the drawing code never
serves a stale clip).  Entries are written atomically and only after ffmpeg
succeeded; entries a render did not use are removed at its end, so the folder
holds one lesson's clips, not its history.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from pathlib import Path
from typing import Optional


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
    """A folder of ``<key>.mp4`` clips and ``<key>.m4a`` narration tracks
    (``None`` folder: caching off)."""

    def __init__(self, folder: Optional[Path]):
        self.folder = Path(folder) if folder is not None else None
        self.used: set[str] = set()
        self._lock = threading.Lock()
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, key: str, suffix: str = ".mp4") -> Optional[Path]:
        if self.folder is None:
            return None
        with self._lock:
            self.used.add(key)
        return self.folder / f"{key}{suffix}"

    def get(self, key: str, suffix: str = ".mp4") -> Optional[Path]:
        path = self.path(key, suffix)
        return path if path is not None and path.is_file() else None

    def prune(self) -> None:
        """Remove the entries this render did not use."""
        if self.folder is None:
            return
        for entry in list(self.folder.glob("*.mp4")) + list(self.folder.glob("*.m4a")):
            if entry.stem not in self.used:
                entry.unlink(missing_ok=True)

