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

Every entry has a sidecar, ``<entry>.sum``, with the size and SHA-256 of the
bytes written, and an entry is served only when it still has them.  A clip
cut short by a crash or a full disk, or an entry someone edited, would
otherwise be joined into a video that does not play, or served for ever
(an AAC track without its ``moov`` atom failed every later build).  Such an
entry is dropped and made again.  Hashing is cheap next to what a hit
saves: the default lesson's clips are 8 MB at 1080p, a few milliseconds.
The sidecar is written before the entry is renamed into place, both under
one lock, so a reader never sees a new entry with an old sidecar, and a
build killed between the two leaves a mismatch, which is a miss.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Iterator, Optional

from cuecast.atomic import _umask, file_hash, write_text

#: Under the lesson's build folder: segment clips kept between renders.
CLIP_CACHE = ".video-cache"
#: The default bound on a clip cache folder: about a hundred versions of a
#: ten-minute 1080p lesson's changed segments.
MAX_BYTES = 1 << 30
#: What the cache holds: video clips, narration tracks, slide stills.
SUFFIXES = (".mp4", ".m4a", ".png")
#: Beside each entry: ``<size> <sha256>`` of its bytes as written.
SUM_SUFFIX = ".sum"

#: Entries are checked, and renamed in with their sidecars, one at a time in a
#: process: the video's encoder threads and ``render preview``'s background
#: join share a folder (two builds of one project never run at once).
_ENTRIES = threading.Lock()


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
        """The entry, marked as just used; ``None`` on a miss, which is also
        what an entry whose bytes are not those recorded in its sidecar (or
        that has none) is: it is removed, to be made again."""
        path = self.path(key, suffix)
        if path is None:
            return None
        with _ENTRIES:
            if not self._intact(path):
                _remove(path)
                return None
            try:
                os.utime(path)  # the LRU clock
            except OSError:
                return None
        return path

    @staticmethod
    def _intact(path: Path) -> bool:
        try:
            size, digest = _sum_path(path).read_text(encoding="ascii").split()
            return path.stat().st_size == int(size) and file_hash(path)[1] == digest
        except (OSError, ValueError):
            return False

    @contextlib.contextmanager
    def store(self, target: Path) -> Iterator[Path]:
        """Write ``target`` atomically: yields a temp path beside it, renamed
        into place when the block succeeds and removed when it fails.  When
        ``target`` is an entry of this cache (from ``path``), its sidecar is
        written first, with the size and hash of what the block wrote; any
        other target (caching off: a work file) is just renamed into place."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        part = Path(name)
        try:
            yield part
            os.chmod(part, 0o666 & ~_umask())  # mkstemp's 0600 would hide it from other users
            if self.folder is not None and target.parent == self.folder:
                size, digest = file_hash(part)
                with _ENTRIES:
                    write_text(_sum_path(target), f"{size} {digest}\n")
                    os.replace(part, target)
            else:
                os.replace(part, target)
        except BaseException:
            part.unlink(missing_ok=True)
            raise

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
            with _ENTRIES:
                _remove(entry)
            total -= size
            removed.append(entry)
        for sidecar in self.folder.glob(f"*{SUM_SUFFIX}"):  # of entries removed by hand, or never renamed in
            with _ENTRIES:
                if not sidecar.with_suffix("").exists():
                    sidecar.unlink(missing_ok=True)
        return removed


def _sum_path(entry: Path) -> Path:
    return entry.with_name(entry.name + SUM_SUFFIX)


def _remove(entry: Path) -> None:
    """An entry and its sidecar, whichever exist."""
    entry.unlink(missing_ok=True)
    _sum_path(entry).unlink(missing_ok=True)
