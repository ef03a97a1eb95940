"""A build killed outright (SIGKILL to its process group: no handler runs) in
each of its stages, then a build that succeeds, leaves no temp file behind
(``.part`` files, ``.video-*`` work folders, the snippet workers' temp
folders), and outputs that are whole and current.

To kill *inside* a stage every time rather than by luck, the killed build
runs the real CLI with one change: ``os.replace`` stalls, before renaming
the stage's output into place, until the test kills it.  That is a moment
the stage really passes through (its temp file written, the rename not yet
done), so what is left is what a kill there leaves; the build after it is
the plain CLI."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.frames import frame_count
from tests.faults.test_interrupt import BUILD_ARGS, alive, assert_whole, built, children, outputs  # noqa: F401
from tests.faults.test_rebuild import STAGES, build, copy_project, decodes_whole

#: The file whose rename each stage is stopped before: a snippet's capture,
#: the deck, the cue sheet, a video clip entering the clip cache (its sum is
#: written, the clip not yet renamed in), the notebook, the review page.
STALL_ON = {
    "check": r"[0-9a-f]{64}\.json",
    "slides": r"slides\.pptx",
    "timeline": r"cues\.json",
    "video": r"[0-9a-f]{32}\.mp4",
    "notebook": r"code\.ipynb",
    "review": r"index\.html",
}

STALLING_CLI = r"""
import os, re, sys, time
pattern = re.compile(os.environ["CUECAST_TEST_STALL_ON"])
rename = os.replace
def replace(src, dst, *args, **kwargs):
    if pattern.fullmatch(os.path.basename(os.fsdecode(dst))):
        print(f"STALLED before renaming {os.fsdecode(dst)}", flush=True)
        time.sleep(600)
    return rename(src, dst, *args, **kwargs)
os.replace = replace
from cuecast.cli import main
sys.argv[0] = "render"
sys.exit(main())
"""


def temp_files(project: Path, pids: set[int]) -> list[Path]:
    """What a build leaves only when it is killed: temp files under build/,
    video work folders, and the system temp folders of its processes."""
    build_dir = project / "build"
    found = [p for p in build_dir.rglob("*") if p.name.endswith(".part")]
    found += [p for p in build_dir.rglob(".video-*") if p.name != ".video-cache"]
    found += [p for p in Path(tempfile.gettempdir()).glob("cuecast-*-*")
              if (m := re.match(r"cuecast-(?:workers|snippet)-(\d+)-", p.name)) and int(m[1]) in pids]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("stage", STAGES)
def test_a_build_killed_in_any_stage_is_followed_by_a_clean_whole_build(built, tmp_path, stage):
    project = copy_project(built, tmp_path / "tiny")
    before = outputs(project)
    snippet = project / "snippets" / "shapes.py"  # every stage has work: a new capture, slide, clip, cell
    snippet.write_text(snippet.read_text().replace('"shape:"', '"its shape:"'))
    log = tmp_path / "killed.log"
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1", PYTHONUNBUFFERED="1", CUECAST_TEST_STALL_ON=STALL_ON[stage])
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", STALLING_CLI, *BUILD_ARGS], cwd=project, stdout=out,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + 180
    while "STALLED" not in log.read_text(errors="replace"):
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    text = log.read_text(errors="replace")
    done = re.findall(r"^tiny: (\w+) (?:built|skipped|failed)", text, re.M)
    assert done == list(STAGES[:STAGES.index(stage)]), text  # stopped inside the stage, not after it
    pids = children(proc.pid) | {proc.pid}
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:  # workers die with their parent
        time.sleep(0.1)
    assert not [pid for pid in pids if alive(pid)], "a process of the killed build outlived it"
    left = temp_files(project, pids)
    assert any(p.name.endswith(".part") for p in left), left  # the stalled rename's temp file, at least

    did = build(project)
    assert did[stage] == "built", did  # the killed stage was not recorded as done
    assert temp_files(project, pids) == []
    assert_whole(project, before)
    folder = project / "build" / "tiny"
    assert b"its shape:" in (folder / "code.ipynb").read_bytes()
    decodes_whole(folder / "video.mp4")
    assert frame_count(folder / "video.mp4") > 0
    for media in folder.glob("media/*.mp4"):
        decodes_whole(media)
    assert set(build(project).values()) == {"skipped"}  # everything on disk is what was recorded
