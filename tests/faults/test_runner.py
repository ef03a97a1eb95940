"""Snippets that attack the machine, run through ``render build``: one that
allocates without bound meets ``--memory-limit`` and is reported; one that
forks a swarm of children has every child killed when the run ends."""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

from tests.support.cli import run_render
from tests.support.processes import alive


def project_with(tmp_path: Path, snippet: str, writes: str = "[]") -> Path:
    (tmp_path / "script").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "attack.py").write_text(snippet, encoding="utf-8")
    (tmp_path / "script" / "attack.yaml").write_text(
        "lesson: Attack\nvoice: none\nsections:\n  - title: S\n    beats:\n"
        f"      - show: vscode\n        snippet: snippets/attack.py\n        writes: {writes}\n", encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_unbounded_allocation_is_stopped_by_the_memory_limit_and_reported(tmp_path):
    # bytearray of a large size is calloc'd from fresh pages, so the address
    # space grows to the limit without the machine's memory being touched
    project = project_with(tmp_path, "chunks = []\nwhile True:\n    chunks.append(bytearray(64 << 20))\n")
    result = run_render("build", "script/attack.yaml", "--only", "notebook", "--memory-limit", "1500M", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "error: snippets/attack.py:3: MemoryError" in result.stderr
    assert "Traceback" not in result.stderr
    notebook = nbformat.read(project / "build" / "attack" / "code.ipynb", as_version=4)
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert any(o.get("ename") == "MemoryError" or "MemoryError" in str(o) for o in outputs)


def test_memory_limit_option_reads_sizes_and_refuses_nonsense(tmp_path):
    project = project_with(tmp_path, "print(1)\n")
    result = run_render("build", "script/attack.yaml", "--memory-limit", "lots", cwd=project)
    assert result.returncode == 2
    assert "'lots' is not a size, e.g. 2G or 512M" in result.stderr
    result = run_render("build", "script/attack.yaml", "--memory-limit", "1M", cwd=project)
    assert result.returncode == 2 and "at least 64M" in result.stderr


FORK_SWARM = """\
import os, time
PIDS = {pids!r}
children = []
for attempt in range(10_000):      # a bomb, bounded: at most 100 children
    if len(children) == 100:
        break
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(300)
        os._exit(0)
    children.append(pid)
with open(PIDS, "w") as handle:
    handle.write(" ".join(map(str, children)))
print(len(children), "children")
"""


@pytest.mark.slow
def test_fork_swarm_is_killed_when_the_run_ends(tmp_path):
    pids_file = tmp_path / "pids.txt"
    project = project_with(tmp_path, FORK_SWARM.format(pids=str(pids_file)), writes="[pids.txt]")
    try:
        result = run_render("check", "script/attack.yaml", cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr
        pids = [int(p) for p in pids_file.read_text().split()]
        assert len(pids) == 100
        deadline = time.monotonic() + 10
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in pids if alive(p)], "children of a snippet outlived the run"
    finally:
        for pid in (int(p) for p in pids_file.read_text().split()) if pids_file.exists() else ():
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass


def test_check_takes_the_memory_limit_too(tmp_path):
    project = project_with(tmp_path, "chunks = []\nwhile True:\n    chunks.append(bytearray(64 << 20))\n")
    result = run_render("check", "script/attack.yaml", "--memory-limit", "1500M", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "MemoryError" in result.stdout + result.stderr
    assert run_render("check", "script/attack.yaml", "--memory-limit", "lots", cwd=project).returncode == 2
