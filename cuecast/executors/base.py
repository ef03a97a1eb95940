"""What every executor is: the base class the stages call and the error an
unusable ``--executor`` raises.  It sits apart from the package so the
executors (``local``, ``ray_executor``) import it without importing the
package that picks between them."""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from cuecast.errors import CuecastError

#: Times Ray runs a task again after the worker running it was lost.
RETRIES = 3

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
