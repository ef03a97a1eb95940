"""``cuecast.runner.options``: the settings a run refuses, the ones its cache
key holds, and how many workers a run is worth."""

from __future__ import annotations

import os

import pytest

from cuecast.runner import RunOptions


@pytest.mark.parametrize("fields, message", [
    ({"device": "gpu"}, "device must be one of auto, cpu, cuda, mps, not 'gpu'"),
    ({"jobs": 0}, "jobs must be at least 1, not 0"),
    ({"timeout": 0}, "timeout must be positive, not 0"),
    ({"timeout": float("nan")}, "timeout must be positive, not nan"),
])
def test_options_that_cannot_run_are_refused_with_the_rule(fields, message):
    with pytest.raises(ValueError, match=message):
        RunOptions(**fields)


def test_the_cache_key_holds_what_shapes_output_and_not_how_it_is_scheduled():
    base = RunOptions()
    assert RunOptions(jobs=4, timeout=5, use_cache=False, device="cpu").key_fields() == base.key_fields()
    for changed in (RunOptions(seed=1), RunOptions(output_limit=10), RunOptions(memory_limit=1 << 30)):
        assert changed.key_fields() != base.key_fields()


def test_default_worker_count_follows_the_work_not_only_the_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    options = RunOptions()
    assert [options.worker_count(n) for n in (1, 6, 7, 13, 60, 1000)] == [1, 1, 2, 3, 10, 16]
    assert RunOptions(jobs=16).worker_count(13) == 13  # asked for: taken as asked, up to the work
    assert RunOptions(jobs=2).worker_count(1000) == 2
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert RunOptions().worker_count(13) == 2
