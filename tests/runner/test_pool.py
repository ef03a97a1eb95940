"""``cuecast.runner.pool``: the pool's own decisions: the environment a
worker starts with, where a dump says a snippet was, and, on one real
worker, running jobs with their callbacks, a timeout that costs only its
snippet, and a close that leaves nothing behind."""

from __future__ import annotations

import os
from pathlib import Path

from cuecast.model import STATUS_OK, STATUS_TIMEOUT
from cuecast.runner.job import Job
from cuecast.runner.options import RunOptions
from cuecast.runner.pool import WorkerPool, cells_of, last_snippet_line, package_root, say_once, worker_environment
from tests.support.processes import alive

DUMP = """\
Thread 0x00007f3c (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 320 in wait
  File "/p/snippets/helper.py", line 4 in slow
  File "/p/snippets/hangs.py", line 9 in step
  File "/p/snippets/hangs.py", line 12 in <module>
"""


def test_the_innermost_line_of_the_snippet_is_taken_from_the_dump():
    assert last_snippet_line(DUMP, "/p/snippets/hangs.py") == 9
    assert last_snippet_line(DUMP, "/p/snippets/other.py") is None


def test_a_worker_gets_the_seed_the_device_and_this_copy_of_cuecast(monkeypatch):
    root = package_root()
    assert root is not None and (Path(root) / "cuecast" / "runner" / "pool.py").is_file()
    base = {"PATH": "/bin", "PYTHONPATH": os.pathsep.join(["/extra", root])}
    cpu = worker_environment(RunOptions(device="cpu", seed=7), base)
    assert (cpu["PYTHONHASHSEED"], cpu["CUDA_VISIBLE_DEVICES"], cpu["PYTHONUNBUFFERED"]) == ("7", "", "1")
    assert cpu["PYTHONPATH"] == os.pathsep.join([root, "/extra"])  # first, and once
    assert "CUDA_VISIBLE_DEVICES" not in worker_environment(RunOptions(device="auto"), base)
    assert base["PYTHONPATH"] == os.pathsep.join(["/extra", root])  # the caller's is left as it was


def test_a_notice_is_said_once(capsys):
    say_once("test_pool: a notice said once")
    say_once("test_pool: a notice said once")
    assert capsys.readouterr().err == "warning: test_pool: a notice said once\n"


def test_the_cells_of_a_killed_snippet_are_read_from_its_file(tmp_path):
    cells = tmp_path / "cells.py"
    cells.write_text("# %% First\nx = 1\n# %% Second\nprint(x)\n")
    assert [(cell.title, cell.start, cell.end) for cell in cells_of(str(cells), False)] == [
        ("First", 2, 2), ("Second", 4, 4)]
    regions = tmp_path / "regions.py"
    regions.write_text("# region One\nx = 1\n# endregion\n")
    assert cells_of(str(regions), False) == () and len(cells_of(str(regions), True)) == 1
    assert cells_of(str(tmp_path / "gone.py"), False) == ()


def job_in(folder: Path, name: str, source: str, timeout: float = 30) -> Job:
    path = folder / f"{name}.py"
    path.write_text(source)
    return Job(key=name, snippet=f"snippets/{name}.py", path=str(path), root=str(folder), timeout=timeout)


def test_a_timeout_costs_its_snippet_only_and_close_leaves_nothing(tmp_path):
    jobs = [job_in(tmp_path, "first", "print('first')\n"),
            job_in(tmp_path, "hangs", "import time\nprint('asleep', flush=True)\ntime.sleep(60)\n", timeout=1),
            job_in(tmp_path, "after", "print('after')\n")]
    started, finished = [], []
    with WorkerPool(RunOptions(device="cpu"), size=1) as pool:
        environment = pool.environment()
        results = pool.run(jobs, on_started=lambda job: started.append(job.key),
                           on_finished=lambda job, capture: finished.append(job.key))
        workers = [worker.process.pid for worker in pool.workers]
        logs = Path(pool._logs.name)
    assert environment["device"] == "cpu"
    assert started == finished == ["first", "hangs", "after"]
    assert (results["first"].status, results["first"].output) == (STATUS_OK, "first\n")
    hung = results["hangs"]
    assert hung.status == STATUS_TIMEOUT and hung.reason == "did not finish within 1 s (it was at line 3)"
    assert hung.output == "asleep\n" and hung.exception.line == 3
    assert (results["after"].status, results["after"].output) == (STATUS_OK, "after\n")
    assert len(workers) == 1  # the worker outlived the timeout
    assert not any(alive(pid) for pid in workers) and not logs.exists()
