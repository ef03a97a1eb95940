"""When ``render preview`` and ``render watch`` stop by themselves.

A server started by an editor task, a script or a test must not outlive
what started it: ``watch_parent`` stops it once its parent process is gone
(the process is then re-parented, so ``getppid`` changes -- polled ten
times a second, since that works everywhere and lets the command clean up,
unlike a death signal), and ``stop_after`` stops it after a fixed time.
Either way the command stops within a second, cancelling the work in flight.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Callable, Optional


def watch_parent(stop: threading.Event, on_stop: Optional[Callable[[str], None]] = None,
                 interval: float = 0.1) -> threading.Thread:
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


def interrupt_main(reason: str, echo: Callable[[str], None]) -> None:
    """Say ``reason`` and stop the main thread as Ctrl-C does (``render
    watch`` builds on it): a SIGINT to this process, which, unlike
    ``_thread.interrupt_main``, also ends a wait the thread is blocked in."""
    echo(reason)
    os.kill(os.getpid(), signal.SIGINT)
