"""The processes below a snippet worker: adopt them, measure them, end them.

A snippet may start processes that try hard to outlive it: a daemon started
with ``start_new_session=True`` leaves the worker's process group, and a
double fork leaves the snippet's process tree (its parent exits, so it is
re-parented).  On Linux the worker marks itself a *child subreaper*
(``prctl(PR_SET_CHILD_SUBREAPER)``): every orphan below it is re-parented to
it instead of to init, so "everything below the worker" is exactly "what the
snippets started", whatever sessions or groups they moved to.  When a snippet
ends, ``kill_tree`` kills all of it and reaps it before the result is
reported, so nothing a snippet started can print into, or wait for, the next.

Without ``/proc`` (macOS) only the snippet's process group is killed.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import Optional

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


_libc = None


def _prctl(option: int, value: int) -> bool:
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    try:
        if _libc is None:  # loaded once in the worker; every forked child has it
            import ctypes

            _libc = ctypes.CDLL(None, use_errno=True)
        return _libc.prctl(option, value, 0, 0, 0) == 0
    except Exception:
        return False


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Linux: get ``sig`` when the process that started this one dies."""
    return _prctl(PR_SET_PDEATHSIG, int(sig))


def become_subreaper() -> bool:
    """Linux: orphans below this process are re-parented to it (see module doc)."""
    return _prctl(PR_SET_CHILD_SUBREAPER, 1)


def thread_count() -> int:
    """Threads of this process, native ones included (a C library's pool)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


def process_table() -> dict[int, int]:
    """``{pid: parent pid}`` of every process visible in ``/proc`` (empty without it)."""
    table: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return table
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue  # it ended while we looked
        # the command name may hold spaces and parentheses: fields follow the last ')'
        fields = stat.rsplit(b")", 1)[-1].split()
        if len(fields) > 1:
            table[int(entry)] = int(fields[1])
    return table


def _children(pid: int) -> Optional[list[int]]:
    """``pid``'s children from ``/proc/PID/task/*/children``; ``None`` when
    the kernel does not offer that file (then the whole table is read)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []  # it ended while we looked
    found: list[int] = []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                found.extend(int(child) for child in handle.read().split())
        except FileNotFoundError:
            if not os.path.exists(f"/proc/{pid}/task/{task}"):
                continue  # that thread ended
            return None
        except OSError:
            continue
    return found


def descendants(root: int, table: Optional[dict[int, int]] = None) -> list[int]:
    """Every process below ``root``, parents before their children.  Walks
    down from ``root`` (a few reads, however busy the machine is) unless
    ``table`` is given or the kernel lacks ``/proc/PID/task/TID/children``."""
    if table is None:
        found: list[int] = []
        queue = [root]
        while queue:
            below = _children(queue.pop(0))
            if below is None:
                return descendants(root, process_table())
            found.extend(below)
            queue.extend(below)
        return found
    children: dict[int, list[int]] = {}
    for pid, parent in table.items():
        children.setdefault(parent, []).append(pid)
    found: list[int] = []
    queue = list(children.get(root, ()))
    while queue:
        pid = queue.pop(0)
        found.append(pid)
        queue.extend(children.get(pid, ()))
    return found


def reap() -> bool:
    """Reap every child of this process that has exited; whether any is still alive."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True


def kill_tree(group: Optional[int] = None, timeout: float = 5.0) -> int:
    """SIGKILL process group ``group`` (the snippet's own) and every process
    below this one, and reap them; returns how many were found below.

    Killing a process re-parents its children to this subreaper, so the walk
    repeats until nothing is left (a fork bomb's new children are caught on
    the next pass; a process that was sent SIGKILL cannot fork again)."""
    if group:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    killed: set[int] = set()
    deadline = time.monotonic() + timeout
    while reap():
        found = descendants(os.getpid())
        if not found and not os.path.isdir("/proc"):
            break  # nothing to walk: the group kill was all we could do
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        killed.update(found)
        if time.monotonic() > deadline:
            break
        time.sleep(0.002)  # let the kernel finish the kills before the next pass
    return len(killed)


def _status_kib(pid: int, fields: tuple[str, ...]) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            text = handle.read().decode("ascii", "replace")
    except OSError:
        return 0
    total = 0
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in fields:
            total += int(value.split()[0])
    return total


def tree_memory(root: Optional[int] = None) -> int:
    """Bytes of private memory (anonymous and shared-memory pages resident)
    held by the processes below ``root`` (this process by default): what a
    snippet and everything it started are using."""
    root = os.getpid() if root is None else root
    return sum(_status_kib(pid, ("RssAnon", "RssShmem")) for pid in descendants(root)) * 1024
