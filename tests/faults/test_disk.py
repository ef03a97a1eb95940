"""Running out of disk while the video is written: the build says so in
words, exits 1, leaves the previous video (and every other output) whole,
and the next build with space succeeds.  Two ways to run out: a real full
filesystem (a tiny tmpfs, when the tests may mount one) and a file-size
limit (RLIMIT_FSIZE, anywhere)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.faults.test_interrupt import BUILD_ARGS, TINY, assert_whole, outputs
from tests.support.cli import run_render

BIGGER = ["--size", "640x360"]  # only the video stage depends on the size


def build_then_starve(project: Path, starve, preexec=None) -> subprocess.CompletedProcess:
    shutil.copytree(TINY, project, ignore=shutil.ignore_patterns("build"))
    first = run_render(*BUILD_ARGS, cwd=project)
    assert first.returncode == 0, first.stderr
    before = outputs(project)
    starve()
    result = run_render(*BUILD_ARGS, *BIGGER, preexec_fn=preexec, cwd=project)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert_whole(project, before)
    assert outputs(project)["video.mp4"] == before["video.mp4"]
    assert "previous outputs are left as they were" in result.stderr
    return result


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_full_disk_while_writing_the_video_keeps_the_previous_video(tiny_disk):
    project = tiny_disk / "tiny"
    filler = tiny_disk / "filler"

    def fill():
        st = os.statvfs(tiny_disk)
        with open(filler, "wb") as handle:
            handle.write(b"\0" * max(0, st.f_bavail * st.f_frsize - 60_000))

    result = build_then_starve(project, fill)
    assert "no space left on device while writing the video of lesson tiny" in result.stderr
    filler.unlink()
    again = run_render(*BUILD_ARGS, *BIGGER, cwd=project)
    assert again.returncode == 0, again.stderr
    assert "tiny: video built" in again.stdout + again.stderr


def _limit_file_size():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))


@pytest.mark.slow
def test_file_size_limit_while_writing_the_video_keeps_the_previous_video(tmp_path):
    project = tmp_path / "tiny"
    result = build_then_starve(project, lambda: None, preexec=_limit_file_size)
    assert "file size limit exceeded while writing the video of lesson tiny" in result.stderr
    again = run_render(*BUILD_ARGS, *BIGGER, cwd=project)
    assert again.returncode == 0, again.stderr
