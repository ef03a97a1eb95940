"""When the preview server stops by itself.

A server started by an editor task, a script or a test must not outlive
what started it: ``watch_parent`` stops it once its parent process is gone
(the process is then re-parented, so ``getppid`` changes -- polled, since
that works everywhere and lets the server clean up, unlike a death signal),
and ``stop_after`` stops it after a fixed time.
"""

from __future__ import annotations

import os
import threading
from typing import Callable, Optional


def watch_parent(stop: threading.Event, on_stop: Optional[Callable[[str], None]] = None,
                 interval: float = 0.5) -> threading.Thread:
    parent = os.getppid()

    def loop() -> None:
        while not stop.wait(interval):
            if os.getppid() != parent:
                if on_stop is not None:
                    on_stop(f"the process that started the preview (pid {parent}) has exited")
                stop.set()
                return

    thread = threading.Thread(target=loop, name="cuecast-preview-parent", daemon=True)
    thread.start()
    return thread


def stop_after(stop: threading.Event, seconds: float, on_stop: Optional[Callable[[str], None]] = None) -> threading.Timer:
    def fire() -> None:
        if not stop.is_set() and on_stop is not None:
            on_stop(f"stopping after {seconds:g} s (--stop-after)")
        stop.set()

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    return timer
