"""Snippet workers, and the policy for snippets that misbehave.

A pool starts ``size`` worker processes (``cuecast.runner.worker``), each of
which imports torch once and then runs every snippet file it is handed in a
fresh process forked from itself (``forkserver``), and hands each idle
worker the next snippet.  The main process never imports torch: it only
pickles ``Job``s out and ``Capture``s back over a socket per worker.

Failure policy (each costs one snippet, never the run, and no longer the
worker: only the snippet's own process is lost):

* a snippet that outlives its timeout: the pool sends ``cancel``; the worker
  has faulthandler write where the snippet's process was, kills it and
  everything it started, and says so; the Capture says ``timeout`` and the
  line.  A worker that does not answer in time is killed and replaced;
* a snippet process that dies (``os._exit``, a segfault, ``--memory-limit``,
  closing cuecast's pipe): the worker reports how (``ending.ChildEnd``); the
  Capture says ``crashed`` and why (``ending.describe_end``);
* a worker that dies: the Capture of the snippet it ran says ``crashed``;
  it is replaced;
* a worker that dies before it is ready is a ``CuecastError`` for the run:
  nothing could have run.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from cuecast.errors import ConfigError, CuecastError
from cuecast.model import STATUS_CRASHED, STATUS_TIMEOUT, Capture
from cuecast.runner.job import Job
from cuecast.runner.options import RunOptions
from cuecast.runner.cellrun import after_kill
from cuecast.runner.device import capture_environment
from cuecast.runner.ending import ChildEnd, describe_end, signal_text
from cuecast.runner.streams import split_by_cell, truncation_note
from cuecast.runner.wire import send

#: Seconds a worker may take to import torch and say it is ready.
START_TIMEOUT = 180.0
#: Seconds a worker has to end a cancelled snippet (it waits
#: ``forkserver.DUMP_WAIT`` for faulthandler's dump) before the pool kills the
#: worker instead.
CANCEL_GRACE = 10.0
#: Seconds ``close`` gives workers to end their snippets' processes themselves.
STOP_GRACE = 3.0

#: Notices already shown by this process (each is said once).
_said: set[str] = set()


def say_once(text: str) -> None:
    """A ``warning:`` line on stderr, once per process for each text."""
    if text in _said:
        return
    _said.add(text)
    try:
        sys.stderr.write(f"warning: {text}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def format_seconds(seconds: float) -> str:
    """``5.0`` → ``'5 s'``, ``2.5`` → ``'2.5 s'``."""
    return f"{seconds:g} s"


def last_snippet_line(log: str, path: str) -> Optional[int]:
    """The innermost line of ``path`` in a faulthandler dump (which lists the
    most recent call first), or ``None``."""
    for match in re.finditer(r'File "(?P<file>[^"]+)", line (?P<line>\d+)', log):
        if match.group("file") == path:
            return int(match.group("line"))
    return None


def cells_of(path: str, regions: bool) -> tuple:
    """The cells of the file a killed worker was running (``()``: a plain script)."""
    from cuecast.cells import split_cells

    try:
        return split_cells(Path(path).read_text(encoding="utf-8-sig", errors="replace"), regions)
    except OSError:
        return ()


def package_root() -> Optional[str]:
    """The folder holding the ``cuecast`` package this process runs, when it
    is not an installed one: ``python render.py`` in a checkout that was never
    pip-installed.  A worker starts as ``python -m cuecast.runner.worker`` in a
    temp folder and must import that same copy, not fail or find another."""
    root = Path(__file__).resolve().parents[2]
    if root.name in ("site-packages", "dist-packages"):
        return None  # importable anyway; on PYTHONPATH it would shadow the stdlib
    return str(root)


def worker_environment(options: RunOptions, base: "os._Environ[str] | dict[str, str]") -> dict[str, str]:
    """The environment a snippet worker starts with."""
    env = dict(base)
    env["PYTHONHASHSEED"] = str(options.seed)  # set/dict order of str is part of the output
    env["PYTHONUNBUFFERED"] = "1"
    if options.device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""  # the snippet's own device check must agree with the report
    root = package_root()
    if root is not None:
        paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in paths if p != root])
    return env


@dataclass
class _Worker:
    process: subprocess.Popen
    conn: object  # multiprocessing.connection.Connection
    log_path: Path
    environment: Optional[dict] = None
    facts: dict = field(default_factory=dict)  # how it runs snippets: fork or not, subreaper, …
    job: Optional[Job] = None
    child: Optional[int] = None  # the pid of the process running ``job``
    deadline: float = 0.0
    limit: float = 0.0  # seconds the current snippet (or cell) was given
    job_started: float = 0.0
    timed_out_at: Optional[float] = None  # when ``job`` ran out of time (``cancel`` was sent)
    started: float = 0.0
    dead: bool = False

    @property
    def tee_path(self) -> Path:
        return self.log_path.with_suffix(".tee")

    def read_output(self) -> tuple[tuple[str, str], ...]:
        from cuecast.runner.streams import read_tee

        try:
            return read_tee(self.tee_path.read_bytes())
        except OSError:
            return ()

    def read_log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


@dataclass
class WorkerPool:
    """Worker processes for one run (or one test module).

    ``warm`` optionally names modules each worker imports before it says it
    is ready (say ``torch._dynamo``, over a second, for a pool that will run
    many ``torch.optim`` snippets); by default nothing is pre-imported, since
    a module warmed in every worker is paid for once per worker.
    """

    options: RunOptions
    size: int = 1
    warm: tuple[str, ...] = ()
    workers: list[_Worker] = field(default_factory=list)
    #: What workers said about how they run snippets (e.g. why they cannot fork).
    notices: list[str] = field(default_factory=list)
    _logs: Optional[tempfile.TemporaryDirectory] = None

    # --- starting and stopping -------------------------------------------

    def start(self) -> "WorkerPool":
        """Spawn the workers without waiting for them; torch imports overlap
        whatever the caller does next."""
        while len(self._alive()) < self.size:
            self._spawn()
        return self

    def warm_up(self, modules: Sequence[str]) -> None:
        """Have every worker import ``modules`` before its next snippet (and
        every replacement worker before it says it is ready)."""
        new = tuple(m for m in modules if m not in self.warm)
        if not new:
            return
        self.warm = self.warm + new
        for worker in self._alive():
            try:
                send(worker.conn, ("warm", list(new)))
            except OSError:
                pass

    def _alive(self) -> list[_Worker]:
        return [w for w in self.workers if not w.dead]

    def _spawn(self) -> _Worker:
        from multiprocessing.connection import Connection

        if self._logs is None:
            from cuecast.atomic import sweep_orphaned_temp_folders

            sweep_orphaned_temp_folders()  # what the workers of a killed build left
            # the pid in the name lets the next pool sweep it if this process is killed
            self._logs = tempfile.TemporaryDirectory(prefix=f"cuecast-workers-{os.getpid()}-")
        ours, theirs = socket.socketpair()
        log_path = Path(self._logs.name) / f"worker-{len(self.workers)}.log"
        settings = {
            "device": self.options.device,
            "memory_limit": self.options.memory_limit,
            "warm": list(self.warm),
            "tee": str(log_path.with_suffix(".tee")),
            "log": str(log_path),
        }
        env = worker_environment(self.options, os.environ)
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "cuecast.runner.worker", str(theirs.fileno()), json.dumps(settings)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=(theirs.fileno(),),
                env=env,
                cwd=tempfile.gettempdir(),
                start_new_session=True,  # its own process group: a kill takes the snippet's children too
            )
        theirs.close()
        worker = _Worker(process, Connection(ours.detach()), log_path, started=time.monotonic())
        self.workers.append(worker)
        return worker

    def _kill(self, worker: _Worker) -> None:
        """SIGKILL the worker's group and its snippet's (the worker cannot
        clean up: use ``close`` where it can)."""
        worker.dead = True
        for group in (worker.process.pid, worker.child):
            if group:
                try:
                    os.killpg(group, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        try:
            worker.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            worker.conn.close()
        except OSError:
            pass

    def close(self) -> None:
        """Stop every worker now: an idle one is told to stop, a busy one gets
        SIGTERM; either kills what its snippet started and exits.  Whatever
        is still there after ``STOP_GRACE`` is killed."""
        alive = self._alive()
        for worker in alive:
            try:
                if worker.job is None and worker.environment is not None:
                    send(worker.conn, ("stop",))
                else:
                    worker.process.send_signal(signal.SIGTERM)
            except (OSError, ProcessLookupError):
                pass
        until = time.monotonic() + STOP_GRACE
        for worker in alive:
            try:
                worker.process.wait(timeout=max(0.0, until - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            self._kill(worker)
        if self._logs is not None:
            self._logs.cleanup()
            self._logs = None

    def __enter__(self) -> "WorkerPool":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # --- messages -----------------------------------------------------------

    def _receive(self, worker: _Worker):
        """The worker's next message, or ``None`` if it died."""
        try:
            return worker.conn.recv()
        except (EOFError, OSError):
            return None

    def _startup_failure(self, worker: _Worker) -> CuecastError:
        try:
            code = worker.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        tail = worker.read_log().strip().splitlines()[-15:]
        return CuecastError(
            f"a snippet worker failed to start (exit code {code})",
            hint="its last output:\n" + "\n".join(tail) if tail else "it printed nothing",
        )

    def environment(self) -> dict:
        """What the first ready worker reports (device, versions); waits for it."""
        from multiprocessing.connection import wait

        self.start()
        while True:
            ready = [w for w in self._alive() if w.environment is not None]
            if ready:
                return ready[0].environment
            self._handle(wait([w.conn for w in self._alive()], timeout=1.0), on_done=None)
            self._check_start_timeouts()

    def _check_start_timeouts(self) -> None:
        now = time.monotonic()
        for worker in self._alive():
            if worker.environment is None and now - worker.started > START_TIMEOUT:
                self._kill(worker)
                raise CuecastError(f"a snippet worker did not start within {format_seconds(START_TIMEOUT)}")

    def _handle(self, ready_conns, on_done) -> None:
        for conn in ready_conns:
            worker = next(w for w in self.workers if w.conn is conn)
            message = self._receive(worker)
            if message is None:
                self._died(worker, on_done)
                continue
            kind = message[0]
            if kind == "ready":
                worker.environment = message[1]
                worker.facts = message[2] if len(message) > 2 else {}
            elif kind == "config-error":
                self._kill(worker)
                raise ConfigError(message[1], hint=message[2])
            elif kind == "notice":
                self.notices.append(message[1])
                say_once(message[1])
            elif worker.job is None or message[1] != worker.job.key:
                continue  # about a job the pool has already given up on
            elif kind == "started":
                worker.child = message[2]
            elif kind == "clock" and worker.timed_out_at is None:
                worker.deadline = time.monotonic() + worker.limit
            elif kind == "cell" and worker.timed_out_at is None:
                worker.limit = worker.job.timeout_for(message[2])
                worker.deadline = time.monotonic() + worker.limit
            elif kind == "done":
                job = self._finish(worker)
                if on_done is not None:
                    on_done(job, pickle.loads(message[2]))
            elif kind == "ended":
                self._ended(worker, message[2], on_done)

    def _finish(self, worker: _Worker) -> Job:
        """The worker's job is over (its processes are gone): it is idle."""
        job, worker.job, worker.child, worker.timed_out_at = worker.job, None, None, None
        return job

    def _died(self, worker: _Worker, on_done) -> None:
        """The worker itself died (its snippet's process dies with it)."""
        job = worker.job
        self._kill(worker)
        if job is None:
            if worker.environment is None:
                raise self._startup_failure(worker)
            return  # died between snippets; run() replaces it
        code = worker.process.returncode
        line = last_snippet_line(worker.read_log(), job.path)
        if worker.timed_out_at is not None:
            self._report_timeout(worker, job, line, on_done)
            return
        how = signal_text(-code) if code is not None and code < 0 else f"exit code {code}"
        where = f" at line {line}" if line else ""
        reason = f"the worker running it died with {how}{where}"
        if on_done is not None:
            on_done(job, self._failed_capture(job, worker, STATUS_CRASHED, reason, line, time.monotonic()))

    def _ended(self, worker: _Worker, end: ChildEnd, on_done) -> None:
        """The snippet's process ended without a result; the worker lives on."""
        timed_out = worker.timed_out_at is not None
        started = worker.job_started
        job = worker.job
        line = last_snippet_line(worker.read_log(), job.path)
        if timed_out or end.cancelled:
            self._report_timeout(worker, job, line, on_done)
            self._finish(worker)
            return
        reason = describe_end(end, line, self.options.memory_limit)
        capture = self._failed_capture(job, worker, STATUS_CRASHED, reason, line, time.monotonic(), started)
        self._finish(worker)
        if on_done is not None:
            on_done(job, capture)

    def _report_timeout(self, worker: _Worker, job: Job, line: Optional[int], on_done) -> None:
        where = f" (it was at line {line})" if line else ""
        reason = f"did not finish within {format_seconds(worker.limit)}{where}"
        ended = worker.timed_out_at if worker.timed_out_at is not None else time.monotonic()
        if on_done is not None:
            on_done(job, self._failed_capture(job, worker, STATUS_TIMEOUT, reason, line, ended))

    def _time_is_up(self, worker: _Worker, on_done) -> None:
        """First the worker is asked to stop the snippet (it stays warm); if it
        does not answer within ``CANCEL_GRACE``, it is killed and replaced."""
        if worker.timed_out_at is None:
            worker.timed_out_at = worker.deadline
            worker.deadline = time.monotonic() + CANCEL_GRACE
            try:
                send(worker.conn, ("cancel", worker.job.key))
                return
            except OSError:
                pass
        job = worker.job
        self._kill(worker)
        self._report_timeout(worker, job, last_snippet_line(worker.read_log(), job.path), on_done)

    def _failed_capture(self, job, worker, status, reason, line, ended, started=None) -> Capture:
        from cuecast.model import SnippetException

        env = worker.environment or {}
        kind = "Timeout" if status == STATUS_TIMEOUT else "WorkerCrashed"
        marked = worker.read_output()  # what it printed before it was stopped
        streams, _ = split_by_cell(marked)
        exception = SnippetException(kind, reason, f"{kind}: {reason}\n", line)
        cells = cells_of(job.path, job.region_cells)
        return Capture(
            snippet=job.snippet,
            status=status,
            output="".join(text for _, text in streams),
            streams=streams,
            cells=after_kill(cells, marked, status, reason, line, exception, job.snippet) if cells else (),
            truncated=any(text.endswith(truncation_note(job.output_limit) + "\n") for _, text in streams[-1:]),
            exception=exception,
            reason=reason,
            duration=max(0.0, ended - (worker.job_started if started is None else started)),
            key=job.key,
            **capture_environment(env),
        )

    # --- running ------------------------------------------------------------

    def run(
        self,
        jobs: list[Job],
        on_started: Optional[Callable[[Job], None]] = None,
        on_finished: Optional[Callable[[Job, Capture], None]] = None,
    ) -> dict[str, Capture]:
        """Run every job (keyed by ``Job.key``) and return the Captures; keeps
        at most ``size`` workers alive, replacing any that are killed."""
        from multiprocessing.connection import wait

        results: dict[str, Capture] = {}
        pending = deque(jobs)

        def done(job: Job, capture: Capture) -> None:
            results[job.key] = capture
            if on_finished is not None:
                on_finished(job, capture)

        while pending or any(w.job is not None for w in self._alive()):
            if pending and len(self._alive()) < self.size:
                self.start()
            for worker in self._alive():
                if pending and worker.job is None and worker.environment is not None:
                    job = pending.popleft()
                    worker.job = job
                    worker.child = worker.timed_out_at = None
                    worker.job_started = time.monotonic()
                    worker.limit = job.timeout
                    worker.deadline = worker.job_started + job.timeout
                    try:
                        send(worker.conn, ("run", job))
                    except OSError:
                        pass  # it died; the receive below reports it
                    if on_started is not None:
                        on_started(job)
            busy = [w for w in self._alive() if w.job is not None]
            wait_for = 1.0
            if busy:
                wait_for = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            self._handle(wait([w.conn for w in self._alive()], timeout=wait_for), on_done=done)
            now = time.monotonic()
            for worker in self._alive():
                if worker.job is not None and now >= worker.deadline:
                    self._time_is_up(worker, done)
            self._check_start_timeouts()
        return results
