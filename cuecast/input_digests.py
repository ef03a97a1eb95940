"""Digests of large input files that builds read but never write, kept
across builds in ``build/.cache/digests.json``.

A Piper voice model is 63 MB: hashing it took 35-40 ms of every build with
nothing changed, only to find the timeline's inputs the same.  Its digest is
kept here with the file's status and trusted as ``.build.json`` trusts an
output (``build_record.untouched``): the same size, modification and change
times and inode, the change well older than the entry.  Any other status
hashes the file again, so a model replaced under the same name, copied with
``cp -p`` or touched is read in full.  The book is only a cache: a missing,
damaged or unwritable one costs a hash, never a wrong answer.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from cuecast.atomic import file_hash, write_text
from cuecast.build_record import status_stamp, untouched

BOOK_NAME = "digests.json"

_BOOK_LOCK = threading.Lock()


def digest_book_path(root: Path) -> Path:
    """Where a project's book is kept (under its build folder's caches)."""
    return Path(root) / "build" / ".cache" / BOOK_NAME


class DigestBook:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._entries: dict | None = None

    def _read(self) -> dict:
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def digest(self, path: Path) -> str:
        """``path``'s SHA-256 (hex): from the book when its status proves it
        unchanged since it was hashed, else hashed now and booked."""
        name = os.path.abspath(path)
        status = os.stat(name)
        if self._entries is None:
            self._entries = self._read()
        entry = self._entries.get(name)
        if isinstance(entry, dict):
            stamp = entry.get("stamp")
            if (isinstance(stamp, list) and len(stamp) == 5 and stamp[0] == status.st_size
                    and isinstance(stamp[1], str) and untouched(stamp, status, entry.get("stamped"))):
                return stamp[1]
        size, digest = file_hash(Path(name))
        if size == status.st_size:  # not rewritten while it was read
            self._book(name, {"stamp": [size, digest] + status_stamp(status), "stamped": time.time_ns()})
        return digest

    def _book(self, name: str, entry: dict) -> None:
        with _BOOK_LOCK:
            entries = {**self._read(), name: entry}
            try:
                write_text(self.path, json.dumps(entries, indent=1))
            except OSError:
                pass  # a read-only build folder: hashed again next time
            self._entries = entries
