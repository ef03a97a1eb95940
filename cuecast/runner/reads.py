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
snippet's line, before the operation happens) every write, delete, rename
or new file or folder under the project, ``build/`` (cuecast's outputs and
caches) included.  A snippet writes in its own folder, its current
directory, as ``python FILE`` run from elsewhere would; its output is what
the lesson shows.  A refusal the snippet catches still fails it
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

    def __init__(self, root: str, ignore: Iterable[str] = (), snippet: str = "", writes: Iterable[str] = ()):
        self.root = os.path.join(os.path.abspath(root), "")
        # Changes are judged on real paths: a link (symbolic, or a folder that
        # is one) must not carry a write past the guard.
        guarded = os.path.join(os.path.realpath(root), "")
        self.guarded = guarded
        self.build = os.path.join(guarded, "build", "")
        # what the cue's ``writes:`` lets the snippet change: files, and folders (ending in /) with all in them
        self.writable = {os.path.realpath(os.path.join(guarded, w)) for w in writes if not w.endswith("/")}
        self.writable_folders = tuple(os.path.join(os.path.realpath(os.path.join(guarded, w)), "")
                                      for w in writes if w.endswith("/"))
        self.snippet = snippet
        #: ``(line, message)`` of each change refused, in order.
        self.refused: list[tuple[Optional[int], str]] = []
        # Python's own files and installed packages are not lesson inputs, even
        # when the project keeps its virtual environment (or cuecast) inside.
        interpreter = {sys.prefix, sys.base_prefix, sys.exec_prefix, _CUECAST_DIR}
        folders = (*ignore, *interpreter)
        self.ignore = tuple(os.path.join(os.path.abspath(folder), "") for folder in folders)
        self.ignore_real = tuple(os.path.join(os.path.realpath(folder), "") for folder in folders)
        self.paths: set[str] = set()

    def saw(self, path: str) -> None:
        path = os.path.abspath(path)
        if (path.startswith(self.root) and not path.startswith(self.ignore)
                and not _INSTALLED.search(path)):
            self.paths.add(path)

    def _ours(self, path: str) -> bool:
        """Whether the real ``path`` is a file of the project."""
        # (a package's __pycache__ folder itself too: Python makes it when a snippet imports a sibling)
        inside = os.path.join(path, "")  # the project folder itself is the project's too
        return (inside.startswith(self.guarded) and not inside.startswith(self.ignore_real)
                and not _INSTALLED.search(inside))

    def check(self, verb: str, path: str) -> None:
        """Refuse ``verb`` on ``path`` if it changes the project: judged on
        the file whose content would change (links followed) and on the
        folder entry itself (its folder's links followed), so neither a
        symbolic link out of the snippet's folder nor one inside a
        ``writes:`` folder lets a write through."""
        absolute = os.path.abspath(path)
        target = os.path.realpath(absolute)
        entry = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
        ours = False
        for candidate in dict.fromkeys((entry, target)):
            if self._ours(candidate):
                if not self._allowed(candidate):
                    self._refuse(verb, candidate)
                ours = True
        if ours and verb in ("write to", "rename") and absolute.startswith(self.root):
            # a file ``writes:`` let it make: recorded with what it read, so a
            # cached run whose file is gone or changed runs again and makes it
            self.paths.add(absolute)

    def _refuse(self, verb: str, path: str) -> None:
        where = Path(path).relative_to(self.guarded).as_posix() if path != self.guarded[:-1] else "."
        if path.startswith(self.build) or path == self.build[:-1]:
            why = "build/ holds cuecast's outputs and caches"
        else:
            why = ("a snippet changes no file of its project but those its cue lists in writes: "
                   "(write in its current directory, a folder of its own)")
        message = f"a snippet may not {verb} {where}: {why}"
        self.refused.append((self._line(), message))
        raise PermissionError(message)

    def _allowed(self, path: str) -> bool:
        """Whether the cue's ``writes:`` names the real ``path`` (or a folder
        it is in; the folder itself may be made).  ``build/`` never is."""
        if path.startswith(self.build) or path == self.build[:-1]:
            return False
        return (path in self.writable or path.startswith(self.writable_folders)
                or os.path.join(path, "") in self.writable_folders)

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
        """``(project-relative path, sha256)`` of every file read (or written
        as ``writes:`` allows) that still exists, sorted; ``skip`` (absolute
        paths) are left out."""
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


#: Audit events that change a file: the argument positions of the paths
#: they change, and the verb a refusal says.  A hard link's source is one:
#: a new name for a project file is a way to write to it.
_CHANGES = {
    "os.remove": ((0,), "delete"),
    "os.rmdir": ((0,), "delete"),
    "shutil.rmtree": ((0,), "delete"),
    "os.truncate": ((0,), "truncate"),
    "os.rename": ((0, 1), "rename"),  # os.replace too
    "os.mkdir": ((0,), "create"),
    "os.link": ((0, 1), "hard-link"),
    "os.symlink": ((1,), "create"),
    "os.chmod": ((0,), "change"),
    "os.utime": ((0,), "change"),
}


def _hook(event: str, args: tuple) -> None:
    if _watch is None:
        return
    if event != "open":
        change = _CHANGES.get(event)
        if change is not None:
            positions, verb = change
            for target in (args[n] for n in positions if n < len(args)):
                if isinstance(target, (str, bytes, os.PathLike)):
                    _watch.check(verb, os.fsdecode(target))
        return
    path, mode, flags = (tuple(args) + (None, None, None))[:3]
    if not isinstance(path, (str, bytes, os.PathLike)):
        return  # an fd
    if isinstance(mode, str):
        if any(c in mode for c in "wax+"):
            _watch.check("write to", os.fsdecode(path))
            return
    elif isinstance(flags, int) and flags & _WRITE_FLAGS:
        _watch.check("write to", os.fsdecode(path))
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

