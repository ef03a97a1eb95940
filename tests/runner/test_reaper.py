"""``cuecast.runner.reaper``: the process tree below a worker, found through
/proc and killed to the last orphan.  The killing runs in a Python process of
its own (a subreaper, as the worker is), never in the test's."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import pytest

from cuecast.runner.reaper import descendants, process_table, thread_count, tree_memory
from tests.support.processes import alive

linux_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc")


def test_descendants_of_a_table_come_parents_first():
    table = {10: 1, 11: 10, 12: 10, 13: 11, 14: 13, 20: 1, 21: 20}
    assert descendants(10, table) == [11, 12, 13, 14]
    assert descendants(20, table) == [21]
    assert descendants(14, table) == []


@linux_proc
def test_the_process_table_and_the_walk_see_a_real_child_and_its_memory():
    holds = "import sys; block = bytearray(64 << 20); print('touched', flush=True); sys.stdin.read()"
    child = subprocess.Popen([sys.executable, "-c", holds], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "touched\n"  # its 64 MiB are resident now (bytearray zero-fills them)
        assert process_table()[os.getpid()] == os.getppid()
        assert child.pid in descendants(os.getpid())  # the walk down /proc/PID/task/*/children
        assert child.pid in descendants(os.getpid(), process_table())  # the walk of the whole table
        assert tree_memory() >= 64 << 20
        assert tree_memory(child.pid) == 0  # nothing below the child
    finally:
        child.stdin.close()
        child.wait()


@linux_proc
def test_native_threads_are_counted():
    before = thread_count()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert thread_count() == before + 1
    finally:
        stop.set()
        thread.join()


ORPHANS = textwrap.dedent("""
    import os, subprocess, sys, time
    from cuecast.runner.reaper import become_subreaper, descendants, kill_tree

    assert become_subreaper()
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    daemon = subprocess.Popen(sleeper, start_new_session=True)  # left the process group
    pid = os.fork()
    if pid == 0:  # a double fork: the middle process exits, its child is an orphan
        os.setsid()
        subprocess.Popen(sleeper)
        os._exit(0)
    os.waitpid(pid, 0)
    deadline = time.monotonic() + 30
    while len(descendants(os.getpid())) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    below = descendants(os.getpid())
    print(" ".join(map(str, below)), flush=True)
    print(kill_tree(), len(descendants(os.getpid())), flush=True)
""")


@linux_proc
def test_a_subreaper_kills_what_left_its_group_and_its_tree(project_root):
    done = subprocess.run([sys.executable, "-c", ORPHANS], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=str(project_root)))
    assert done.returncode == 0, done.stderr
    below, counts = done.stdout.splitlines()
    pids = [int(pid) for pid in below.split()]
    assert len(pids) == 2  # the daemon and the orphan, both adopted
    killed, left = map(int, counts.split())
    assert (killed, left) == (2, 0)
    assert not any(alive(pid) for pid in pids)
