"""``cuecast.signals``: SIGTERM takes Ctrl-C's clean-up path inside the
block, and the previous handler is back after it."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from cuecast.signals import Terminated, sigterm_interrupts


def test_sigterm_in_the_block_is_a_keyboard_interrupt_and_the_old_handler_returns():
    before = signal.getsignal(signal.SIGTERM)
    cleaned = []
    with pytest.raises(KeyboardInterrupt) as caught:
        with sigterm_interrupts():
            try:
                os.kill(os.getpid(), signal.SIGTERM)  # what `kill`, `timeout` and CI runners send
                cleaned.append("went on after SIGTERM")
            finally:
                cleaned.append("finally ran")
    assert type(caught.value) is Terminated
    assert cleaned == ["finally ran"]
    assert signal.getsignal(signal.SIGTERM) is before


def test_off_the_main_thread_the_block_changes_nothing():
    seen = []

    def body():
        with sigterm_interrupts():
            seen.append(signal.getsignal(signal.SIGTERM))

    before = signal.getsignal(signal.SIGTERM)
    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    assert seen == [before]  # signal.signal would have raised ValueError there
