"""Which project files a snippet read while it ran, so the cache can tell when
they change.

A snippet that loads ``snippets/data/prices.csv`` prints something else when
the CSV is edited, though its own bytes are the same; the capture key cannot
know that in advance.  So the worker watches every ``open`` through a Python
audit hook (``sys.addaudithook``; it sees ``open()``, ``io.open``, ``os.open``
and everything built on them, such as ``numpy.load`` and ``torch.load``) and
records reads of files inside the project; the capture stores each one's
SHA-256, and a cached capture whose reads no longer hash the same is a miss.

The hook cannot be removed once added, so it is added once per worker
(``install``; every process the worker forks has it) and is a single
``None`` check outside a snippet.

The same hook protects the project from the snippet.  A snippet that
deleted ``snippets/tape.py`` was reported ``ok``, and the build failed later
with "cannot read snippets/tape.py", naming nothing that caused it.  So,
while a snippet runs, the hook refuses (raises ``PermissionError`` at the
snippet's line, before the operation happens) any delete, rename, or
overwrite (``"w"``, ``"r+"``, truncation) of a file of the project that the
snippet did not create itself, and any change at all under ``build/``
(cuecast's outputs and caches).  Creating new files, changing those, and
appending to a file stay allowed: lessons write data files, and appending
keeps what was there.  A refusal the snippet catches still fails it
(``refused``).  The hook sees only this Python process and its forks: a
``rm`` run through ``os.system`` is not seen.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path
from typing import Iterable, Optional

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
#: Folders whose files are code of installed packages or compiled caches.
_INSTALLED = re.compile(r"[/\\](?:site-packages|dist-packages|__pycache__)[/\\]")
_CUECAST_DIR = str(Path(__file__).resolve().parents[1])
_installed = False
_watch: Optional["ReadWatch"] = None


class ReadWatch:
    """Reads under ``root`` (absolute paths), outside ``ignore`` folders, and
    the changes to the project refused while a snippet (``snippet``: its
    absolute path, for the line of a refusal) runs."""

    def __init__(self, root: str, ignore: Iterable[str] = (), snippet: str = "", shown: str = ""):
        self.root = os.path.join(os.path.abspath(root), "")
        self.build = os.path.join(self.root, "build", "")
        self.snippet = snippet
        self.shown = shown or snippet
        self.created: set[str] = set()
        #: ``(line, message)`` of each change refused, in order.
        self.refused: list[tuple[Optional[int], str]] = []
        # Python's own files and installed packages are not lesson inputs, even
        # when the project keeps its virtual environment (or cuecast) inside.
        interpreter = {sys.prefix, sys.base_prefix, sys.exec_prefix, _CUECAST_DIR}
        self.ignore = tuple(os.path.join(os.path.abspath(folder), "") for folder in (*ignore, *interpreter))
        self.paths: set[str] = set()

    def saw(self, path: str) -> None:
        path = os.path.abspath(path)
        if (path.startswith(self.root) and not path.startswith(self.ignore)
                and not _INSTALLED.search(path)):
            self.paths.add(path)

    def _ours(self, path: str) -> bool:
        return (path.startswith(self.root) and not path.startswith(self.ignore)
                and not _INSTALLED.search(path))

    def check(self, verb: str, path: str, creates: bool = False) -> None:
        """Refuse ``verb`` on ``path`` if it changes the project (see the
        module's docstring); ``creates``: the path may be new."""
        path = os.path.abspath(path)
        if not self._ours(path):
            return
        inside_build = path.startswith(self.build) or path == self.build[:-1]
        exists = os.path.lexists(path)
        if not inside_build and (path in self.created or (creates and not exists)):
            if creates:
                self.created.add(path)
            return
        where = Path(path).relative_to(self.root).as_posix()
        why = ("build/ holds cuecast's outputs and caches" if inside_build
               else "it is a file of the project that this snippet did not create")
        message = f"a snippet may not {verb} {where}: {why}"
        self.refused.append((self._line(), message))
        raise PermissionError(message)

    def check_append(self, path: str) -> None:
        """Appending keeps what a file held: refused only under build/."""
        absolute = os.path.abspath(path)
        if self._ours(absolute) and (absolute.startswith(self.build) or not os.path.lexists(absolute)):
            self.check("write to", absolute, creates=True)

    def _line(self) -> Optional[int]:
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename == self.snippet:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def __enter__(self) -> "ReadWatch":
        global _watch
        install()
        _watch = self
        return self

    def __exit__(self, *exc) -> None:
        global _watch
        _watch = None

    def digests(self, skip: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
        """``(project-relative path, sha256)`` of every file read that still
        exists, sorted; ``skip`` (absolute paths) are left out."""
        skipped = {os.path.abspath(p) for p in skip}
        found = []
        for path in sorted(self.paths - skipped):
            digest = file_digest(path)
            if digest is not None:
                found.append((Path(path).relative_to(self.root).as_posix(), digest))
        return tuple(found)


def file_digest(path: str | os.PathLike) -> Optional[str]:
    """SHA-256 of a regular file's bytes, or ``None`` when it cannot be read."""
    try:
        if not os.path.isfile(path):
            return None
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def reads_unchanged(reads: Iterable[tuple[str, str]], root: str | os.PathLike) -> bool:
    """Whether every recorded read still has the bytes it had."""
    return all(file_digest(Path(root) / path) == digest for path, digest in reads)


#: Audit events that change a path: which arguments are paths, and the verb.
_CHANGES = {
    "os.remove": ((0,), "delete"),
    "os.rmdir": ((0,), "delete"),
    "shutil.rmtree": ((0,), "delete"),
    "os.truncate": ((0,), "truncate"),
    "os.rename": ((0, 1), "rename"),  # os.replace too
}


def _hook(event: str, args: tuple) -> None:
    if _watch is None:
        return
    if event != "open":
        change = _CHANGES.get(event)
        if change is not None:
            positions, verb = change
            for position in positions:
                target = args[position] if len(args) > position else None
                if isinstance(target, (str, bytes, os.PathLike)):
                    # a rename's target may be new: then it is a file the snippet made
                    _watch.check(verb if position == 0 else "replace", os.fsdecode(target), creates=position == 1)
        elif event in ("os.mkdir", "os.link", "os.symlink") and args:
            target = args[0] if event == "os.mkdir" else args[1]
            if isinstance(target, (str, bytes, os.PathLike)):
                _watch.check("write", os.fsdecode(target), creates=True)
        return
    path, mode, flags = (tuple(args) + (None, None, None))[:3]
    if not isinstance(path, (str, bytes, os.PathLike)):
        return  # an fd
    if isinstance(mode, str):
        if "a" in mode:
            _watch.check_append(os.fsdecode(path))
            return
        if any(c in mode for c in "wx+"):  # "r+" changes the file in place, "w" empties it first
            _watch.check("overwrite", os.fsdecode(path), creates="r" not in mode)
            return
    elif isinstance(flags, int) and flags & _WRITE_FLAGS:
        if flags & os.O_APPEND and not flags & os.O_TRUNC:
            _watch.check_append(os.fsdecode(path))
        else:
            _watch.check("overwrite", os.fsdecode(path), creates=bool(flags & os.O_CREAT))
        return
    try:
        _watch.saw(os.fsdecode(path))
    except (TypeError, ValueError):
        pass


def install() -> None:
    """Add the audit hook to this process (once); the worker does it before
    it forks, so no snippet's process has to."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True

