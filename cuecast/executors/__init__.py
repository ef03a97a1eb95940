"""Where a build's work runs: this machine's cores, or a Ray cluster.

A build names its executor with ``--executor``:

* ``local`` (the default): snippets on the runner's fork-server pool, and
  the lessons' later stages spread over ``-j`` forked processes
  (``cuecast.catalogue``);
* ``ray``: a Ray instance started on demand on this machine;
* ``ray://HOST:PORT`` (or any address ``ray.init`` takes, such as
  ``HOST:6379``): an existing cluster.

Under Ray, snippet files, slide drawing and video segments become Ray tasks;
their results come back to this process, which writes every output and
every cache entry itself, so a Ray build and a local build share one cache
and give the same files.  Code that has work to hand out asks ``current()``
instead of being passed the executor through every stage, which keeps the
stages' signatures what they were.
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import Callable, Iterator, Optional, Sequence

from cuecast.errors import CuecastError

LOCAL = "local"


class ExecutorError(CuecastError):
    """An ``--executor`` that cannot be used (Ray missing, cluster unreachable)."""


class Executor:
    """What every executor offers the stages.

    ``remote`` is true when work leaves this process's machine-local pools
    (Ray); a stage then sends picklable work to ``map`` instead of running
    it on its own threads.  ``lesson_workers`` is how many lessons' stages
    this process may build at once in forked children (never under Ray:
    a process connected to Ray must not fork)."""

    name = LOCAL
    remote = False
    lesson_workers = 1

    def map(self, fn: Callable, calls: Sequence[tuple], *, gpus: float = 0, batch: Optional[int] = None) -> list:
        """``[fn(*args) for args in calls]``, possibly elsewhere; the first
        failure is raised, and the rest of the work is cancelled.  ``batch``
        caps the calls sent as one task (1 for long calls, so they spread)."""
        return [fn(*args) for args in calls]

    def runner(self, run_options, on_event=None):
        """A ``cuecast.runner.Runner`` whose snippets run on this executor."""
        from cuecast.runner import Runner

        return Runner(run_options, on_event)

    def close(self) -> None:
        pass

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_CURRENT: contextvars.ContextVar[Optional[Executor]] = contextvars.ContextVar("cuecast_executor", default=None)


def current() -> Executor:
    """The executor of the build in progress; in-process when none is."""
    return _CURRENT.get() or Executor()


@contextlib.contextmanager
def using(executor: Executor) -> Iterator[Executor]:
    token = _CURRENT.set(executor)
    try:
        yield executor
    finally:
        _CURRENT.reset(token)


def check_spec(spec: str) -> str:
    """``spec`` if it names an executor, else a usage error listing them."""
    if spec == LOCAL or spec == "ray" or spec.startswith("ray://") or (spec.startswith("ray:") and len(spec) > 4):
        return spec
    raise ExecutorError(f"unknown executor {spec!r} (expected: local, ray, ray://HOST:PORT)")


def open_executor(spec: Optional[str], jobs: Optional[int] = None) -> Executor:
    """The executor ``spec`` names; Ray is imported only when asked for."""
    spec = check_spec(spec or LOCAL)
    if spec == LOCAL:
        from cuecast.executors.local import LocalExecutor

        return LocalExecutor(jobs)
    from cuecast.executors.ray_executor import RayExecutor

    address = None if spec == "ray" else spec if spec.startswith("ray://") else spec[len("ray:"):]
    return RayExecutor(address, jobs)
