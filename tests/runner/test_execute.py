"""The in-process half of the runner: one snippet executed here and the output
recorder (the autograd walk is tests/runner/test_autograd.py)."""

from __future__ import annotations

import os
import sys

import pytest

from cuecast.model import STATUS_ERROR, STATUS_OK
from cuecast.runner.execute import execute
from cuecast.runner.job import Job
from cuecast.runner.streams import OutputRecorder, read_tee, tee_frame, truncation_note
from tests.support import paths

FIXTURES = paths.FIXTURES / "runner"
ENVIRONMENT = {"device": "cpu", "device_name": "test", "torch_version": "x", "python_version": "y"}


def job_for(name: str, **fields) -> Job:
    path = FIXTURES / f"{name}.py"
    return Job(key=name, snippet=f"snippets/{name}.py", path=str(path), root=str(FIXTURES),
               timeout=30, **fields)


def test_state_a_snippet_changes_does_not_leak_into_the_next():
    torch = pytest.importorskip("torch")
    cwd, path, argv = os.getcwd(), sys.path[:], sys.argv[:]
    leak = execute(job_for("leaks_state"), ENVIRONMENT)
    assert leak.status == STATUS_OK and leak.output == "torch.float64\n"
    assert (os.getcwd(), sys.path, sys.argv) == (cwd, path, argv)
    assert "CUECAST_LEAK" not in os.environ
    assert torch.get_default_dtype() == torch.float32 and torch.is_grad_enabled()
    check = execute(job_for("checks_state"), ENVIRONMENT)
    assert check.output == "torch.float32 True\nNone False\n__main__ True\n"


def test_streams_are_restored_after_an_error():
    stdout, stderr, stdin = sys.stdout, sys.stderr, sys.stdin
    failed = execute(job_for("raises"), ENVIRONMENT)
    assert failed.status == STATUS_ERROR and failed.key == "raises"
    assert (sys.stdout, sys.stderr, sys.stdin) == (stdout, stderr, stdin)


def test_what_a_daemon_thread_prints_after_the_end_is_not_captured(monkeypatch):
    """Issue 27: as with ``python FILE``, whose daemon threads stop when the
    file ends; the line was captured or not depending on the machine's load.
    The thread is let go just after the end (when the output capture is
    closed), the moment a slow machine would have given it."""
    import threading
    import types

    from cuecast.runner.fdcapture import DescriptorCapture

    ended, printed = threading.Event(), threading.Event()
    monkeypatch.setitem(sys.modules, "cuecast_test_end", types.SimpleNamespace(ended=ended, printed=printed))

    class LetGoAtTheEnd(DescriptorCapture):
        def __exit__(self, *exc):
            ended.set()
            assert printed.wait(10)  # the daemon thread has printed, still inside the capture
            return super().__exit__(*exc)

    capture = execute(job_for("late_daemon"), ENVIRONMENT, capture=LetGoAtTheEnd)
    assert printed.is_set()
    assert capture.status == STATUS_OK and capture.output == "main done\n"


def test_diagram_without_a_loss_is_reported():
    drawn = execute(job_for("interleaved", diagram="autograd"), ENVIRONMENT)
    assert drawn.status == STATUS_ERROR and drawn.exception.type == "DiagramError"
    assert "no tensor named 'loss'" in drawn.exception.message


# --- the output recorder -----------------------------------------------------


def test_recorder_merges_runs_and_keeps_order():
    recorder = OutputRecorder(100)
    for stream, text in [("stdout", "a"), ("stdout", "b"), ("stderr", "c"), ("stdout", "d")]:
        recorder.write(stream, text)
    assert recorder.chunks() == (("stdout", "ab"), ("stderr", "c"), ("stdout", "d"))
    assert not recorder.truncated


def test_recorder_cuts_at_the_byte_cap_and_drops_the_rest():
    recorder = OutputRecorder(10)
    recorder.write("stdout", "12345678")
    recorder.write("stdout", "é" * 5)  # 10 bytes: only one fits
    recorder.write("stderr", "dropped")
    text = "".join(t for _, t in recorder.chunks())
    assert recorder.truncated
    assert text == "12345678é\n" + truncation_note(10) + "\n"
    assert truncation_note(10) == "… output truncated after 10 bytes"


def test_a_sealed_recorder_keeps_what_it_had_and_drops_later_writes():
    teed = []
    recorder = OutputRecorder(100, tee=lambda stream, text: teed.append(text))
    recorder.write("stdout", "before\n")
    recorder.seal()
    recorder.write("stdout", "after\n")
    recorder.write("stderr", "after\n")
    assert recorder.chunks() == (("stdout", "before\n"),) and teed == ["before\n"]


def test_tee_frames_read_back_in_order_even_when_cut_short():
    frames = []
    recorder = OutputRecorder(100, tee=lambda stream, text: frames.append(tee_frame(stream, text)))
    for stream, text in [("stdout", "a"), ("stdout", "é"), ("stderr", "c\n")]:
        recorder.write(stream, text)
    blob = b"".join(frames)
    assert read_tee(blob) == recorder.chunks() == (("stdout", "aé"), ("stderr", "c\n"))
    assert read_tee(blob[:-1]) == (("stdout", "aé"), ("stderr", "c"))
