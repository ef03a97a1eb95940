"""The trace of what a run looked at (``cuecast.witness``): every way of
looking is seen, each change to what was seen is noticed, and what a trace
cannot follow spoils it."""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import time

import pytest

from cuecast import witness
from cuecast.witness import tracing, unchanged


@pytest.fixture
def files(tmp_path, monkeypatch):
    """A file, a folder with one entry, a link to the file, and a path that is not there."""
    monkeypatch.setattr(witness, "RACY_NS", 0)  # the files are made just now; raciness has its own test
    (tmp_path / "input.txt").write_text("one\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "a.txt").write_text("a\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "input.txt")
    time.sleep(0.05)  # older than the trace by more than a clock tick
    return tmp_path


def traced(root):
    with tracing() as trace:
        (root / "input.txt").read_text(encoding="utf-8")
        os.listdir(root / "folder")
        (root / "helpers.py").exists()
        os.path.realpath(root / "link")
    return trace


def test_what_was_read_listed_and_asked_is_witnessed(files):
    trace = traced(files)
    seen = {(how, path): value for how, path, value in trace.finish()}
    assert seen[(witness.OPENED, str(files / "input.txt"))][0] == "file"
    assert seen[(witness.LISTED, str(files / "folder"))][0] == "folder"
    assert seen[(witness.STATUS, str(files / "helpers.py"))][0] == "missing"
    assert seen[(witness.LINK_STATUS, str(files / "link"))] == ["link", str(files / "input.txt")]
    assert trace.spoiled is None
    assert unchanged(trace.finish())


@pytest.mark.parametrize("change", [
    lambda root: (root / "input.txt").write_text("two\n", encoding="utf-8"),
    lambda root: (root / "folder" / "b.txt").write_text("b\n", encoding="utf-8"),
    lambda root: (root / "helpers.py").write_text("", encoding="utf-8"),
    lambda root: ((root / "link").unlink(), (root / "link").symlink_to(root / "folder")),
    lambda root: os.chmod(root / "input.txt", 0o600),
], ids=["edited", "entry added", "created", "link moved", "mode"])
def test_a_change_to_anything_witnessed_is_noticed(files, change):
    rows = traced(files).finish()
    change(files)
    assert not unchanged(rows)


def test_the_times_of_a_folder_only_asked_about_do_not_count(files):
    with tracing() as trace:
        (files / "folder").is_dir()
    rows = trace.finish()
    (files / "folder" / "b.txt").write_text("b\n", encoding="utf-8")
    assert unchanged(rows)


def test_what_the_run_wrote_is_witnessed_as_it_left_it(files):
    with tracing() as trace:
        (files / "input.txt").read_text(encoding="utf-8")
        (files / "input.txt").write_text("rewritten\n", encoding="utf-8")
    rows = trace.finish()
    assert trace.spoiled is None and unchanged(rows)


def test_a_file_changed_moments_before_it_was_read_spoils_the_trace(tmp_path):
    (tmp_path / "fresh.txt").write_text("new\n", encoding="utf-8")
    with tracing() as trace:
        (tmp_path / "fresh.txt").read_text(encoding="utf-8")
    trace.finish()
    assert "fresh.txt changed moments before it was read" in trace.spoiled


def test_a_process_started_spoils_the_trace():
    with tracing() as trace:
        subprocess.run(["true"], check=True)
    assert "started a process" in trace.spoiled


def test_the_network_spoils_the_trace_unless_a_probe_uses_it():
    with tracing() as trace:
        with witness.probing("http://localhost:9/") as answer:
            socket.getaddrinfo("localhost", 9)
            answer.append("refused")
    assert trace.spoiled is None and trace.probes == [("http://localhost:9/", "refused")]
    with tracing() as trace:
        socket.getaddrinfo("localhost", 9)
    assert "used the network" in trace.spoiled


def test_tracing_ends_with_its_block_and_runs_once_at_a_time():
    with tracing():
        assert os.stat is not witness._real_stat
        with pytest.raises(RuntimeError), tracing():
            pass
    assert os.stat is witness._real_stat and os.lstat is witness._real_lstat


def test_a_forked_child_is_not_the_run_traced():
    with tracing() as trace:
        pid = os.fork()
        if pid == 0:  # the child: Python's own stat, no trace to add to
            os._exit(0 if os.stat is witness._real_stat and witness._active is None else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert "started a process (os.fork)" in trace.spoiled


def test_a_child_forked_for_the_run_traces_what_it_reads_for_its_parent(files):
    with tracing() as trace:
        ours, theirs = os.pipe()
        pid = witness.fork_for_the_run()
        if pid == 0:  # the child: a lesson built beside the others
            (files / "input.txt").read_text(encoding="utf-8")
            os.write(theirs, pickle.dumps(witness.child_report()))
            os._exit(0)
        os.close(theirs)
        with os.fdopen(ours, "rb") as pipe:
            report = pickle.loads(pipe.read())
        os.waitpid(pid, 0)
        witness.merge_child(report)
    rows = trace.finish()
    assert trace.spoiled is None
    assert [witness.OPENED, str(files / "input.txt")] in [row[:2] for row in rows]
    (files / "input.txt").write_text("changed\n", encoding="utf-8")
    assert not unchanged(rows)


def test_a_child_that_kept_no_trace_spoils_it():
    with tracing() as trace:
        witness.merge_child(None)
    assert "kept no trace" in trace.spoiled


def test_what_a_process_reads_about_itself_is_no_input():
    with tracing() as trace:
        os.stat("/proc/self/ns/pid")
        os.listdir(f"/proc/{os.getpid()}/fd")
    assert trace.finish() == [] and trace.spoiled is None
