"""One ``render build`` at a time per project: ``build/.lock``.

Two builds of the same project side by side (two terminals, two CI jobs on
one checkout) would race on the same outputs and cache entries.  Every write
is already atomic, so nothing would be torn, but the two could interleave
stages and leave a record that matches neither run.  The second build
therefore waits for the first, saying so once, the way cargo waits for its
package lock; ``flock`` is released by the kernel when the holder exits, even
when it is killed, so a stale lock file never blocks anyone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

LOCK_NAME = ".lock"


def _holder(handle) -> str:
    """The pid the holder wrote into the lock file, if it is readable."""
    try:
        handle.seek(0)
        text = handle.read(32).strip()
    except OSError:
        return "?"
    return text if text.isdigit() else "?"


@contextlib.contextmanager
def project_lock(build_dir: Path, on_wait: Optional[Callable[[str], None]] = None) -> Iterator[Path]:
    """Hold ``build_dir/.lock`` for the duration; if another process holds
    it, call ``on_wait(message)`` once and block until it is free."""
    build_dir = Path(build_dir)
    path = build_dir / LOCK_NAME
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="ascii")
    except OSError as exc:  # read-only folder, no permission, a folder where the lock file goes
        from cuecast.errors import ConfigError  # the lock's name is read by a build with nothing to do: kept light

        raise ConfigError(f"cannot write the build lock {path}: {exc.strerror}",
                          hint="make it writable, or run from a copy of the project you can write to") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(f"another render build is running on this project (pid {_holder(handle)}); "
                        f"waiting for it to finish ({path})…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def project_locks(build_dirs: Iterable[Path], on_wait: Optional[Callable[[str], None]] = None) -> Iterator[None]:
    """Lock several projects' build folders, always in the same (sorted)
    order so two builds of overlapping projects cannot deadlock."""
    with contextlib.ExitStack() as stack:
        for build_dir in sorted({Path(d).resolve() for d in build_dirs}):
            stack.enter_context(project_lock(build_dir, on_wait))
        yield
