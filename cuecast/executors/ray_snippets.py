"""Snippet files as Ray tasks, each still run in a process of its own.

Small batches of snippet files share a task (``BATCH``): Ray's scheduling
costs about what a tiny snippet's run does.  A retried task runs its whole
batch again, each file again in a fresh process.

A Ray task does not run the snippet in the Ray worker's own interpreter:
that process has Ray's threads, and a snippet must start from a fresh,
seeded process (issue 15).  Each Ray worker keeps one of the runner's
fork-server workers (``WorkerPool`` of size one, torch imported once) and
hands it the job, so a snippet gets exactly the isolation, timeout and
output capture of a local build; its Capture is the task's return value.

The fork server is started with ``die_with_parent``: when Ray loses or
cancels the worker running a task, the fork server and the snippet's
processes go with it, and the retried task starts from nothing.
"""

from __future__ import annotations

import dataclasses
import os
import time
from typing import Callable, Optional

from cuecast.model import STATUS_CRASHED, Capture, SnippetException
from cuecast.runner import Runner
from cuecast.runner.job import Job
from cuecast.runner.options import RunOptions

# -- on the Ray worker ---------------------------------------------------------

_POOL = None
_POOL_KEY = None


def _pool(options: RunOptions):
    """This Ray worker's fork server, started on its first task; a new one
    when the options or the GPUs Ray gave this task differ from the last."""
    global _POOL, _POOL_KEY
    from cuecast.runner.pool import WorkerPool

    key = (options, os.environ.get("CUDA_VISIBLE_DEVICES"))
    if _POOL is None or _POOL_KEY != key:
        if _POOL is not None:
            _POOL.close()
        _POOL, _POOL_KEY = WorkerPool(options, size=1).start(), key
    return _POOL


def run_jobs(options: RunOptions, jobs: list[Job]) -> list[Capture]:
    """The jobs one after another on this worker's fork server, each in a
    process of its own."""
    pool = _pool(options)
    return [pool.run([job])[job.key] for job in jobs]


def probe_environment(options: RunOptions) -> dict:
    return _pool(options).environment()


# -- on the driver ---------------------------------------------------------------


def snippet_gpus(options: RunOptions, cluster_gpus: float) -> float:
    """GPUs a snippet task asks for: one for ``cuda``; for ``auto`` one when
    the cluster has any (auto picks CUDA first), else none."""
    if options.device == "cuda" or (options.device == "auto" and cluster_gpus > 0):
        return 1
    return 0


#: Snippet files sent in one task at most.  A task costs Ray a few
#: milliseconds of scheduling, as much as a tiny snippet's run; a batch of
#: them pays it once, while each snippet still gets a process of its own.
BATCH = 8


def batch_size(jobs: int, workers: int) -> int:
    """Snippets per task: up to ``BATCH``, but at least four tasks per
    worker, so that a slow snippet does not leave the others idle."""
    return max(1, min(BATCH, jobs // (4 * max(1, workers))))


def lost_capture(job: Job, reason: str, started: float) -> Capture:
    """The capture of a snippet whose Ray worker was lost more often than Ray
    retries: that snippet crashed, the build goes on (and nothing is cached)."""
    return Capture(
        snippet=job.snippet,
        status=STATUS_CRASHED,
        output="",
        exception=SnippetException("WorkerCrashed", reason, f"WorkerCrashed: {reason}\n", None),
        reason=reason,
        duration=max(0.0, time.monotonic() - started),
        key=job.key,
    )


class RayPool:
    """What ``Runner`` asks of its pool (``WorkerPool``'s interface), with
    each job a Ray task."""

    def __init__(self, options: RunOptions, executor):
        from cuecast.executors.base import RETRIES

        self.executor = executor
        self.ray = executor.ray
        self.size = executor.workers  # connects
        self.notices: list[str] = []
        self.worker_options = dataclasses.replace(options, jobs=1)
        gpus = snippet_gpus(options, executor.gpus)
        task_options = dict(num_cpus=1, num_gpus=gpus, max_retries=RETRIES, retry_exceptions=False)
        self._run = self.ray.remote(run_jobs).options(**task_options)
        self._probe = self.ray.remote(probe_environment).options(**task_options)

    def start(self) -> "RayPool":
        return self

    def warm_up(self, modules) -> None:
        """Nothing to do: a job names its own warm modules (``Job.warm``)."""

    def environment(self) -> dict:
        return self.executor.gather([self._probe.remote(self.worker_options)])[0]

    def run(self, jobs: list[Job], on_started: Optional[Callable] = None,
            on_finished: Optional[Callable] = None) -> dict[str, Capture]:
        ray = self.ray
        started = time.monotonic()
        size = batch_size(len(jobs), self.size)
        batches = [jobs[i:i + size] for i in range(0, len(jobs), size)]
        refs = {self._run.remote(self.worker_options, batch): batch for batch in batches}
        for job in jobs:
            if on_started is not None:
                on_started(job)
        results: dict[str, Capture] = {}
        pending = list(refs)
        try:
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                for ref in ready:
                    batch = refs[ref]
                    try:
                        captures = ray.get(ref)
                    except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError,
                            ray.exceptions.OutOfMemoryError) as exc:
                        reason = f"the Ray worker running it was lost: {type(exc).__name__}"
                        captures = [lost_capture(job, reason, started) for job in batch]
                    except ray.exceptions.RayTaskError as exc:  # cuecast's own failure, not the snippet's
                        cause = getattr(exc, "cause", None)
                        raise (cause if isinstance(cause, BaseException) else exc) from None
                    for job, capture in zip(batch, captures):
                        results[job.key] = capture
                        if on_finished is not None:
                            on_finished(job, capture)
        except BaseException:
            self.executor.cancel(pending)
            raise
        return results

    def close(self) -> None:
        """Nothing to stop: Ray owns its workers (and they their fork servers)."""


class RayRunner(Runner):
    """A ``Runner`` (cache first, then the misses) whose misses are Ray tasks."""

    def __init__(self, options: RunOptions, on_event, executor):
        super().__init__(options, on_event)
        self.executor = executor

    def sibling(self, options: RunOptions) -> "RayRunner":
        return RayRunner(options, self.on_event, self.executor)

    def prestart(self, pending: Optional[int] = None, warm=()) -> None:
        if self.pool is None:
            self.pool = RayPool(self.options, self.executor)
