"""Faults around a whole ``render build``: Ctrl-C or SIGTERM at any point
leaves every previous output whole (the old file or a complete new one,
never a torn one), kills the workers and ffmpeg, and the next build
succeeds; a second build of the same project waits for the first."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from cuecast.lock import project_lock
from tests.support.paths import PROJECT, TINY
from tests.support.processes import alive

RENDER = PROJECT / "render.py"
BUILD_ARGS = ["build", "script/tiny.yaml", "--size", "320x180", "--fps", "10", "-j", "1"]


def copy_tiny(dest: Path) -> Path:
    shutil.copytree(TINY, dest, ignore=shutil.ignore_patterns("build"))
    return dest


def start_build(project: Path, *extra: str) -> tuple[subprocess.Popen, Path]:
    log = project / f"build-{time.monotonic_ns()}.log"
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1", PYTHONUNBUFFERED="1")
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, str(RENDER), *BUILD_ARGS, *extra], cwd=project,
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    return proc, log


def wait_for(log: Path, text: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        if proc.poll() is not None:
            raise AssertionError(f"build ended before {text!r}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {text!r} within {timeout} s:\n{log.read_text()}")
        time.sleep(0.05)


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (workers start their own sessions,
    so process groups would miss them)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def outputs(project: Path) -> dict[str, bytes]:
    """Every output file; caches in hidden folders (``.video-cache/``) are not
    outputs: they may be pruned or refilled by any build."""
    build = project / "build" / "tiny"
    files = (p for p in sorted(build.rglob("*")) if p.is_file())
    return {str(p.relative_to(build)): p.read_bytes() for p in files
            if not p.relative_to(build).parts[0].startswith(".") or p.parent == build}


def assert_whole(project: Path, before: dict[str, bytes]) -> None:
    """Every output is the previous one or a complete new one; no temp files."""
    build = project / "build"
    leftovers = [p for p in build.rglob("*") if p.name.endswith(".part")]
    assert not leftovers, leftovers
    now = outputs(project)
    assert set(before) <= set(now), set(before) - set(now)
    for name, data in now.items():
        if before.get(name) == data:
            continue
        if name.endswith((".pptx", ".docx")):
            assert zipfile.ZipFile(project / "build" / "tiny" / name).testzip() is None
        elif name.endswith((".json", ".ipynb", ".otio")):
            json.loads(data)
        elif name.endswith(".mp4"):
            assert b"ftyp" in data[:16] and b"moov" in data
        elif name.endswith(".png"):
            assert data.startswith(b"\x89PNG") and data.rstrip().endswith(b"IEND\xaeB`\x82")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The tiny lesson built once; each test works on a copy."""
    project = copy_tiny(tmp_path_factory.mktemp("built") / "tiny")
    proc, log = start_build(project)
    assert proc.wait(timeout=300) == 0, log.read_text()
    return project


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("point", ["snippets", "slides", "video"])
def test_interrupted_build_keeps_previous_outputs_and_next_build_succeeds(built, tmp_path, sig, point):
    project = tmp_path / "tiny"
    shutil.copytree(built, project, symlinks=True)
    before = outputs(project)
    # An edit that makes every stage rebuild, with a snippet slow enough to be caught running.
    snippet = project / "snippets" / "shapes.py"
    snippet.write_text(snippet.read_text() + "import time\ntime.sleep(3)\nprint('slept')\n")

    proc, log = start_build(project)
    if point == "snippets":
        deadline = time.monotonic() + 60
        while not any("cuecast.runner.worker" in _cmdline(c) for c in children(proc.pid)):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        time.sleep(1.0)
    elif point == "slides":
        wait_for(log, "tiny: check", proc)
    else:
        wait_for(log, "tiny: timeline", proc)
    running = children(proc.pid)
    proc.send_signal(sig)
    code = proc.wait(timeout=60)
    text = log.read_text(errors="replace")
    assert code == 130, text
    assert "Traceback" not in text
    assert "Interrupted; previous outputs are left as they were." in text
    unfinished = {"snippets": "tiny: check", "slides": "tiny: slides", "video": "tiny: video"}[point]
    assert unfinished not in text, "the signal came after the stage it was meant to interrupt"
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in running) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in running if alive(pid)], "workers or ffmpeg outlived the build"
    assert_whole(project, before)

    proc, log = start_build(project)
    assert proc.wait(timeout=300) == 0, log.read_text()
    assert "Traceback" not in log.read_text()
    assert_whole(project, before)
    cues = json.loads((project / "build" / "tiny" / "cues.json").read_text())
    assert cues  # the timeline the video was built from is readable
    # everything now current: a third build skips every stage
    proc, log = start_build(project)
    assert proc.wait(timeout=300) == 0
    assert " built " not in log.read_text().replace("│", " ")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.mark.slow
def test_second_build_waits_for_the_first_and_both_finish(tmp_path):
    project = copy_tiny(tmp_path / "tiny")
    with project_lock(project / "build"):
        proc, log = start_build(project, "--only", "notebook")
        wait_for(log, "another render build is running on this project", proc)
        assert f"(pid {os.getpid()})" in log.read_text()
        time.sleep(0.5)
        assert proc.poll() is None, "the second build did not wait"
        assert not (project / "build" / "tiny" / "code.ipynb").exists()
    assert proc.wait(timeout=300) == 0, log.read_text()
    import nbformat

    notebook = nbformat.read(project / "build" / "tiny" / "code.ipynb", as_version=4)
    assert any("torch.arange(6)" in cell.source for cell in notebook.cells)


def test_lock_is_released_when_its_holder_is_killed(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from cuecast.lock import project_lock\n"
        f"with project_lock(Path({str(tmp_path)!r})):\n    print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    assert (tmp_path / ".lock").read_text().strip() == str(holder.pid)
    waits = []
    holder.kill()
    holder.wait()
    with project_lock(tmp_path, on_wait=waits.append):
        assert (tmp_path / ".lock").read_text().strip() == str(os.getpid())
    assert waits == []


@pytest.mark.slow
def test_a_build_killed_outright_leaves_temp_files_the_next_build_sweeps(built, tmp_path):
    """SIGKILL gives no chance to clean up: the next build removes what the
    killed one left (its work folder and .part files), and nothing else."""
    project = tmp_path / "tiny"
    shutil.copytree(built, project, symlinks=True)
    snippet = project / "snippets" / "shapes.py"
    snippet.write_text(snippet.read_text() + "print('edited')\n")
    proc, log = start_build(project, "--no-cache")
    build = project / "build" / "tiny"

    def work_folders():
        return [p for p in build.glob(".video-*") if p.name != ".video-cache"]

    deadline = time.monotonic() + 180
    while not work_folders():  # the video stage's work folder lives for seconds: no race with a rename
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL) if os.getpgid(proc.pid) == proc.pid else proc.kill()
    proc.wait(timeout=30)
    left = work_folders() + list((project / "build").rglob(".*.part"))
    assert left, "the build was killed before it made a temp file; nothing to sweep"
    proc, log = start_build(project)
    assert proc.wait(timeout=300) == 0, log.read_text()
    assert not work_folders() and not list((project / "build").rglob(".*.part"))
    assert (build / "video.mp4").is_file() and (build / "slides.pptx").is_file()
    assert (build / ".video-cache").is_dir()  # the clip cache is no temp folder
