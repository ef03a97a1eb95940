"""Snippets cannot reach one another: each snippet file runs in a process of
its own (forked from the worker that imported torch), and everything it
started is gone when it ends.

Every case is a pair: snippet A changes something a process holds (a
builtin, a patched module, logging, print options, the recursion limit, torch
flags, a thread, a daemon process) and snippet B would notice.  The pairs run
on one worker (``-j 1``) in both orders, and every snippet must print exactly
what ``python snippets/x.py`` prints.  The daemons (``start_new_session``, a
double fork, a copy of the worker) must be gone as soon as the run returns.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from cuecast.model import STATUS_OK
from cuecast.runner import RunOptions, Runner
from tests.runner.test_run import make_lesson
from tests.support.processes import alive

#: Unique to this test session: processes whose command line names it are ours.
MARKER = f"cuecast-isolation-{uuid.uuid4().hex[:12]}"

#: (snippet that changes something, snippet that would see it).
PAIRS = {
    "builtins": (
        'import builtins\nbuiltins.helper = lambda: "from A"\nprint("A defined a builtin")\n',
        'import builtins\nprint("helper is a builtin:", hasattr(builtins, "helper"))\n',
    ),
    "patch": (
        'import math\nmath.sqrt = lambda x: -1.0\nprint("patched sqrt(4) =", math.sqrt(4))\n',
        'import math\nprint("sqrt(4) =", math.sqrt(4))\n',
    ),
    "logging": (
        'import logging\nlogging.basicConfig(level=logging.INFO, format="A: %(message)s")\nlogging.info("configured")\n',
        'import logging\nlogging.basicConfig(level=logging.INFO, format="B: %(message)s")\nlogging.info("configured")\n',
    ),
    "numpy": (
        'import numpy as np\nnp.set_printoptions(precision=2)\nprint(np.array([1 / 3]))\n',
        'import numpy as np\nprint(np.array([1 / 3]))\n',
    ),
    "recursion": (
        'import sys\nsys.setrecursionlimit(100)\nprint("limit", sys.getrecursionlimit())\n',
        'def depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\n\nprint("depth", depth(500))\n',
    ),
    "torch_flags": (
        "import torch\ntorch.use_deterministic_algorithms(True)\ntorch.autograd.set_detect_anomaly(True)\n"
        'print("deterministic and anomaly mode on")\n',
        "import torch\nprint(torch.are_deterministic_algorithms_enabled(), torch.is_anomaly_enabled())\n",
    ),
    "daemon_thread": (
        # python exits before the thread wakes, so it never prints
        "import threading\nimport time\n\nmessage = \"tick from A's daemon thread\"\n\n\ndef tick():\n"
        "    time.sleep(0.3)\n    print(message)\n\n\n"
        'threading.Thread(target=tick, daemon=True).start()\nprint("A started a daemon thread")\n',
        'import time\ntime.sleep(0.8)\nprint("B slept")\n',
    ),
    "thread": (
        # python waits for a non-daemon thread: its line is A's output
        "import threading\nimport time\n\n\ndef late():\n    time.sleep(0.3)\n"
        "    print(\"A's thread finished\")\n\n\n"
        'threading.Thread(target=late).start()\nprint("A started a thread")\n',
        'import time\ntime.sleep(0.8)\nprint("B slept")\n',
    ),
    "executor": (
        # an executor never shut down: python finishes its work at exit
        "import time\nfrom concurrent.futures import ThreadPoolExecutor\n\n\ndef task():\n    time.sleep(0.3)\n"
        "    print(\"A's task finished\")\n\n\npool = ThreadPoolExecutor(1)\npool.submit(task)\n"
        'print("A submitted a task")\n',
        'import time\ntime.sleep(0.8)\nprint("B slept")\n',
    ),
    "setsid": (
        f"import subprocess\nimport sys\n\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)', "
        f"'{MARKER}'],\n                 start_new_session=True)\nprint('started a daemon')\n",
        # a process may end between listing /proc and reading its cmdline: that one is no daemon of A's
        f"import os\n\n\ndef cmdline(pid):\n    try:\n        with open(f'/proc/{{pid}}/cmdline', 'rb') as f:\n"
        f"            return f.read()\n    except OSError:\n        return b''\n\n\n"
        f"mine = [p for p in os.listdir('/proc') if p.isdigit() and b'{MARKER}' in cmdline(p)]\n"
        f"print('daemons seen:', len(mine))\n",
    ),
    "double_fork": (
        f"import os\nimport sys\n\npid = os.fork()\nif pid == 0:\n    if os.fork() == 0:\n        os.setsid()\n"
        f"        os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(120)', '{MARKER}'])\n"
        f"    os._exit(0)\nos.waitpid(pid, 0)\nprint('double-forked a daemon')\n",
        'print("nothing to see")\n',
    ),
    "worker_copy": (
        # a double fork that never execs: a copy of the process that ran the snippet
        "import os\nimport time\n\nPIDS = {pids!r}\npid = os.fork()\nif pid == 0:\n    if os.fork() == 0:\n"
        "        os.setsid()\n        with open(PIDS, 'a') as handle:\n            handle.write(f'{os.getpid()}\\n')\n"
        "        time.sleep(120)\n        os._exit(0)\n    os._exit(0)\nos.waitpid(pid, 0)\nprint('left a copy behind')\n",
        'print("nothing to see")\n',
    ),
}


def marked_processes() -> list[int]:
    """Live processes whose command line names this session's marker."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if MARKER.encode() in cmdline and alive(int(entry)):
            found.append(int(entry))
    return found


def copies_file(project: Path) -> Path:
    """Where the worker copies write their pids: beside the project, since a
    snippet may not write into its project."""
    return project.parent / f"{project.name}-copies.txt"


def left_copies(pids_file: Path) -> list[int]:
    if not pids_file.exists():
        return []
    return [int(p) for p in pids_file.read_text().split() if alive(int(p))]


def kill_all(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def isolation_snippets(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("isolation")
    (root / "snippets").mkdir()
    pids = copies_file(root)
    for case, (leak, see) in PAIRS.items():
        (root / "snippets" / f"{case}_a.py").write_text(leak.replace("{pids!r}", repr(str(pids))))
        (root / "snippets" / f"{case}_b.py").write_text(see)
    return root


def names() -> list[str]:
    return [f"{case}_{half}" for case in PAIRS for half in "ab"]


@pytest.fixture(scope="module")
def plain(isolation_snippets) -> dict[str, str]:
    """What ``python snippets/x.py`` prints (stdout and stderr as a terminal
    shows them), each run alone; whatever it leaves behind is killed."""
    outputs = {}
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONUNBUFFERED="1", CUDA_VISIBLE_DEVICES="")
    try:
        for name in names():
            # a file, not a pipe: a daemon holding the pipe open would keep python's output unfinished
            with open(isolation_snippets / "plain.out", "w+b") as out:
                subprocess.run([sys.executable, f"snippets/{name}.py"], cwd=isolation_snippets, env=env, timeout=60,
                               stdout=out, stderr=subprocess.STDOUT)
                out.seek(0)
                outputs[name] = out.read().decode()
            kill_all(marked_processes() + left_copies(copies_file(isolation_snippets)))
    finally:
        kill_all(marked_processes() + left_copies(copies_file(isolation_snippets)))
        (copies_file(isolation_snippets)).unlink(missing_ok=True)
    return outputs


def run_in_order(project: Path, order: list[str]):
    lesson = make_lesson(project, [(name, {}) for name in order], lesson_id="isolation")
    try:
        with Runner(RunOptions(device="cpu", jobs=1, use_cache=False, timeout=60)) as runner:
            captures = runner.run_lesson(lesson)
            workers = list(runner.pool.workers)
            # checked while the worker is still up: nothing may wait for it to stop
            left = marked_processes() + left_copies(copies_file(project))
        return captures, workers, left
    finally:
        kill_all(marked_processes() + left_copies(copies_file(project)))


def leak_then_look() -> list[str]:
    return [f"{case}_{half}" for case in PAIRS for half in "ab"]


def look_then_leak() -> list[str]:
    return [f"{case}_{half}" for case in PAIRS for half in "ba"]


@pytest.fixture(scope="module", params=["A then B", "B then A"])
def run(request, isolation_snippets, plain):
    order = leak_then_look() if request.param == "A then B" else look_then_leak()
    return run_in_order(isolation_snippets, order)


def test_the_plain_runs_are_what_the_cases_expect(plain):
    """The reference itself: each B, run alone, sees nothing of its A."""
    assert plain["builtins_b"] == "helper is a builtin: False\n"
    assert plain["patch_b"] == "sqrt(4) = 2.0\n"
    assert plain["logging_b"] == "B: configured\n"
    assert plain["numpy_b"] == "[0.33333333]\n"
    assert plain["recursion_b"] == "depth 500\n"
    assert plain["torch_flags_b"] == "False False\n"
    assert plain["daemon_thread_a"] == "A started a daemon thread\n"
    assert plain["thread_a"] == "A started a thread\nA's thread finished\n"
    assert plain["executor_a"] == "A submitted a task\nA's task finished\n"
    assert plain["setsid_b"] == "daemons seen: 0\n"


@pytest.mark.parametrize("name", names())
def test_each_snippet_prints_what_python_prints(run, plain, name):
    captures, _, _ = run
    capture = captures[f"snippets/{name}.py"]
    assert capture.status == STATUS_OK, (capture.reason, capture.exception)
    assert capture.output == plain[name]


def test_no_process_outlives_its_snippet(run):
    _, _, left = run
    assert left == [], "processes a snippet started outlived it"


def test_one_worker_served_every_snippet(run):
    _, workers, _ = run
    assert len(workers) == 1  # each snippet had a fresh process; torch was imported once
