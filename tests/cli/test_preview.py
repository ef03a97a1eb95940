"""``render preview`` as a user runs it, on a project with no lesson yet (no
snippet to run, so it is quick): it serves on loopback, says the script
error, keeps serving until ``--stop-after`` or until the process that started
it is gone, and a port in use is a usage error saying what to do.  The page
following saves, and stopping mid-encode, are tested end to end in
tests/preview/test_preview.py."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request

from tests.support.cli import run_render
from tests.support.paths import RENDER
from tests.support.ports import free_port
from tests.support.processes import alive
from tests.support.stopping import under_a_parent


def empty_project(tmp_path):
    (tmp_path / "script").mkdir()
    return tmp_path


def test_a_project_without_lessons_is_served_with_its_error_until_stop_after(tmp_path):
    project = empty_project(tmp_path)
    server = subprocess.Popen([sys.executable, str(RENDER), "preview", "--port", "0", "--stop-after", "2"],
                              cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first, watching = server.stdout.readline(), server.stdout.readline()
        url = re.fullmatch(r"serving (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)\n", first)
        assert url, first
        with urllib.request.urlopen(url.group(1), timeout=10) as response:
            assert response.status == 200
        rest, err = server.stdout.read(), server.stderr.read()
        server.wait(30)
    finally:
        server.kill()
    assert server.returncode == 0
    assert watching == f"watching {project / 'script'}\n" and rest == "preview stopped\n"
    assert "no lesson scripts (*.yaml, *.yml) under script/" in err
    assert "stopping after 2 s (--stop-after)" in err
    assert {p.name for p in project.iterdir()} <= {"build", "script"}  # nothing written outside build/


def test_a_port_in_use_is_a_usage_error_with_a_hint(tmp_path):
    project = empty_project(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_render("preview", "--port", str(port), "--stop-after", "5", cwd=project, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port N" in done.stderr
    assert "serving" not in done.stdout


def test_the_server_stops_when_its_parent_dies(tmp_path):
    project = empty_project(tmp_path)
    port = free_port()
    with under_a_parent(project, "preview", "--port", str(port), "--stop-after", "300") as (parent, child):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the preview never listened")
        parent.kill()
        parent.wait(timeout=10)
        deadline = time.monotonic() + 30
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(child), "the preview outlived its parent"
