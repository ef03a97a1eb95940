"""``cuecast.executors.base``: what every executor offers the stages, as the
in-process base does it."""

from __future__ import annotations

import pytest

from cuecast.executors.base import Executor
from cuecast.runner import RunOptions, Runner


def test_map_runs_every_call_here_in_order():
    calls = [(2, 3), (3, 2), (10, 0), (7, 1)]
    assert Executor().map(pow, calls, gpus=1, batch=2) == [8, 9, 1, 7]


def test_map_raises_the_first_failure_and_runs_nothing_after_it():
    ran = []

    def divide(a, b):
        ran.append((a, b))
        return a / b

    with pytest.raises(ZeroDivisionError):
        Executor().map(divide, [(1, 1), (1, 0), (2, 1)])
    assert ran == [(1, 1), (1, 0)]


def test_the_in_process_executor_runs_snippets_on_the_runners_own_pool():
    options, events = RunOptions(device="cpu", seed=3), []
    with Executor() as executor:
        runner = executor.runner(options, events.append)
    assert type(runner) is Runner
    assert runner.options is options and runner.on_event == events.append
    assert runner.pool is None  # nothing started until there is work
    assert not executor.remote and executor.lesson_workers == 1
