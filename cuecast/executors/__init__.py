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
from typing import Iterator, Optional

from cuecast.executors.base import LOCAL, Executor, ExecutorError  # noqa: F401 (the package's names)

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
