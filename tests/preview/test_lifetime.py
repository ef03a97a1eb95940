"""When preview and watch stop by themselves: after ``--stop-after``, once the
process that started them is gone, and as Ctrl-C does when told to."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import pytest

from cuecast.preview.lifetime import interrupt_main, stop_after, watch_parent
from tests.support.paths import PROJECT


def test_stop_after_sets_the_stop_and_says_why():
    stop, said = threading.Event(), []
    stop_after(stop, 0.05, said.append)
    assert stop.wait(5)  # said before it is set
    assert said == ["stopping after 0.05 s (--stop-after)"]


def test_stop_after_says_nothing_when_the_command_already_stopped():
    stop, said = threading.Event(), []
    stop.set()
    stop_after(stop, 0.01, said.append).join(5)
    assert said == []


def test_watching_a_living_parent_ends_quietly_with_the_stop():
    stop, said = threading.Event(), []
    thread = watch_parent(stop, said.append, interval=0.01)
    threading.Event().wait(0.05)
    assert thread.is_alive() and not stop.is_set()  # the parent (this test's runner) is alive
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and said == []


CHILD = """
import os, sys, threading
from cuecast.preview.lifetime import watch_parent
read, write = os.pipe()
if os.fork():  # the parent waits until the child watches, then exits
    os.read(read, 1)
    os._exit(0)
stop, said = threading.Event(), []
watch_parent(stop, said.append, interval=0.01)
os.write(write, b"x")
print(stop.wait(10), said, flush=True)
"""


def test_a_parent_that_exits_stops_the_command_with_its_pid():
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=30, cwd=PROJECT,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert done.stdout.startswith("True ['the process that started the preview (pid "), done.stdout + done.stderr
    assert "has exited']" in done.stdout


def test_interrupt_main_says_why_then_stops_as_ctrl_c_does():
    said = []
    with pytest.raises(KeyboardInterrupt):
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            interrupt_main("the script was deleted", said.append)
            threading.Event().wait(1)  # the handler runs on the main thread, between bytecodes
        finally:
            signal.signal(signal.SIGINT, previous)
    assert said == ["the script was deleted"]
