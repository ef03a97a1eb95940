"""``cuecast.executors.local``: the default executor builds as many lessons
at once as ``-j`` says, every core when it says nothing."""

from __future__ import annotations

import os

from cuecast.executors.local import LocalExecutor


def test_local_counts_every_core_unless_told():
    assert LocalExecutor(3).lesson_workers == 3
    assert LocalExecutor(None).lesson_workers == (os.cpu_count() or 1)
    assert not LocalExecutor(3).remote
