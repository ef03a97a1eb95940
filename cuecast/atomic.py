"""Write outputs so that a failed or interrupted build never leaves a half
file where a good one was: write beside the target, then rename into place."""

from __future__ import annotations

import contextlib
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


def link_or_copy(source: Path, target: Path) -> None:
    """Put ``source`` at ``target`` in one rename: a hard link where the file
    system allows (cache entries cost no space twice), a copy otherwise."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and source.exists() and os.path.samefile(source, target):
        return
    part = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    part.unlink(missing_ok=True)
    try:
        os.link(source, part)
    except OSError:
        shutil.copyfile(source, part)
    os.replace(part, target)
