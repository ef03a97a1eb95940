"""The worker as a fork server: each snippet file in a fresh process, forked
from the warm one that has imported torch.

Isolation by design rather than by clean-up: whatever a snippet does to the
interpreter (builtins, patched modules, logging handlers, numpy print
options, the recursion limit, torch flags, threads) happens in a copy that
ends with the snippet.  The worker itself never runs snippet code and never
touches ``torch.cuda`` (CUDA cannot be used in a process forked after it was
initialised), so every child initialises CUDA for itself.

For one job, ``ForkServer.run``:

1. empties the log and the tee file, makes the snippet's empty folder,
   seeds the generators once per seed (``seeding``), forks (or, where
   forking is unsafe, starts ``python -m cuecast.runner.child``; the pool
   is told once why);
2. relays the child's ``cell`` messages to the pool, and while waiting
   honours the pool's ``cancel`` (the child's time is up: SIGUSR1 makes
   faulthandler write where it was, then it is killed) and, with
   ``--memory-limit``, kills the child's processes once together they hold
   more than the limit;
3. when the child has exited, kills every process it left behind (see
   ``reaper``), removes the snippet's folder (a killed child's too), then
   sends the pool ``("done", key, Capture)`` (the Capture as the child
   pickled it) or, when no result came, ``("ended", key, ChildEnd)``.

A fork is most of what a snippet costs here, so the worker keeps it cheap:
most of its memory in huge pages (``hugepages``: fork copies, and the
child's exit frees, one page-table entry per 2 MiB there, not per 4 KiB),
and while a child lives it does as little as it can, since every page it
writes then is a page copied (the child's pickled Capture is passed on as
bytes, messages go through the plain pickler, see ``wire``).  The child
reuses the worker's two output files (``fdcapture.spare_files``) instead of
making its own.

Fork is unsafe on macOS (system frameworks are not fork-safe without exec),
and in a worker that has started threads (a warmed module's thread pool, a
CUDA context): a thread's locks are copied held.  ``fork_problem`` says which.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from typing import Optional

from cuecast.runner.ending import PIPE_LOST_NOTE, ChildEnd
from cuecast.runner.fdcapture import spare_files
from cuecast.runner.hugepages import Collapser
from cuecast.runner.reaper import kill_tree, thread_count, tree_memory
from cuecast.runner.seeding import ForkSeed
from cuecast.runner.wire import send

#: Seconds to wait for faulthandler's dump from a child whose time is up.
DUMP_WAIT = 0.5
#: Seconds between looks at the memory a snippet's processes hold (with
#: ``--memory-limit``), or at whether the child ended (without ``pidfd_open``).
POLL = 0.1


class StopWorker(Exception):
    """The pool said stop (or is gone) while a snippet ran."""


def fork_problem(baseline_threads: int) -> Optional[str]:
    """Why this worker must not fork, or ``None`` when it may."""
    if os.environ.get("CUECAST_FORK", "").lower() in ("0", "no", "never"):
        return "CUECAST_FORK=never is set"
    if sys.platform == "darwin":
        return "on macOS a process that has loaded system frameworks cannot safely fork without exec"
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return f"forking is only used on Linux, not {sys.platform}"
    import threading

    if threading.active_count() > 1:
        return f"the worker has started {threading.active_count() - 1} Python thread(s)"
    if thread_count() > baseline_threads:
        return f"the worker has started {thread_count() - baseline_threads} native thread(s)"
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():  # reads a flag; starts nothing
        return "CUDA was initialised in the worker"
    return None


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except (OSError, KeyError, TypeError):
        return ""


class ForkServer:
    """Runs jobs for the pool, one process each (see module doc)."""

    def __init__(self, conn, settings: dict, environment: dict, baseline_threads: int):
        self.conn = conn  # to the pool
        self.settings = settings
        self.environment = environment
        self.baseline_threads = baseline_threads
        self.later: deque = deque()  # pool messages that arrived while a snippet ran
        self.told_fallback = False
        self._cancelled = False  # the pool asked to stop the current child
        self.seed = ForkSeed()
        #: Why this worker cannot fork (``None``: it can).  Only the worker's
        #: own imports (``warmed``) can start a thread or initialise CUDA, so
        #: it is asked again after those, not before every job.
        self.problem = fork_problem(baseline_threads)
        self.huge = Collapser() if self.problem is None else None
        self._files: Optional[dict] = None  # the output files every forked child reuses
        self._folders = 0
        self._folder_tag = ""

    def warmed(self) -> None:
        """The worker imported more modules: they may have started threads,
        moved a generator, and their memory is not in huge pages yet."""
        self.problem = fork_problem(self.baseline_threads)
        self.seed.changed()
        if self.huge is not None and self.problem is None:
            self.huge.now()

    # --- one job --------------------------------------------------------------

    def run(self, job) -> None:
        self._reset_files()
        problem = self.problem
        ours, theirs = socket.socketpair()
        from multiprocessing.connection import Connection

        pipe = Connection(ours.detach())
        workdir = None
        try:
            # made and removed here, not in the child: a killed child's folder goes too
            workdir = self._new_folder()
            if problem is None:
                pid = self._fork(job, theirs, pipe, workdir)
            else:
                if not self.told_fallback:
                    self.told_fallback = True
                    send(self.conn, ("notice", f"each snippet runs in a new Python process, which is slower: {problem}"))
                pid = self._spawn(theirs)
                send(pipe, (job, workdir))
        except OSError as exc:  # no process to be had (EAGAIN, ENOMEM): this snippet's loss
            pipe.close()
            theirs.close()
            _remove(workdir)
            send(self.conn, ("ended", job.key, ChildEnd(failure=f"OSError: cannot start its process: {exc}")))
            return
        theirs.close()
        send(self.conn, ("started", job.key, pid))
        try:
            capture, end = self._supervise(job, pid, pipe)
        finally:
            pipe.close()
            kill_tree(pid)  # everything it started, whatever group or session it moved to
            _remove(workdir)
        if capture is not None:
            send(self.conn, ("done", job.key, capture))
        else:
            send(self.conn, ("ended", job.key, end))
        if self.huge is not None:
            self.huge.after_fork()

    def _new_folder(self) -> str:
        """An empty private folder for one snippet, as ``tempfile.mkdtemp``
        makes it (mode 0700, a name no one else has) for less Python work:
        a random tag per worker and a counter."""
        if not self._folder_tag:
            import secrets

            self._folder_tag = f"{os.getpid()}-{secrets.token_hex(4)}-"
        base = tempfile.gettempdir()
        for _ in range(100):
            self._folders += 1
            folder = os.path.join(base, f"cuecast-snippet-{self._folder_tag}{self._folders}")
            try:
                os.mkdir(folder, 0o700)
                return folder
            except FileExistsError:
                continue
        return tempfile.mkdtemp(prefix="cuecast-snippet-")

    def _reset_files(self) -> None:
        """Each job starts with an empty log (stderr is in append mode, so
        writes after the truncation land at the start) and tee."""
        try:
            os.ftruncate(2, 0)
        except OSError:
            pass
        if self.settings.get("tee"):
            try:
                os.truncate(self.settings["tee"], 0)
            except OSError:
                open(self.settings["tee"], "wb").close()

    def _fork(self, job, theirs: socket.socket, ours, workdir: str) -> int:
        from multiprocessing.connection import Connection

        from cuecast.runner.child import run_job

        if self._files is None:
            self._files = spare_files()
        self.seed.before_fork(job.seed)
        worker = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            try:
                self.conn.close()  # the pool's socket is the worker's, not the snippet's
                ours.close()
                run_job(Connection(theirs.detach()), job, self.settings, self.environment, worker,
                        workdir=workdir, files=self._files)
            finally:
                os._exit(70)
        try:
            os.setpgid(pid, pid)  # as the child does itself: no moment where a group kill misses it
        except OSError:
            pass
        return pid

    def _spawn(self, theirs: socket.socket) -> int:
        import json

        settings = dict(self.settings, environment=self.environment)
        process = subprocess.Popen(
            [sys.executable, "-m", "cuecast.runner.child", str(theirs.fileno()), json.dumps(settings)],
            stdin=subprocess.DEVNULL, stdout=2, stderr=2, pass_fds=(theirs.fileno(),),
            cwd=tempfile.gettempdir(), start_new_session=True,
        )
        process.returncode = 0  # reaped by pid below, not through Popen
        return process.pid

    def _supervise(self, job, pid: int, pipe):
        """Wait for the child to exit, relaying and watching; ``(pickled
        Capture, None)`` or ``(None, ChildEnd)``."""
        from multiprocessing.connection import wait

        capture = None
        failure = ""
        eof = False
        memory_killed = False
        limit = self.settings.get("memory_limit")
        peak = 0
        pidfd = _pidfd(pid)
        code: Optional[int] = None
        self._cancelled = False
        try:
            while code is None:
                watched = [self.conn] + ([] if eof else [pipe]) + ([pidfd] if pidfd is not None else [])
                ready = wait(watched, POLL if (limit or pidfd is None) else None)
                if pipe in ready:
                    eof, capture, failure = self._from_child(pipe, capture, failure)
                if self.conn in ready:
                    self._from_pool(job, pid)
                if limit:
                    used = tree_memory()
                    peak = max(peak, used)
                    if used > int(limit):
                        kill_tree(pid)  # reaps the child too
                        memory_killed = True
                        code = -signal.SIGKILL
                        break
                code = _exited(pid)
            while not eof and pipe.poll(0):  # what it sent just before it exited
                eof, capture, failure = self._from_child(pipe, capture, failure)
        finally:
            if pidfd is not None:
                os.close(pidfd)
        if capture is not None:
            return capture, None
        end = ChildEnd(
            exit_code=code if code >= 0 else None,
            signal=-code if code < 0 else None,
            cancelled=self._cancelled,
            memory_killed=memory_killed,
            memory_used=peak,
            pipe_closed=PIPE_LOST_NOTE in _read(self.settings.get("log", "")),
            failure=failure,
        )
        return None, end

    def _from_child(self, pipe, capture, failure):
        try:
            raw = pipe.recv_bytes()
            message = pickle.loads(raw)
        except (EOFError, OSError, pickle.UnpicklingError):
            return True, capture, failure
        if message[0] in ("cell", "clock"):
            self.conn.send_bytes(raw)  # relayed as it came
        elif message[0] == "done":
            capture = message[2]
        elif message[0] == "failed":
            failure = message[2]
        return False, capture, failure

    def _from_pool(self, job, pid: int) -> None:
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            raise StopWorker from None
        if message[0] == "cancel":
            if message[1] == job.key and not self._cancelled:
                self._cancelled = True
                self._stop(job, pid)
        elif message[0] == "stop":
            raise StopWorker
        else:
            self.later.append(message)

    def _stop(self, job, pid: int) -> None:
        """The child's time is up: have faulthandler say where it is, then kill it."""
        try:
            os.kill(pid, signal.SIGUSR1)
        except ProcessLookupError:
            return
        until = time.monotonic() + DUMP_WAIT
        log = self.settings.get("log", "")
        while time.monotonic() < until and f'File "{job.path}"' not in _read(log):
            time.sleep(0.02)
        for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                kill()
            except (ProcessLookupError, PermissionError):
                pass


def _remove(folder: Optional[str]) -> None:
    """A snippet's temp folder, once its processes are gone: usually empty,
    otherwise removed with whatever the snippet left in it, folders it made
    read-only included."""
    if folder is None:
        return
    try:
        os.rmdir(folder)
        return
    except FileNotFoundError:
        return
    except OSError:
        pass
    _owned(folder)
    for root, dirs, _ in os.walk(folder):  # each folder's access back before it is listed
        for name in dirs:
            _owned(os.path.join(root, name))
    shutil.rmtree(folder, ignore_errors=True)


def _owned(path: str) -> None:
    try:
        if not os.path.islink(path):
            os.chmod(path, 0o700)
    except OSError:
        pass


def _pidfd(pid: int) -> Optional[int]:
    """A descriptor that becomes readable when ``pid`` exits (Linux ≥ 5.3)."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return opener(pid)
    except OSError:
        return None


def _exited(pid: int) -> Optional[int]:
    """``pid``'s exit code once it has exited (negative: the signal that
    killed it), reaping it; ``None`` while it runs."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return -signal.SIGKILL  # reaped already (kill_tree): it was killed
    return os.waitstatus_to_exitcode(status) if done else None
