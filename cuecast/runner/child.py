"""The process one snippet file runs in, and nothing else ever does.

The worker forks it (see ``forkserver``) with torch already imported, or,
where forking is unsafe, starts it fresh as ``python -m cuecast.runner.child
FD SETTINGS_JSON``.  Either way it runs one ``Job`` through ``execute`` and
then ends the way ``python FILE`` ends: threads that are not daemons are
waited for and ``atexit`` callbacks run, inside the capture, then the
process exits.  Whatever the snippet did to the interpreter (a builtin, a
patched module, logging, the recursion limit, torch flags, a thread still
running) ends with it.

It talks only to the worker, over a pipe of its own:

    child → worker   ("cell", key, index)  as each cell of a cell file starts
                     ("done", key, pickled Capture)  at the end
                     ("failed", key, traceback)  cuecast's own code failed (a bug)

A snippet can close that pipe (``os.closerange(3, 4096)``); the child then
notes it in the worker's log (opened again by path) and exits with
``PIPE_LOST_STATUS``, so the reason can say so.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import sys
from typing import NoReturn, Optional

from cuecast.runner.ending import PIPE_LOST_NOTE, PIPE_LOST_STATUS
from cuecast.runner.streams import tee_frame
from cuecast.runner.wire import send

#: The exit status when cuecast's own code failed in the child.
FAILED_STATUS = 70


def _identity(fd: int) -> Optional[tuple[int, int]]:
    try:
        stat = os.fstat(fd)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


class Channel:
    """The pipe to the worker, which a snippet may close under us.  A send
    checks first that the descriptor is still the pipe (a file the snippet
    opened may have been given its number) and never raises."""

    def __init__(self, conn):
        self.conn = conn
        self.fd = conn.fileno()
        self._identity = _identity(self.fd)
        self._pid = os.getpid()
        self.lost = False

    @property
    def forked(self) -> bool:
        """Whether this is a copy the snippet forked that came back into
        cuecast's code (``os.fork()`` with no ``os._exit``): only the
        snippet's own process may speak for it."""
        return os.getpid() != self._pid

    def send(self, message) -> bool:
        if self.forked:
            return True
        if self.lost or _identity(self.fd) != self._identity:
            self.lost = True
            return False
        try:
            send(self.conn, message)
        except (OSError, ValueError):
            self.lost = True
            return False
        return True


class Tee:
    """The tee file the pool reads after a hang or crash (see ``streams``);
    a write that fails (the snippet closed the descriptor) stops the tee, it
    never reaches the snippet as an exception."""

    def __init__(self, path: Optional[str]):
        self.fd: Optional[int] = None
        if path:
            try:
                self.fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            except OSError:
                self.fd = None
        self._identity = _identity(self.fd) if self.fd is not None else None

    def write(self, stream: str, text: str) -> None:
        if self.fd is None:
            return
        try:
            if _identity(self.fd) != self._identity:
                raise OSError("the tee's descriptor was closed")
            os.write(self.fd, tee_frame(stream, text))
        except OSError:
            self.fd = None


#: The worker's finalizer registry, set aside in a snippet's process.
_worker_finalizers: Optional[dict] = None


def forget_worker_finalizers() -> None:
    """The ``weakref.finalize`` callbacks that would run at exit belong to
    objects the worker made before the fork (torch deregistering its 100-odd
    operator libraries: 20 ms of teardown that prints nothing); only the
    snippet's own ones should run when it ends.  The registry is replaced,
    not walked: marking each entry would copy the page of every one of them
    into this process."""
    import weakref

    global _worker_finalizers
    registry = getattr(weakref.finalize, "_registry", None)
    if isinstance(registry, dict) and _worker_finalizers is None:
        _worker_finalizers = registry  # kept: freeing it would touch every entry too
        weakref.finalize._registry = {}


def finish_like_python() -> None:
    """What ``python FILE`` does after the file's last line: wait for every
    thread that is not a daemon (their output is the script's), then run the
    ``atexit`` callbacks."""
    import atexit
    import threading

    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        # what the interpreter itself calls: threading's own exit hooks first
        # (an unclosed ThreadPoolExecutor finishes its work and lets its
        # threads go), then every non-daemon thread is waited for
        shutdown()
    else:
        current = threading.current_thread()
        while True:
            waiting = [t for t in threading.enumerate() if t is not current and not t.daemon and t.is_alive()]
            if not waiting:
                break
            for thread in waiting:
                thread.join()
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if run_exitfuncs is not None:
        run_exitfuncs()


def set_memory_limit(limit: Optional[int]) -> None:
    """``RLIMIT_AS``: an allocation past ``limit`` fails with ``MemoryError``
    at the snippet's line instead of the machine swapping."""
    if not limit:
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = int(limit) if hard == resource.RLIM_INFINITY else min(int(limit), hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def prepare(settings: dict, environment: dict, worker_pid: int) -> None:
    """Make this a process the worker can account for and end: a process
    group of its own (killed as one), dead when the worker dies, the
    worker's SIGTERM handler gone, the memory cap set."""
    from cuecast.runner.reaper import die_with_parent

    try:
        os.setpgid(0, 0)
    except OSError:
        pass  # already a group leader (started with a session of its own)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    forget_worker_finalizers()
    die_with_parent(signal.SIGKILL)
    if os.getppid() != worker_pid:
        os._exit(FAILED_STATUS)  # the worker died before the line above
    if environment.get("device") != "cuda":
        # CUDA maps far more address space than it uses, so under CUDA the
        # worker watches resident memory instead (see forkserver)
        set_memory_limit(settings.get("memory_limit"))


def _note_pipe_lost(settings: dict, fd: int) -> None:
    try:
        with open(settings["log"], "a", encoding="utf-8") as log:
            log.write(f"{PIPE_LOST_NOTE} (file descriptor {fd})\n")
    except (OSError, KeyError):
        pass


def run_job(conn, job, settings: dict, environment: dict, worker_pid: int, workdir: Optional[str] = None,
            files: Optional[dict] = None) -> NoReturn:
    """Run ``job`` in this process, send its Capture, and exit.  In a forked
    child (``files`` given) the worker has seeded the generators already;
    ``workdir`` is the empty folder the worker made for the snippet (and
    removes)."""
    status = 0
    channel = Channel(conn)
    try:
        prepare(settings, environment, worker_pid)
        from cuecast.runner.execute import execute
        from cuecast.runner.fdcapture import DescriptorCapture
        from cuecast.runner.seeding import reseed_after_fork, seed_everything

        tee = Tee(settings.get("tee"))

        def on_cell(index: int) -> None:  # the pool restarts the clock for each cell
            channel.send(("cell", job.key, index))

        capture = execute(job, environment, tee.write, on_cell, finish=finish_like_python, disposable=True,
                          seed=reseed_after_fork if files is not None else seed_everything,
                          capture=lambda recorder: DescriptorCapture(recorder, files), workdir=workdir)
        # pickled here, for the pool: the worker passes the bytes on untouched
        if not channel.send(("done", job.key, pickle.dumps(capture, pickle.HIGHEST_PROTOCOL))):
            status = PIPE_LOST_STATUS
    except BaseException:
        import traceback

        if not channel.send(("failed", job.key, traceback.format_exc())):
            status = PIPE_LOST_STATUS
        else:
            status = FAILED_STATUS
    finally:
        if channel.forked:
            os._exit(0)  # a copy the snippet forked; its exit is the snippet's business
        if status == PIPE_LOST_STATUS:
            _note_pipe_lost(settings, channel.fd)
        os._exit(status)


def main(argv=None) -> int:
    """A snippet process started fresh, where the worker cannot fork."""
    import faulthandler

    argv = sys.argv[1:] if argv is None else argv
    fd = int(argv[0])
    settings = json.loads(argv[1])
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # `-m` put the start folder on the path; a snippet must not see it
    dumps = os.fdopen(os.dup(2), "w")
    faulthandler.enable(file=dumps, all_threads=True)
    faulthandler.register(signal.SIGUSR1, file=dumps, all_threads=True, chain=False)

    from multiprocessing.connection import Connection

    conn = Connection(fd)
    import torch  # noqa: F401  (what the worker would have imported)

    for name in settings.get("warm", ()):
        try:
            __import__(name)
        except Exception:
            pass
    job, workdir = conn.recv()
    send(conn, ("clock", job.key))  # torch is imported: the snippet's time starts now
    run_job(conn, job, settings, settings["environment"], os.getppid(), workdir=workdir)


if __name__ == "__main__":
    sys.exit(main())
