"""``cuecast.runner.fdcapture``: what is written below Python (raw file
descriptors, child processes) lands in the recorder in its place, within the
recorder's budget, and fds 1 and 2 are the test's own again afterwards."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys

from cuecast.runner.fdcapture import DescriptorCapture, spare_files
from cuecast.runner.streams import OutputRecorder


def same_file(a: int, b: int) -> bool:
    first, second = os.fstat(a), os.fstat(b)
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def test_output_below_python_is_recorded_in_order_with_pythons_own():
    recorder = OutputRecorder(1_000_000)
    before = {fd: os.dup(fd) for fd in (1, 2)}
    try:
        with DescriptorCapture(recorder) as capture:
            os.write(1, b"raw stdout\n")
            capture.drain()
            recorder.write("stdout", "a print\n")
            subprocess.run([sys.executable, "-c", "import sys; print('child out'); print('child err', file=sys.stderr)"],
                           check=True)
            os.write(2, "raw stderr é\n".encode())
        for fd, saved in before.items():
            assert same_file(fd, saved)  # restored
    finally:
        for saved in before.values():
            os.close(saved)
    assert recorder.chunks() == (("stdout", "raw stdout\na print\nchild out\n"),
                                 ("stderr", "child err\nraw stderr é\n"))


def test_a_flood_below_python_is_read_only_as_far_as_the_budget():
    recorder = OutputRecorder(100)
    with DescriptorCapture(recorder):
        os.write(1, b"y\n" * 500_000)  # a megabyte, where 100 bytes are kept
    assert recorder.truncated
    text = "".join(text for _, text in recorder.chunks())
    assert text.startswith("y\ny\n") and text.count("y") <= 51


def test_spare_files_are_emptied_and_reset_for_the_next_snippet():
    files = spare_files()
    try:
        os.write(files["stdout"], b"what the last snippet left\n")
        fcntl.fcntl(files["stdout"], fcntl.F_SETFL, os.O_APPEND)  # set through fd 1 by the last one
        for expected in ("first\n", "second\n"):
            recorder = OutputRecorder(1_000_000)
            with DescriptorCapture(recorder, files):
                os.write(1, expected.encode())
            assert recorder.chunks() == (("stdout", expected),)
        assert fcntl.fcntl(files["stdout"], fcntl.F_GETFL) & os.O_APPEND == 0
        os.fstat(files["stdout"])  # still open: the worker's, for its next fork
    finally:
        for fd in files.values():
            os.close(fd)
