"""Output written below Python while a snippet runs: ``os.system``, a child
process that inherits the terminal, a C extension printing to its stdout.

``python snippets/x.py`` shows that output in the terminal, so the Capture
must hold it too, in its place among the snippet's own prints.  While the
snippet runs, file descriptors 1 and 2 point at two unnamed temporary files;
before every Python-level write (and once at the end) whatever was appended to
them since is handed to the ``OutputRecorder`` first.  A write below Python
finishes before the next Python statement runs, so that keeps the order in
which a single-threaded snippet produced its output.  Two files keep stdout
and stderr apart (a child's traceback stays red on the slide); the price is
that stdout and stderr written below Python with no print between them come
back stdout first.

Only what fits the recorder's budget is ever read back; the rest is skipped
unread, so a snippet that makes ``yes`` print for a second costs disk, not
memory.  The worker's own diagnostics (faulthandler dumps) go to a duplicate
of the original stderr and are never redirected.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from typing import Optional

from cuecast.runner.streams import OutputRecorder

#: (file descriptor, stream name) redirected while a snippet runs.
REDIRECTED = ((1, "stdout"), (2, "stderr"))


def spare_files() -> dict[str, int]:
    """Descriptors of two unnamed temporary files, one per redirected stream,
    for a worker to hand every snippet's process it forks (``files``)."""
    files = {}
    for _, name in REDIRECTED:
        handle = tempfile.TemporaryFile(prefix="cuecast-fd-")
        files[name] = os.dup(handle.fileno())
        handle.close()
    return files


class DescriptorCapture:
    """Context manager: redirect fds 1 and 2 into ``recorder`` (see module doc).

    ``files`` (``{stream: fd}``, from ``spare_files``) are emptied and used
    instead of new temporary files: a forked snippet process reuses its
    worker's, which saves creating and deleting two files per snippet; they
    are left open for the next one."""

    def __init__(self, recorder: OutputRecorder, files: Optional[dict[str, int]] = None):
        self.recorder = recorder
        self._saved: dict[int, int] = {}
        self._files: dict[str, object] = {}
        self._offsets: dict[str, int] = {}
        self._lock = threading.Lock()
        self._active = False
        self._given = files

    def __enter__(self) -> "DescriptorCapture":
        _flush_real_streams()
        try:
            for fd, name in REDIRECTED:
                self._saved[fd] = os.dup(fd)
                capture = self._file(name)
                os.dup2(capture.fileno(), fd)
                self._files[name] = capture
                self._offsets[name] = 0
        except OSError:
            self._restore()  # no descriptors to spare: capture Python-level output only
            return self
        self._active = True
        return self

    def _file(self, name: str):
        if self._given is not None and name in self._given:
            fd = self._given[name]
            # what the last snippet may have left on the shared file: its
            # bytes, the offset, status flags (O_APPEND, O_DIRECT) set through fd 1
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            _clear_status_flags(fd)
            return _Borrowed(fd)
        return tempfile.TemporaryFile(prefix="cuecast-fd-")

    def __exit__(self, *exc) -> None:
        _flush_real_streams()
        self.drain()
        self._restore()

    def drain(self) -> None:
        """Hand what was written below Python since the last call to the
        recorder, stdout first."""
        if not self._active:
            return
        with self._lock:
            for _, name in REDIRECTED:
                self._drain_one(name)

    def _drain_one(self, name: str) -> None:
        handle = self._files[name]
        fd = handle.fileno()
        try:
            size = os.fstat(fd).st_size
        except OSError:
            return
        offset = self._offsets[name]
        if size <= offset:
            return
        self._offsets[name] = size
        if self.recorder.truncated:
            return
        room = self.recorder.limit - self.recorder.used + 4  # a little over, so the recorder notes the cut
        data = os.pread(fd, min(size - offset, max(room, 0)), offset)
        if data:
            self.recorder.write(name, data.decode("utf-8", "replace"))

    def _restore(self) -> None:
        self._active = False
        for fd, saved in self._saved.items():
            try:
                os.dup2(saved, fd)
            finally:
                os.close(saved)
        self._saved.clear()
        for handle in self._files.values():
            handle.close()
        self._files.clear()


def _clear_status_flags(fd: int) -> None:
    try:
        import fcntl

        if fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_ACCMODE:
            fcntl.fcntl(fd, fcntl.F_SETFL, 0)
    except (ImportError, OSError):
        pass


class _Borrowed:
    """A descriptor used like a temporary file but left open at the end."""

    def __init__(self, fd: int):
        self._fd = fd

    def fileno(self) -> int:
        return self._fd

    def close(self) -> None:
        pass


def _flush_real_streams() -> None:
    """Flush the interpreter's own stdout/stderr objects, so bytes buffered
    before (or, via ``sys.__stdout__``, during) a snippet land on the right side
    of the redirect."""
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
