"""``render build --executor ray`` against a real Ray cluster started here:
a small catalogue built on Ray gives the files a local build gives, a re-run
skips everything, and a Ray worker killed while it runs a snippet is
replaced by Ray's retry without the build noticing.

The cluster is ``ray start --head --block`` with two CPUs (two task workers
at a time), its own temp folder, free ports and its own auth token, started
in a session of its own so that every process it started is stopped at the
end (the test checks that none is left).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from cuecast.video.encode import probe
from tests.support.catalogue_lessons import make_catalogue, outputs
from tests.support.frames import frame_count
from tests.support import paths
from tests.support.processes import alive
from tests.support.cli import run_render
from tests.support.ports import free_port

pytestmark = pytest.mark.slow

RENDER = [sys.executable, str(paths.RENDER)]
SMALL = ["--device", "cpu", "--size", "320x180", "--fps", "10", "--voice", "none"]

def session_processes(sid: int) -> list[int]:
    """Processes whose session is ``sid`` (everything the cluster started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid:
                found.append(int(entry.name))
    return found


#: The temp folder of the cluster now running: its logs explain a refused build.
CLUSTER_FOLDER: list[Path] = []


def ray_said(lines: int = 15) -> str:
    """The last lines of the cluster's client-server logs, for a failure
    message: what Ray Client's proxy and its per-client servers wrote."""
    said = []
    for folder in CLUSTER_FOLDER:
        for log in sorted(folder.glob("session_latest/logs/ray_client_server*.err")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            said.append(f"--- {log.name}\n" + "\n".join(tail))
    return "\n".join(said)


@pytest.fixture(scope="module")
def cluster():
    """``(addresses, env)``: a two-CPU Ray cluster on this machine, its
    ``--executor`` values (``driver``: connect as a driver on this node;
    ``client``: through Ray Client, ``ray://``), and the environment that
    carries its auth token."""
    folder = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))  # Ray's socket paths must stay short
    # the token in the environment: Ray Client's per-client server is given it only that way
    env = dict(os.environ, RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(32), RAY_USAGE_STATS_ENABLED="0")
    env.pop("RAY_AUTH_TOKEN_PATH", None)
    port, client_port = free_port(), free_port()
    command = ["ray", "start", "--head", "--block", "--num-cpus=2", "--num-gpus=0", "--node-ip-address=127.0.0.1",
               f"--port={port}", f"--ray-client-server-port={client_port}", "--include-dashboard=false",
               f"--dashboard-agent-listen-port={free_port()}", "--object-store-memory=100000000",
               "--disable-usage-stats", f"--temp-dir={folder}"]
    ray_cli = Path(sys.executable).with_name("ray")
    command[0] = str(ray_cli) if ray_cli.exists() else shutil.which("ray")
    log = open(folder / "start.log", "wb")
    head = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    addresses = {"driver": f"ray:127.0.0.1:{port}", "client": f"ray://127.0.0.1:{client_port}"}
    CLUSTER_FOLDER[:] = [folder]
    try:
        deadline = time.monotonic() + 90
        while b"This command will now block" not in (folder / "start.log").read_bytes():
            assert head.poll() is None, (folder / "start.log").read_text()
            assert time.monotonic() < deadline, "ray start did not come up in 90 s"
            time.sleep(0.5)
        yield addresses, env
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 20
        while session_processes(head.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        if session_processes(head.pid):
            os.killpg(head.pid, signal.SIGKILL)
        head.wait(timeout=10)
        deadline = time.monotonic() + 10  # killed ones are reaped by init, a moment later
        while session_processes(head.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        log.close()
        CLUSTER_FOLDER.clear()
        shutil.rmtree(folder, ignore_errors=True)
        assert not session_processes(head.pid), "Ray processes were left running"


def without_durations(text: str) -> str:
    text = re.sub(r'"duration": [0-9.e-]+', '"duration": _', text)
    return re.sub(r'"digest": "[0-9a-f]+"}$', '"digest": _}', text)  # a hash over the duration too


def captures(project: Path) -> dict[str, str]:
    """The capture cache entries (what each snippet printed, its status,
    device and versions), each with its running time blanked: the only part
    two runs of a snippet may differ in."""
    folder = project / "build" / ".cache" / "captures"
    return {p.name: without_durations(p.read_text()) for p in sorted(folder.rglob("*.json"))}


def ran(result: subprocess.CompletedProcess) -> list[str]:
    return sorted(re.findall(r"^(\S+): ran (\S+) ", result.stderr, flags=re.M))


def test_a_ray_build_gives_the_files_of_a_local_build(tmp_path, cluster):
    addresses, env = cluster
    project = make_catalogue(tmp_path / "project")
    on_ray = ["build", *SMALL, "--executor", addresses["client"]]
    snippets = sorted([(f"lesson-{n}", f"snippets/{kind}_{n}.py") for n in (1, 2, 3) for kind in ("make", "wrong")]
                      + [("lesson-1", "snippets/cells.py")])

    local = run_render("build", *SMALL, "-j", "2", cwd=project, timeout=600)
    assert local.returncode == 0, local.stderr
    assert ran(local) == snippets
    local_files, local_captures = outputs(project), captures(project)
    shutil.rmtree(project / "build")

    # every snippet, slide and segment made by Ray tasks
    remote = run_render(*on_ray, env=env, cwd=project, timeout=600)
    assert remote.returncode == 0, remote.stderr + ray_said()
    assert ran(remote) == snippets
    ray_files = outputs(project)
    assert captures(project) == local_captures  # the same captures but for their running time
    assert sorted(ray_files) == sorted(local_files)
    assert len([name for name in ray_files if name.endswith(".png")]) >= 3 * 6
    # the deck is a function of what the snippets printed, never of where or how fast they ran:
    # a fresh local build and the Ray build give the same slides.pptx and slide images, byte for byte
    deck = [name for name in local_files if name.endswith((".png", "/slides.pptx"))]
    assert len([name for name in deck if name.endswith("/slides.pptx")]) == 3
    assert [name for name in deck if local_files[name] != ray_files[name]] == []

    # the same captures drawn here: every file the same, byte for byte, but the video
    for lesson in ("lesson-1", "lesson-2", "lesson-3"):
        shutil.rmtree(project / "build" / lesson)
    again = run_render("build", *SMALL, "-j", "2", cwd=project, timeout=600)
    assert again.returncode == 0, again.stderr + ray_said()
    assert ran(again) == []  # captures from the cache the Ray build filled
    here = outputs(project)
    different = [name for name in here if here[name] != ray_files[name] and not name.endswith(".mp4")]
    assert different == []
    for lesson in ("lesson-1", "lesson-2", "lesson-3"):  # the video: its clips encoded by Ray, equivalent
        video = project / "build" / lesson / "video.mp4"
        ray_video = tmp_path / f"{lesson}.mp4"
        ray_video.write_bytes(ray_files[f"{lesson}/video.mp4"])
        assert probe(ray_video) == probe(video)
        assert frame_count(ray_video) == frame_count(video) > 0

    # nothing changed: a Ray build skips every stage and runs nothing
    rerun = run_render(*on_ray, env=env, cwd=project, timeout=600)
    assert rerun.returncode == 0, rerun.stderr + ray_said()
    assert ran(rerun) == []
    statuses = re.findall(r"^│ lesson-\d\s+│ (\w+)\s+│ (\w+)", rerun.stdout, flags=re.M)
    assert len(statuses) == 3 * 6 and {status for _, status in statuses} == {"skipped"}, rerun.stdout


KILLED = """\
import os, pathlib, time
marks = pathlib.Path({marks!r})
fork_server = os.getppid()
with open(f"/proc/{{fork_server}}/stat") as stat:
    ray_worker = int(stat.read().rsplit(")", 1)[1].split()[1])
attempt = len(list(marks.glob("attempt-*"))) + 1
(marks / f"attempt-{{attempt}}").write_text(f"{{ray_worker}} {{os.getpid()}}")
if attempt == 1:
    time.sleep(50)  # killed before it wakes
print("done on attempt", attempt)
"""


def test_a_ray_worker_killed_mid_snippet_is_retried(tmp_path, cluster):
    addresses, env = cluster
    project = make_catalogue(tmp_path / "project", lessons=1)
    marks = tmp_path / "marks"
    marks.mkdir()
    (project / "snippets" / "make_1.py").write_text(KILLED.format(marks=str(marks)))

    build = subprocess.Popen([*RENDER, "build", *SMALL, "--only", "check,slides,notebook",
                              "--executor", addresses["driver"]],
                             cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = marks / "attempt-1"
        deadline = time.monotonic() + 120
        while not first.exists() or not first.read_text():
            assert build.poll() is None, build.communicate()
            assert time.monotonic() < deadline, "the snippet never started"
            time.sleep(0.2)
        worker, snippet_process = map(int, first.read_text().split())
        assert Path(f"/proc/{worker}/cmdline").read_bytes().startswith(b"ray::"), "not a Ray worker"
        os.kill(worker, signal.SIGKILL)
        out, err = build.communicate(timeout=300)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 0, err + ray_said()
    retried, again = map(int, (marks / "attempt-2").read_text().split())
    assert retried != worker
    assert not (marks / "attempt-3").exists()
    notebook = json.loads((project / "build" / "lesson-1" / "code.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) for cell in notebook["cells"] for o in cell.get("outputs", []))
    assert "done on attempt 2" in printed
    # the killed worker's snippet goes with it (its fork server sees the worker die, a moment later)
    deadline = time.monotonic() + 20
    while alive(snippet_process) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(snippet_process)


def test_ray_stays_optional(tmp_path):
    """A local build never imports Ray; without Ray, ``--executor ray`` says
    how to install it (exit 2) and touches no output."""
    project = make_catalogue(tmp_path / "project", lessons=1)
    without_ray = ("import sys; sys.modules['ray'] = None\n"  # `import ray` raises ImportError
                   "from cuecast.cli import main\nsys.argv = ['render'] + sys.argv[1:]\nmain()\n")
    local = subprocess.run([sys.executable, "-c", without_ray, "build", *SMALL, "--only", "check,slides,review"],
                           cwd=project, capture_output=True, text=True)
    assert local.returncode == 0, local.stderr
    before = outputs(project)
    asked = subprocess.run([sys.executable, "-c", without_ray, "build", *SMALL, "--no-cache", "--executor", "ray"],
                           cwd=project, capture_output=True, text=True)
    assert asked.returncode == 2, asked.stderr
    assert "--executor ray needs Ray" in asked.stderr and "pip install cuecast[ray]" in asked.stderr
    assert outputs(project) == before
    unknown = run_render("build", "--executor", "dask", cwd=project, timeout=600)
    assert unknown.returncode == 2 and "unknown executor 'dask'" in unknown.stderr


def test_ray_started_on_demand_builds_and_stops(tmp_path):
    """``--executor ray`` with no cluster: a Ray of its own, gone afterwards.
    Eight lessons: 17 snippet files, sent two to a task."""
    project = make_catalogue(tmp_path / "project", lessons=8)
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", RAY_TMPDIR=tempfile.mkdtemp(prefix="ray", dir="/tmp"))
    result = run_render("build", *SMALL, "--only", "check,slides", "-j", "2", "--executor", "ray", env=env,
                        cwd=project, timeout=600)
    assert result.returncode == 0, result.stderr
    assert ran(result) == sorted([(f"lesson-{n}", f"snippets/{kind}_{n}.py") for n in range(1, 9)
                                  for kind in ("make", "wrong")] + [("lesson-1", "snippets/cells.py")])
    assert "failed" not in result.stderr
    assert all((project / "build" / f"lesson-{n}" / "slides.pptx").is_file() for n in range(1, 9))
    assert list((Path(env["RAY_TMPDIR"]) / "ray").glob("session_2*")), "Ray did not run from its own folder"
    deadline = time.monotonic() + 20
    while _processes_using(env["RAY_TMPDIR"]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _processes_using(env["RAY_TMPDIR"]) == []
    shutil.rmtree(env["RAY_TMPDIR"], ignore_errors=True)


def _processes_using(folder: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if folder.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


SLOW = """\
import os, pathlib, time
pathlib.Path({mark!r}).write_text(str(os.getpid()))
time.sleep(50)
"""


def test_ctrl_c_cancels_the_ray_tasks_and_leaves_the_outputs_as_they_were(tmp_path, cluster):
    addresses, env = cluster
    project = make_catalogue(tmp_path / "project", lessons=2)
    on_ray = [*RENDER, "build", *SMALL, "--only", "check,slides,notebook,review", "--executor", addresses["driver"]]
    first = subprocess.run(on_ray, cwd=project, capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stderr + ray_said()
    before = outputs(project)

    mark = tmp_path / "running"
    (project / "snippets" / "make_2.py").write_text(SLOW.format(mark=str(mark)))
    build = subprocess.Popen(on_ray, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        while not mark.exists() or not mark.read_text():
            assert build.poll() is None, build.communicate()
            assert time.monotonic() < deadline, "the snippet never started"
            time.sleep(0.2)
        snippet = int(mark.read_text())
        build.send_signal(signal.SIGINT)
        _, err = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 130, err
    assert "Interrupted; previous outputs are left as they were." in err
    deadline = time.monotonic() + 20
    while Path(f"/proc/{snippet}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{snippet}").exists(), "the cancelled task's snippet is still running"
    assert outputs(project) == before
    assert not list((project / "build").rglob("*.part"))
