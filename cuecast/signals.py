"""SIGTERM means what Ctrl-C means: stop, clean up, keep previous outputs.

Python's default for SIGTERM (what CI runners, ``timeout`` and ``kill``
send) is to die on the spot, skipping every ``finally``: temporary files
stay behind, workers and ffmpeg are orphaned.  Turning it into
``KeyboardInterrupt`` in the main thread runs the same clean-up path as
Ctrl-C, which every stage already handles (atomic writes, worker pools that
kill their process groups, ffmpeg registries).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived; a ``KeyboardInterrupt`` so one handler serves both."""


def _raise_terminated(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Within the block, SIGTERM raises ``Terminated`` in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
