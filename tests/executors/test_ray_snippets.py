"""``cuecast.executors.ray_snippets``, its decisions on the driver: what a
snippet task asks Ray for, how snippets are batched, and what a snippet whose
Ray worker was lost reports.  (Runs on a real cluster are
tests/executors/test_ray_executor.py.)"""

from __future__ import annotations

import time

import pytest

from cuecast.executors.ray_snippets import BATCH, batch_size, lost_capture, snippet_gpus
from cuecast.model import STATUS_CRASHED
from cuecast.runner import RunOptions
from cuecast.runner.job import Job


@pytest.mark.parametrize("device, cluster_gpus, asked", [
    ("cuda", 0, 1), ("cuda", 4, 1), ("auto", 2, 1), ("auto", 0, 0), ("cpu", 8, 0), ("mps", 0, 0),
])
def test_snippets_ask_ray_for_a_gpu_when_they_will_use_one(device, cluster_gpus, asked):
    assert snippet_gpus(RunOptions(device=device), cluster_gpus) == asked


def test_snippets_are_batched_only_when_every_worker_has_several_tasks():
    assert batch_size(1, 2) == 1
    assert batch_size(15, 2) == 1  # fewer than four tasks a worker otherwise
    assert batch_size(17, 2) == 2
    assert batch_size(1000, 2) == BATCH
    assert batch_size(1000, 200) == 1


def test_a_snippet_whose_worker_was_lost_is_a_crash_that_says_so():
    job = Job(key="k9", snippet="snippets/train.py", path="/p/snippets/train.py", root="/p", timeout=30)
    reason = "the Ray worker running it was lost: NodeDiedError"
    capture = lost_capture(job, reason, started=time.monotonic() - 2.0)
    assert (capture.snippet, capture.key, capture.status, capture.reason) == ("snippets/train.py", "k9", STATUS_CRASHED, reason)
    assert capture.exception.type == "WorkerCrashed"
    assert capture.exception.traceback == f"WorkerCrashed: {reason}\n"
    assert capture.output == "" and capture.duration >= 2.0  # counted from when the batch was sent
