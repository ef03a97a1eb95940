"""Run lesson snippets for real, each file in a process forked from a warm
torch worker, with a cache.

Public API (no torch import here or anywhere in the main process)::

    from cuecast.runner import RunOptions, run_lesson
    captures = run_lesson(lesson, RunOptions(device="cpu", timeout=30))
    captures["snippets/casting.py"].output

See ``run.py`` for the order of work, ``pool.py`` for the failure policy,
``forkserver.py`` for how each snippet gets a process of its own,
``execute.py`` for how it runs there, ``cuecast.runner.cache`` for the key.
"""

from cuecast.runner.events import FINISHED, PLANNED, STARTED, RunEvent
from cuecast.runner.options import RUNNER_VERSION, RunOptions
from cuecast.runner.run import Runner, plan_lesson, run_lesson, run_lessons

__all__ = [
    "FINISHED",
    "PLANNED",
    "RUNNER_VERSION",
    "RunEvent",
    "RunOptions",
    "Runner",
    "STARTED",
    "plan_lesson",
    "run_lesson",
    "run_lessons",
]
