"""The named settings of a snippet run.

Every knob that changes how a snippet executes lives here, with its default,
so the CLI, the cache key and the workers all read the same values (the way
nbclient keeps each execution option a documented setting).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from cuecast.defaults import SNIPPET_TIMEOUT

#: Bump when the runner changes in a way that changes Captures (capture format,
#: seeding, output cap note, traceback trimming...): it is part of every cache
#: key, so old entries are simply never found again.
RUNNER_VERSION = "6"  # 2: output below Python captured; reads recorded; 3: cell files; 4: relative warnings;
# 5: a process per snippet file, which ends as python does (threads joined, atexit run, inside the capture);
# 6: long lines cut with a note, lone surrogates kept as U+FFFD (output and exception text)

DEVICES = ("auto", "cpu", "cuda", "mps")


#: Snippets one worker is started for when ``jobs`` is not given (see
#: ``RunOptions.worker_count``).
SNIPPETS_PER_WORKER = 6


@dataclass(frozen=True)
class RunOptions:
    """How snippets run.

    device:
        ``auto`` picks CUDA, then MPS, then CPU; naming an absent device is a
        ``ConfigError``.  ``cpu`` also hides CUDA from the snippet, so a snippet
        that picks its own device sees the same machine the report names.
    jobs:
        Worker processes running snippets side by side; ``None`` means one per
        six pending snippets, at most one per core.  Never more than there are
        snippets to run.
    timeout:
        Seconds a snippet may take when its cue sets no ``timeout:``.
    use_cache:
        Serve unchanged snippets from ``build/.cache/captures``; ``False`` is
        ``--no-cache`` (everything re-runs; results are still stored).
    output_limit:
        Bytes of stdout+stderr kept per snippet; the rest is dropped as it is
        written, with a visible note, so a runaway print cannot eat memory.
    memory_limit:
        Optional cap (bytes) on each snippet's memory.  Its process gets it as
        ``RLIMIT_AS`` (set after torch is imported, not under CUDA, which maps
        far more address space than it uses), so an allocation past it is a
        ``MemoryError`` at the snippet's line; and the worker kills the
        snippet once its processes together hold more than it (resident
        private memory), with a reason that says so.
    seed:
        Seed for ``random``, ``numpy.random`` and ``torch`` before every snippet.
    """

    device: str = "auto"
    jobs: Optional[int] = None
    timeout: float = SNIPPET_TIMEOUT
    use_cache: bool = True
    output_limit: int = 1_000_000
    memory_limit: Optional[int] = None
    seed: int = 0

    def __post_init__(self):
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {self.device!r}")
        if self.jobs is not None and self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {self.jobs}")
        if not self.timeout > 0:
            raise ValueError(f"timeout must be positive, not {self.timeout}")

    def key_fields(self) -> dict:
        """The options every run's cache key holds (``cache.capture_key``):
        those that shape what a snippet or a command prints."""
        return {"seed": self.seed, "output_limit": self.output_limit, "memory_limit": self.memory_limit}

    def worker_count(self, pending: int) -> int:
        """Workers worth starting for ``pending`` snippets.

        A worker costs an ``import torch`` (and, on a GPU, a CUDA context of
        its own) while a course snippet runs in milliseconds, so by default
        one worker is started per ``SNIPPETS_PER_WORKER`` snippets, up to one
        per core.  Measured on a 16-core H200 machine, 13 course snippets cold:
        2 workers 6.2 s, 4 workers 6.9 s, 16 workers 8.8 s (the imports fight
        over the cores).  An explicit ``jobs`` is taken as asked."""
        import os

        if self.jobs:
            return max(1, min(self.jobs, pending))
        by_work = -(-pending // SNIPPETS_PER_WORKER)
        return max(1, min(os.cpu_count() or 1, pending, by_work))
