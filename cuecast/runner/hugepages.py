"""Make the worker cheap to fork: its heap in 2 MiB pages instead of 4 KiB.

A worker that has imported torch holds about 150 MB of private memory (the
C++ heap, Python's objects).  ``fork`` copies one page-table entry per 4 KiB
page of it and the child's exit frees them again: on a 2-core VM that was
3 ms in the worker and 4 ms in the child, for every snippet, before a line
of it ran.  Backed by transparent huge pages, most of that memory is a
few dozen entries, and fork and exit cost about a third as much.  A page the child
writes to is still copied 4 KiB at a time (the kernel splits the huge
mapping there), so isolation is unchanged.

``MADV_COLLAPSE`` (Linux 6.1+) turns the worker's existing anonymous memory
into huge pages in place, whatever the system's THP mode (``madvise`` is
common); elsewhere, or when the kernel says no, nothing changes.  The
worker's own writes while a child runs split a few of them again, so the
worker collapses again now and then; and not at all for a short run, where
the collapse would cost more than it saves (``Collapser``).
"""

from __future__ import annotations

import os
import sys

MADV_COLLAPSE = 25
HUGE = 2 << 20
#: The fork after which the worker first collapses its memory (see ``Collapser``).
FIRST = 16
#: Forks between two collapses of the worker's memory (a collapse of what is
#: still huge costs little; what the worker's writes split is merged again).
EVERY = 32

_madvise = None


def _function():
    global _madvise
    if _madvise is None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        libc.madvise.restype = ctypes.c_int
        _madvise = libc.madvise
    return _madvise


def anonymous_ranges(maps: str) -> list[tuple[int, int]]:
    """The 2 MiB-aligned parts of the private writable anonymous mappings
    (the heap and ``mmap``'d memory) listed in a ``/proc/PID/maps`` text."""
    ranges = []
    for line in maps.splitlines():
        fields = line.split()
        if len(fields) < 5 or not fields[1].startswith("rw") or fields[1][3] != "p":
            continue
        name = fields[5] if len(fields) > 5 else ""
        if name not in ("", "[heap]"):
            continue  # files, the stack, vdso
        start, end = (int(part, 16) for part in fields[0].split("-"))
        first, last = -(-start // HUGE) * HUGE, end // HUGE * HUGE
        if last > first:
            ranges.append((first, last))
    return ranges


def collapse() -> int:
    """Back this process's anonymous memory with huge pages where the kernel
    can; bytes asked for (0 where this cannot be done)."""
    if not sys.platform.startswith("linux") or os.environ.get("CUECAST_HUGEPAGES", "").lower() in ("0", "no"):
        return 0
    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as handle:
            ranges = anonymous_ranges(handle.read())
        madvise = _function()
    except (OSError, AttributeError):
        return 0
    done = 0
    for start, end in ranges:
        if madvise(start, end - start, MADV_COLLAPSE) == 0:
            done += end - start
        # EINVAL (an older kernel), EAGAIN/ENOMEM (no huge page free): leave it
    return done


class Collapser:
    """When the worker collapses its memory (see module doc).

    Not before its ``FIRST`` fork: a collapse costs 30 to 300 ms (the
    kernel may have to compact memory for the huge pages), about what 10 to
    100 forks save, so a worker that runs a lesson's dozen snippets never
    pays it and one that runs hundreds does early.  Then again every
    ``EVERY`` forks, and after the worker imports more modules."""

    def __init__(self, first: int = FIRST, every: int = EVERY):
        self.first = first
        self.every = every
        self.forks = 0
        self.works = True  # until the kernel says otherwise

    def after_fork(self) -> None:
        self.forks += 1
        if self.forks >= self.first and (self.forks - self.first) % self.every == 0:
            self.now()

    def now(self) -> None:
        """Collapse now, if the worker is past its first forks."""
        if self.works and self.forks >= self.first:
            self.works = collapse() > 0
