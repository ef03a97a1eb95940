"""The same seed for every generator a lesson snippet is likely to use.

``seed_everything`` is what a snippet's process gets before the snippet
runs.  ``torch.manual_seed`` is not cheap while CUDA (or XPU) is not
initialised: it queues the seeding for later with a formatted traceback,
about a millisecond and, in a forked process, a few hundred pages copied.
A forked child inherits its worker's generators, so the worker seeds fully
once before it forks (``ForkSeed``: the queued CUDA seeding travels with the
fork and runs when the child initialises CUDA, as it would have) and the
child only reseeds what the fork or the worker may have moved
(``reseed_after_fork``).
"""

from __future__ import annotations

import random
import sys
from typing import Optional


def seed_everything(seed: int) -> None:
    """Seed ``random``, ``numpy.random`` and torch (every device) with ``seed``."""
    random.seed(seed)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)


def reseed_after_fork(seed: int) -> None:
    """In a child forked by a worker that ran ``seed_everything(seed)``: the
    generators a fork or the worker's own work may have moved.  ``random`` is
    reseeded from the OS at every fork; numpy's and torch's CPU generators
    are cheap to set again, so nothing the worker did between two forks can
    show in a snippet's numbers."""
    random.seed(seed)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.default_generator.manual_seed(seed)


class ForkSeed:
    """The worker's side: ``seed_everything`` once per seed, not per fork
    (every call would queue one more CUDA seeding in the worker).  ``before_fork``
    runs again when a module the worker imported since may have consumed or
    replaced a generator (``changed``)."""

    def __init__(self):
        self.seeded: Optional[int] = None

    def before_fork(self, seed: int) -> None:
        if self.seeded != seed:
            seed_everything(seed)
            self.seeded = seed

    def changed(self) -> None:
        self.seeded = None
