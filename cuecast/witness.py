"""What a run looked at: every file it opened, every folder it listed and
every path whose status it asked, each with what it was at that moment.

A build that found everything current decided so from what it read; if
none of that has changed since, the same build would decide the same, and
``noop_build`` can say so again from a few hundred ``stat`` calls instead
of importing the pipeline.  That holds only if the trace misses nothing, so
it is taken below the code that reads, not by asking each reader to report:

- Python's audit events (``open``, ``os.listdir``, ``os.scandir``) see every
  file opened and folder listed in the process, by the import machinery and
  by C extensions too;
- ``os.stat`` and ``os.lstat`` are wrapped while tracing, for the questions
  that open nothing: whether a helper module beside a snippet exists, where
  espeak is on PATH, whether an output is still there.

Nothing is filtered out as uninteresting: the modules imported are
witnessed too, so an upgraded library counts as a change.  What a trace
cannot see spoils it (``Trace.spoiled`` says why): a process started or
forked (its reads are its own), a network request other than a
reachability probe (whose answer is kept and asked again, ``probing``), or
a file that changed moments before it was read (``RACY_NS``: a second
change within the same clock tick could leave the same status).  Paths the
run wrote itself are witnessed as it left them.
"""

from __future__ import annotations

import contextlib
import os
import stat as stat_module
import sys
import threading
import time
from typing import Iterator, Optional

#: How much older than the run a file's last change must be for its status
#: to stand for its bytes (as ``build_record.RACY_NS``; timestamps move in ticks).
RACY_NS = 2_000_000_000

#: The ways a path is looked at, each compared by what it can tell.
OPENED, LISTED, STATUS, LINK_STATUS = "opened", "listed", "status", "link-status"

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
#: Audit events after which the paths named were written by this process.
_WRITES = {"os.rename": 2, "os.remove": 1, "os.rmdir": 1, "os.mkdir": 1, "shutil.rmtree": 1, "os.truncate": 1,
           "os.chmod": 1, "os.utime": 1, "os.link": 2, "os.symlink": 2, "shutil.copyfile": 2, "shutil.move": 2}
#: Audit events whose effects a trace cannot follow.
_PROCESSES = frozenset({"subprocess.Popen", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.exec",
                        "os.system"})
_NETWORK = frozenset({"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                      "socket.sendto", "socket.bind"})
#: Every event the hook acts on; the many others (``builtins.id``, ``exec``…) return at once.
_EVENTS = frozenset({"open", "os.listdir", "os.scandir"}) | frozenset(_WRITES) | _PROCESSES | _NETWORK

_real_stat, _real_lstat = os.stat, os.lstat
_active: Optional["Trace"] = None
_hooked = False
_probes_running = 0
#: Where a process reads about itself.
_OWN_PROCESS = ("/proc/self/", "/proc/thread-self/")
#: Forks under way for the traced run's own work (``fork_for_the_run``).
_forks_for_the_run = 0
_probe_lock = threading.Lock()


def _file_state(status: os.stat_result) -> list:
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def observe(path: str, how: str) -> list:
    """What ``path`` is now, as far as looking at it ``how`` could tell: a
    file's size, times and inode; a listed folder's times and inode (its
    entries move them); a folder whose status was asked, only that it is
    one (its times move with entries nobody read); a link, where it points."""
    try:
        status = (_real_lstat if how == LINK_STATUS else _real_stat)(path)
    except OSError as exc:
        return ["missing", exc.errno]
    if stat_module.S_ISLNK(status.st_mode):
        try:
            return ["link", os.readlink(path)]
        except OSError:
            return ["link", None]
    if stat_module.S_ISDIR(status.st_mode):
        if how == LISTED:
            return ["folder", status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        return ["folder", status.st_ino]
    kind = "file" if stat_module.S_ISREG(status.st_mode) else "other"
    return [kind, status.st_mode & 0o7777] + _file_state(status)


def changed_at(seen: list) -> Optional[int]:
    """The change time a witness holds (ns), if it holds one."""
    if seen and seen[0] == "file":
        return seen[4]
    if seen and seen[0] == "folder" and len(seen) == 4:
        return seen[2]
    return None


class Trace:
    """Everything one run looked at: ``seen[(how, path)]`` is the first
    ``observe`` of it; ``ours`` the paths the run wrote; ``probes`` the
    reachability answers it got; ``spoiled`` why it cannot stand for the run."""

    def __init__(self) -> None:
        self.started = time.time_ns()
        self.seen: dict[tuple[str, str], list] = {}
        self.ours: set[str] = set()
        self.probes: list[tuple[str, Optional[str]]] = []
        self.spoiled: Optional[str] = None

    def look(self, path, how: str) -> None:
        name = _path_name(path)
        if name is not None and (how, name) not in self.seen:
            self.seen[(how, name)] = observe(name, how)

    def wrote(self, path) -> None:
        name = _path_name(path)
        if name is not None:
            self.ours.add(name)

    def spoil(self, reason: str) -> None:
        if self.spoiled is None:
            self.spoiled = reason

    def report(self) -> dict:
        """What a child doing part of the run saw, for its parent (``merge``)."""
        return {"seen": dict(self.seen), "ours": set(self.ours), "probes": list(self.probes),
                "spoiled": self.spoiled}

    def merge(self, report: Optional[dict]) -> None:
        """Add what a child forked for the run saw (None: the child kept no
        trace, so what it read is unknown)."""
        if report is None:
            self.spoil("a process forked for the run kept no trace")
            return
        for key, seen in report["seen"].items():
            self.seen.setdefault(key, seen)
        self.ours |= report["ours"]
        self.probes.extend(report["probes"])
        if report["spoiled"] is not None:
            self.spoil(report["spoiled"])

    def finish(self, ignored=()) -> list[list]:
        """The witnesses, as ``[how, path, seen]`` rows: what this run wrote
        (and the folders it wrote in) as it leaves them; every other path
        as first seen, which must be older than the run by ``RACY_NS``
        (else the trace is spoiled).  ``ignored``: paths that are no input
        (the build lock)."""
        skip = {os.path.abspath(p) for p in ignored}
        ours = set(self.ours)  # copies: a thread of the run may still be adding
        folders = {os.path.dirname(p) for p in ours}
        rows = []
        for (how, path), seen in sorted(dict(self.seen).items()):
            if path in skip:
                continue
            if path in ours or path in folders:
                seen = observe(path, how)
            else:
                changed = changed_at(seen)
                if changed is not None and changed >= self.started - RACY_NS:
                    self.spoil(f"{path} changed moments before it was read")
            rows.append([how, path, seen])
        return rows


def _path_name(path) -> Optional[str]:
    """The absolute path to witness, or None: a file descriptor, or a path
    that describes the process looking (``/proc/self/…``: a forked child's
    at-fork handlers read its pid namespace) rather than anything it reads."""
    if isinstance(path, int) or path is None:
        return None
    try:
        name = os.path.abspath(os.fsdecode(path))
    except (TypeError, ValueError):
        return None
    return None if name.startswith(_OWN_PROCESS) or name.startswith(f"/proc/{os.getpid()}/") else name


def _hook(event: str, args: tuple) -> None:
    trace = _active
    if trace is None or event not in _EVENTS:
        return
    if event == "open":
        path, mode, flags = args
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool((flags or 0) & _WRITE_FLAGS)
        trace.wrote(path) if writes else trace.look(path, OPENED)
    elif event in ("os.listdir", "os.scandir"):
        trace.look(args[0] if args and args[0] is not None else ".", LISTED)
    elif event in _WRITES:
        for path in args[:_WRITES[event]]:
            trace.wrote(path)
    elif event in _PROCESSES and not (event == "os.fork" and _forks_for_the_run):
        trace.spoil(f"it started a process ({event})")
    elif event in _NETWORK and not _probes_running:
        trace.spoil(f"it used the network ({event})")


def _traced_stat(path, *, dir_fd=None, follow_symlinks=True):
    how = STATUS if follow_symlinks else LINK_STATUS
    try:
        status = _real_stat(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks)
    except OSError:
        if dir_fd is None and _active is not None:
            _active.look(path, how)
        raise
    if dir_fd is None and _active is not None:
        _active.look(path, how)
    return status


def _traced_lstat(path, *, dir_fd=None):
    return _traced_stat(path, dir_fd=dir_fd, follow_symlinks=False)


def _after_fork_in_child() -> None:
    """A child forked for the run's work (``fork_for_the_run``) traces its
    own reads afresh, for its parent; any other child is not the run: its
    ``os.stat`` is Python's again."""
    global _active
    if _active is not None and _forks_for_the_run:
        _active = Trace()
        return
    _active = None
    os.stat, os.lstat = _real_stat, _real_lstat


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def fork_for_the_run() -> int:
    """``os.fork`` for a child that does part of the traced run's work (a
    lesson built beside the others): the fork does not spoil the trace; the
    child traces what it reads, sends ``child_report()`` back, and the
    parent adds it (``merge_child``)."""
    global _forks_for_the_run
    _forks_for_the_run += 1
    try:
        return os.fork()
    finally:
        _forks_for_the_run -= 1


def child_report() -> Optional[dict]:
    """What this process, forked by ``fork_for_the_run``, saw (None: no trace runs)."""
    return _active.report() if _active is not None else None


def merge_child(report: Optional[dict]) -> None:
    """Add a child's ``child_report`` to the trace running here, if one is."""
    if _active is not None:
        _active.merge(report)


@contextlib.contextmanager
def tracing() -> Iterator[Trace]:
    """Trace this process while the block runs (one trace at a time)."""
    global _active, _hooked
    if _active is not None:
        raise RuntimeError("a trace is already running")
    if not _hooked:
        sys.addaudithook(_hook)  # for the life of the process; idle while no trace runs
        _hooked = True
    trace = Trace()
    _active = trace
    os.stat, os.lstat = _traced_stat, _traced_lstat
    try:
        yield trace
    finally:
        os.stat, os.lstat = _real_stat, _real_lstat
        _active = None


@contextlib.contextmanager
def probing(address: str) -> Iterator[list]:
    """A reachability probe of ``address``: its network use does not spoil
    the trace, and its answer (put in the yielded list) is kept, to be asked
    again by whoever relies on the trace."""
    global _probes_running
    with _probe_lock:
        _probes_running += 1
    answer: list = []
    try:
        yield answer
    finally:
        with _probe_lock:
            _probes_running -= 1
        trace = _active
        if trace is not None:
            if answer:
                trace.probes.append((address, answer[0]))
            else:
                trace.spoil(f"the probe of {address} did not finish")


def unchanged(rows) -> bool:
    """Whether every witnessed path is still what it was."""
    return all(observe(path, how) == seen for how, path, seen in rows)
