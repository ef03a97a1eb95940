"""The Ray executor: a build's tasks on a Ray cluster, its files written here.

Ray is imported by this module only, and this module only when ``--executor
ray`` asks for it, so a local build never needs Ray installed.

Every task returns values (a Capture, PNG bytes, an MP4 clip's bytes); this
process puts them in the same content-addressed caches and output folders
a local build uses, each file written atomically.  That is what makes a Ray
build and a local build give the same files, lets a re-run skip everything
whichever executor made the caches, and leaves every output old or complete
when the build is interrupted: a cancelled task never wrote anything.

A task whose worker process is lost (killed, out of memory, its node gone)
is retried by Ray up to ``RETRIES`` times; an exception raised by the task's
own code is not retried, because running it again would raise it again.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Callable, Optional, Sequence

from cuecast.executors.base import RETRIES, Executor, ExecutorError

#: Calls sent in one task at most: slides are drawn in tens of milliseconds,
#: so one task per slide would spend more on scheduling than on drawing.
BATCH = 8

INSTALL_HINT = "install it with: pip install cuecast[ray]"

#: Tries at a Ray Client connection whose server side failed to start.
#: Ray Client's proxy starts one server process per client; on a loaded
#: machine that process can die while it starts ("Initialization failure
#: from server"), and the proxy answers the next try with a fresh one.
CLIENT_TRIES = 3


def server_failed_to_start(exc: BaseException) -> bool:
    """Ray Client refused at its server's start-up (worth another try), not a
    wrong address, a version mismatch or a refused token (never worth one)."""
    return isinstance(exc, ConnectionAbortedError) and "Initialization failure from server" in str(exc)


def import_ray():
    """The ``ray`` module, or an error that says how to get it."""
    try:
        import ray
    except ImportError:
        raise ExecutorError("--executor ray needs Ray, which is not installed", hint=INSTALL_HINT) from None
    return ray


def run_batch(fn: Callable, calls: Sequence[tuple]) -> list:
    """Runs on a Ray worker: several calls for the price of one task."""
    return [fn(*args) for args in calls]


class RayExecutor(Executor):
    """Connects to ``address`` (``None``: a Ray started here, with ``jobs``
    CPUs, bound to 127.0.0.1 and without its dashboard) and disconnects on
    ``close``; a Ray this process was already connected to is left as it is."""

    name = "ray"
    remote = True
    lesson_workers = 1

    def __init__(self, address: Optional[str] = None, jobs: Optional[int] = None):
        self.ray = import_ray()
        self.address, self.jobs = address, jobs
        self.connected_here = False
        self._resources: Optional[dict] = None
        self._batch_task = None

    def connect(self) -> dict:
        """Connect on the first task, so a build that finds everything cached
        starts no Ray at all; the cluster's resources."""
        ray = self.ray
        if self._resources is None:
            if not ray.is_initialized():
                self._init()
                self.connected_here = True
            self._resources = dict(ray.cluster_resources())
        return self._resources

    def _init(self) -> None:
        ray = self.ray
        settings = dict(logging_level=logging.WARNING, log_to_driver=False)
        for attempt in range(1, CLIENT_TRIES + 1):
            try:
                if self.address is None:
                    ray.init(num_cpus=self.jobs or os.cpu_count() or 1, include_dashboard=False,
                             _node_ip_address="127.0.0.1", **settings)
                else:
                    ray.init(address=self.address, **settings)
                return
            except (ConnectionError, RuntimeError, ValueError) as exc:
                if attempt < CLIENT_TRIES and server_failed_to_start(exc):
                    time.sleep(attempt)
                    continue
                where = self.address or "a new local Ray instance"
                tries = f" (tried {attempt} times)" if attempt > 1 else ""
                raise ExecutorError(f"cannot connect to Ray at {where}{tries}: {exc}",
                                    hint="start one with `ray start --head`, or use --executor ray") from None

    @property
    def workers(self) -> int:
        return max(1, int(self.connect().get("CPU", 1)))

    @property
    def gpus(self) -> float:
        return float(self.connect().get("GPU", 0))

    def close(self) -> None:
        if self.connected_here and self.ray.is_initialized():
            self.ray.shutdown()
            self.connected_here = False

    def runner(self, run_options, on_event=None):
        from cuecast.executors.ray_snippets import RayRunner

        return RayRunner(run_options, on_event, self)

    def gather(self, refs: list) -> list:
        """``ray.get(refs)``, cancelling whatever is still running when one
        fails or the build is interrupted; a task's own exception is raised
        as itself (a ``CuecastError`` stays one)."""
        ray = self.ray
        try:
            return ray.get(refs)
        except ray.exceptions.RayTaskError as exc:
            self.cancel(refs)
            cause = getattr(exc, "cause", None)
            if isinstance(cause, BaseException):
                raise cause from None
            raise
        except BaseException:
            self.cancel(refs)
            raise

    def cancel(self, refs: list) -> None:
        """Stop ``refs``' tasks, running ones too (their workers are killed,
        which stops the snippet processes below them)."""
        for ref in refs:
            try:
                self.ray.cancel(ref, force=True)
            except Exception:  # finished already, or the cluster is gone: nothing left to stop
                pass

    def map(self, fn: Callable, calls: Sequence[tuple], *, gpus: float = 0, batch: Optional[int] = None) -> list:
        calls = list(calls)
        if not calls:
            return []
        self.connect()
        if self._batch_task is None:
            self._batch_task = self.ray.remote(run_batch)
        task = self._batch_task.options(num_cpus=1, num_gpus=gpus, max_retries=RETRIES, retry_exceptions=False)
        size = max(1, min(batch or BATCH, -(-len(calls) // self.workers)))
        refs = [task.remote(fn, calls[i:i + size]) for i in range(0, len(calls), size)]
        return [result for batch in self.gather(refs) for result in batch]
