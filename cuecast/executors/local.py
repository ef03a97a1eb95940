"""The default executor: this machine, every core counted by ``-j``.

Snippets keep the runner's own pool (a fork server per worker).  What runs
after them is spread over lessons rather than inside one: a lesson's slides,
timeline, notebook and review page are built by one forked child while
other children build other lessons (``cuecast.catalogue``), because those
stages are Python that holds the GIL, where threads would take turns."""

from __future__ import annotations

import os
from typing import Optional

from cuecast.executors.base import Executor


class LocalExecutor(Executor):
    def __init__(self, jobs: Optional[int] = None):
        self.jobs = jobs
        self.lesson_workers = max(1, jobs or os.cpu_count() or 1)
