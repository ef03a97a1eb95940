"""Write outputs so that a failed or interrupted build never leaves a half
file where a good one was: write beside the target, then rename into place."""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Iterator


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces
    ``path`` in one rename, on any error (or Ctrl-C) it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp makes the file private (0600); outputs are ordinary files.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


#: Linux's FICLONE ioctl: a copy-on-write clone (btrfs, XFS) that costs no space.
_FICLONE = 0x40049409


def _clone(source: Path, part: Path) -> bool:
    """Reflink ``source`` to ``part`` where the file system can; ``False`` otherwise."""
    try:
        import fcntl

        with open(source, "rb") as src, open(part, "wb") as dst:
            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
        return True
    except (ImportError, OSError):
        part.unlink(missing_ok=True)
        return False


def copy_into_place(source: Path, target: Path) -> None:
    """Put a copy of ``source`` (a cache entry) at ``target`` in one rename.

    A copy (a reflink where the file system offers one), never a hard link:
    an output the author edits in place, or a player that rewrites it, must
    not change the cache it came from.  A target that already holds the
    same bytes is left alone; one that was edited is replaced."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and source.exists():
        if os.path.samefile(source, target):
            target.unlink()  # an old build's hard link into the cache: replace it with a copy
        elif target.stat().st_size == source.stat().st_size and filecmp.cmp(source, target, shallow=False):
            return
    part = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    part.unlink(missing_ok=True)
    try:
        if not _clone(source, part):
            shutil.copyfile(source, part)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
