"""``cuecast.runner.seeding``: every generator a snippet may draw from starts
from the seed, and the worker seeds once per seed, not once per fork."""

from __future__ import annotations

import random

import numpy
import torch

from cuecast.runner.seeding import ForkSeed, reseed_after_fork, seed_everything


def draws() -> tuple:
    return random.random(), float(numpy.random.rand()), torch.rand(3).tolist()


def test_seed_everything_fixes_random_numpy_and_torch():
    seed_everything(7)
    first = draws()
    draws()  # the generators move on …
    seed_everything(7)
    assert draws() == first  # … and the seed brings every one back
    seed_everything(8)
    assert draws() != first


def test_reseeding_after_a_fork_undoes_what_the_worker_drew_since():
    seed_everything(3)
    expected = draws()
    seed_everything(3)
    draws()  # the worker's own work between two forks
    reseed_after_fork(3)
    assert draws() == expected


def test_the_worker_seeds_once_per_seed_until_told_something_changed():
    forks = ForkSeed()
    forks.before_fork(5)
    first = torch.rand(2).tolist()
    forks.before_fork(5)  # same seed: not seeded again, the generator moved on
    assert torch.rand(2).tolist() != first
    forks.changed()  # a module imported since may have drawn
    forks.before_fork(5)
    assert torch.rand(2).tolist() == first
    forks.before_fork(6)
    assert forks.seeded == 6
