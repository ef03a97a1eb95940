"""Which cuecast made an output: its version plus a digest of the package's
own files, part of every stage's fingerprint.

A build record that fingerprinted the inputs alone would keep slides and a
timeline that an older cuecast drew after an upgrade (or a local edit of a
layout rule) until some input changed.  The version string alone does not
move for a development checkout, so the package's files count too: their
names, sizes and modification times (not their bytes: reading all of them
would cost more than the rest of a build that has nothing to do), collected
once per process.  A change to any of them rebuilds every stage once.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cuecast import __version__

PACKAGE = Path(__file__).resolve().parent
#: Caches of compiled code that Python writes beside the sources, not the tool.
_SKIPPED_DIRS = {"__pycache__"}


def package_stamps(package: Path = PACKAGE) -> list[tuple[str, int, int]]:
    """(path inside the package, size, mtime in ns) of every file of it."""
    stamps = []
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            stamps.append((os.path.relpath(path, package), stat.st_size, stat.st_mtime_ns))
    return stamps


@lru_cache(maxsize=None)
def tool_version() -> str:
    """``<version>+<digest of the package's files>``; computed once per process."""
    digest = hashlib.sha256(repr(package_stamps()).encode("utf-8")).hexdigest()[:12]
    return f"{__version__}+{digest}"
