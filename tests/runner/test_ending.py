"""How a snippet's process ends, and what the report says: a process that
exits early, closes cuecast's pipe, or holds more than ``--memory-limit``
gets a reason naming that; the worker outlives every one of them; where it
cannot fork it runs each snippet in a fresh process and says so once; it
never initialises CUDA itself."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from cuecast.model import STATUS_CRASHED, STATUS_OK, STATUS_TIMEOUT
from cuecast.runner import RunOptions, Runner
from cuecast.runner.ending import ChildEnd, describe_end, size_text
from cuecast.runner.forkserver import fork_problem
from cuecast.runner.reaper import thread_count
from tests.runner.test_run import make_lesson
from tests.support.processes import alive

SNIPPETS = {
    "exits_0": 'import os\n\nprint("leaving early")\nos._exit(0)\nprint("never")\n',
    "closes_fds": 'import os\n\nprint("before closing")\nos.closerange(3, 4096)\nprint("after closing")\n',
    "segfault": 'import ctypes\n\nprint("about to crash")\nctypes.string_at(0)\n',
    "hangs": 'import time\n\nprint("going to sleep", flush=True)\ntime.sleep(60)\n',
    "ok": 'print("still fine")\n',
    "builtins_a": 'import builtins\nbuiltins.helper = 1\nprint("A defined a builtin")\n',
    "builtins_b": 'import builtins\nprint("helper is a builtin:", hasattr(builtins, "helper"))\n',
    # two processes that touch 400 MB each: neither is over the limit alone
    "hogs": (
        "import subprocess\nimport sys\n\nHOG = 'data = b\"x\" * (400 << 20)\\nimport time\\ntime.sleep(60)\\n'\n"
        "hogs = [subprocess.Popen([sys.executable, '-c', HOG]) for _ in range(2)]\n"
        "print('started two hogs', flush=True)\nfor hog in hogs:\n    hog.wait()\n"
    ),
}


@pytest.fixture(scope="module")
def ending_snippets(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("endings")
    (root / "snippets").mkdir()
    for name, code in SNIPPETS.items():
        (root / "snippets" / f"{name}.py").write_text(code)
    return root


def run(project: Path, entries, **options):
    settings = dict(device="cpu", jobs=1, use_cache=False, timeout=30)
    settings.update(options)
    with Runner(RunOptions(**settings)) as runner:
        captures = runner.run_lesson(make_lesson(project, entries, lesson_id="endings"))
        return captures, list(runner.pool.workers), list(runner.pool.notices)


@pytest.fixture(scope="module")
def ended(ending_snippets):
    """One worker through every way a snippet can end, then a clean one."""
    return run(ending_snippets, [("exits_0", {}), ("closes_fds", {}), ("segfault", {}), ("hangs", {"timeout": 1.5}),
                         ("ok", {})])


def test_os_exit_0_is_an_early_exit_not_a_crash_with_exit_code_0(ended):
    gone = ended[0]["snippets/exits_0.py"]
    assert gone.status == STATUS_CRASHED
    assert gone.reason == "exited early with status 0"
    assert gone.output == "leaving early\n"


def test_closing_the_pipe_is_named(ended):
    closed = ended[0]["snippets/closes_fds.py"]
    assert closed.status == STATUS_CRASHED
    assert closed.reason.startswith("closed the pipe cuecast gets its result through")
    assert "os.closerange" in closed.reason
    assert closed.output.startswith("before closing\n")  # written to the tee before it was closed


def test_a_segfault_names_the_signal_and_line(ended):
    crashed = ended[0]["snippets/segfault.py"]
    assert crashed.reason == "died with signal SIGSEGV (Segmentation fault) at line 4"
    assert crashed.output == "about to crash\n"


def test_the_worker_outlives_every_ending(ended):
    captures, workers, _ = ended
    assert captures["snippets/hangs.py"].status == STATUS_TIMEOUT
    assert captures["snippets/hangs.py"].reason == "did not finish within 1.5 s (it was at line 4)"
    assert captures["snippets/ok.py"].status == STATUS_OK and captures["snippets/ok.py"].output == "still fine\n"
    assert len(workers) == 1 and workers[0].facts["fork"] and workers[0].facts["subreaper"]


@pytest.mark.slow
def test_processes_over_the_memory_limit_together_are_killed_and_reported(ending_snippets):
    captures, workers, _ = run(ending_snippets, [("hogs", {}), ("ok", {})], memory_limit=800 << 20)
    hogs = captures["snippets/hogs.py"]
    assert hogs.status == STATUS_CRASHED
    assert hogs.reason.startswith("was killed: its processes held ")
    assert hogs.reason.endswith(", over --memory-limit 800M")
    assert hogs.output == "started two hogs\n"
    assert captures["snippets/ok.py"].status == STATUS_OK and len(workers) == 1


def test_where_fork_is_unsafe_each_snippet_gets_a_fresh_process_and_it_is_said_once(ending_snippets, monkeypatch):
    monkeypatch.setenv("CUECAST_FORK", "never")
    captures, workers, notices = run(ending_snippets, [("builtins_a", {}), ("builtins_b", {}), ("exits_0", {})])
    assert captures["snippets/builtins_a.py"].output == "A defined a builtin\n"
    assert captures["snippets/builtins_b.py"].output == "helper is a builtin: False\n"
    assert captures["snippets/exits_0.py"].reason == "exited early with status 0"
    assert notices == ["each snippet runs in a new Python process, which is slower: CUECAST_FORK=never is set"]
    assert len(workers) == 1 and not workers[0].facts["fork"]


def test_the_worker_never_initialises_cuda(ending_snippets):
    # --device auto probes in a forked child; the worker's own torch.cuda stays untouched
    _, workers, _ = run(ending_snippets, [("ok", {})], device="auto")
    assert workers[0].facts["cuda_initialized"] is False and workers[0].facts["fork"]


def test_fork_problem_names_threads_and_the_override(monkeypatch):
    assert fork_problem(thread_count()) is None or threading.active_count() > 1
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert "Python thread" in fork_problem(thread_count())
    finally:
        stop.set()
        thread.join()
    monkeypatch.setenv("CUECAST_FORK", "never")
    assert fork_problem(thread_count()) == "CUECAST_FORK=never is set"


def test_reasons_are_plain_sentences():
    assert describe_end(ChildEnd(exit_code=0), None, None) == "exited early with status 0"
    assert describe_end(ChildEnd(exit_code=3), 7, None) == "exited early with status 3 at line 7"
    assert describe_end(ChildEnd(signal=9), None, None) == "died with signal SIGKILL (Killed)"
    assert describe_end(ChildEnd(signal=6, memory_used=1900 << 20), 2, 2 << 30) == (
        "died with signal SIGABRT (Aborted) at line 2, while its processes held 1900M of --memory-limit 2G")
    assert describe_end(ChildEnd(signal=9, memory_killed=True, memory_used=3 << 30), None, 2 << 30) == (
        "was killed: its processes held 3G, over --memory-limit 2G")
    assert size_text(1500 << 20) == "1500M"
    assert describe_end(ChildEnd(failure="Traceback…\nValueError: bad\n"), None, None) == (
        "could not be run: cuecast's runner failed (ValueError: bad)")


def test_a_worker_that_does_not_answer_a_cancel_is_replaced(ending_snippets, monkeypatch):
    # the worker is stopped (SIGSTOP) while its snippet hangs: the pool's
    # cancel goes unanswered, so after the grace the worker and the snippet's
    # process group are killed, the snippet is a timeout, the next one runs
    import signal

    import cuecast.runner.pool as pool_module
    from cuecast.runner import STARTED

    monkeypatch.setattr(pool_module, "CANCEL_GRACE", 1.0)
    timers = []

    with Runner(RunOptions(device="cpu", jobs=1, use_cache=False, timeout=30)) as runner:
        def freeze_worker(event):
            if event.kind == STARTED and event.snippet == "snippets/hangs.py":
                pid = runner.pool.workers[0].process.pid
                timers.append(threading.Timer(0.5, os.kill, (pid, signal.SIGSTOP)))
                timers[-1].start()

        runner.on_event = freeze_worker
        captures = runner.run_lesson(make_lesson(ending_snippets, [("hangs", {"timeout": 1.5}), ("ok", {})]))
        workers = list(runner.pool.workers)
    for timer in timers:
        timer.join()
    hung = captures["snippets/hangs.py"]
    assert hung.status == STATUS_TIMEOUT and hung.reason.startswith("did not finish within 1.5 s")
    assert hung.output == "going to sleep\n"
    assert captures["snippets/ok.py"].status == STATUS_OK
    assert len(workers) == 2 and workers[0].dead
    assert workers[0].child and not alive(workers[0].child)  # the hung snippet's process went with it
