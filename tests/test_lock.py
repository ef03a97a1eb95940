"""``cuecast.lock``: one build per project at a time; a second one says it
waits, once, and goes on when the first lets go.  (A holder killed outright
and a lock that cannot be written are tests/faults/.)"""

from __future__ import annotations

import os
import threading

from cuecast.lock import project_lock, project_locks


def locking_on_a_thread(enter, waited: threading.Event):
    """``enter()`` on a thread; returns (thread, what it saw) once it waits
    or holds."""
    seen = {"messages": [], "held": threading.Event()}

    def on_wait(message):
        seen["messages"].append(message)
        waited.set()

    def body():
        with enter(on_wait):
            seen["held"].set()

    thread = threading.Thread(target=body)
    thread.start()
    return thread, seen


def test_a_second_build_says_once_whom_it_waits_for_and_runs_after(tmp_path):
    build = tmp_path / "build"
    waited = threading.Event()
    with project_lock(build) as path:
        assert path == build / ".lock" and path.read_text() == f"{os.getpid()}\n"
        thread, seen = locking_on_a_thread(lambda on_wait: project_lock(build, on_wait), waited)
        assert waited.wait(10)
        assert not seen["held"].is_set()
    thread.join(10)
    assert seen["held"].is_set()
    assert seen["messages"] == [f"another render build is running on this project (pid {os.getpid()}); "
                                f"waiting for it to finish ({build / '.lock'})…"]


def test_a_free_lock_is_taken_without_a_word(tmp_path):
    messages = []
    with project_lock(tmp_path / "a" / "build", on_wait=messages.append):
        pass
    with project_lock(tmp_path / "a" / "build", on_wait=messages.append):
        pass
    assert messages == []


def test_several_projects_are_locked_together_and_each_only_once(tmp_path):
    first, second = tmp_path / "one" / "build", tmp_path / "two" / "build"
    waited = threading.Event()
    # the same folder twice (once by another spelling) must not wait for itself
    with project_locks([second, first, tmp_path / "one" / ".." / "one" / "build"]):
        assert (first / ".lock").read_text() == (second / ".lock").read_text() == f"{os.getpid()}\n"
        thread, seen = locking_on_a_thread(lambda on_wait: project_locks([second], on_wait), waited)
        assert waited.wait(10)
    thread.join(10)
    assert seen["held"].is_set() and len(seen["messages"]) == 1
