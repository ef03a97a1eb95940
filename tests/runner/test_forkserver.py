"""What the forked snippet process no longer does for itself, the worker
does, and each snippet still starts as if it were the first: the seed
whatever the snippet before drew, an empty folder (removed by the worker,
after a timeout too), output files holding only its own output, its own
``weakref.finalize`` callbacks run at exit.  Plus the pure parts of the
worker's huge-page set-up.

The snippets of one test run on one worker (``-j 1``) in the order given,
so each one follows the one that tried to leave something behind.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys

import pytest

from cuecast.model import STATUS_OK, STATUS_TIMEOUT
from cuecast.runner import RunOptions, Runner
from tests.runner.test_run import make_lesson

DRAWS = (
    "import random\nimport numpy\nimport torch\n"
    "print(random.random(), numpy.random.rand(), torch.rand(1).item())\n"
)
RESEEDS = (
    "import random\nimport numpy\nimport torch\n"
    "for _ in range(1000):\n    random.random(); numpy.random.rand(); torch.rand(1)\n"
    "random.seed(9); numpy.random.seed(5); torch.manual_seed(123)\n"
    "print('drew and reseeded')\n"
)


def run(root, snippets: dict[str, str], order: list[str], cues: dict[str, dict] = {}, device: str = "cpu") -> dict:
    """Run ``order`` (names of ``snippets``) on one worker; Captures by name."""
    (root / "snippets").mkdir(exist_ok=True)
    for name, source in snippets.items():
        (root / "snippets" / f"{name}.py").write_text(source)
    lesson = make_lesson(root, [(name, cues.get(name, {})) for name in order], lesson_id="fork")
    with Runner(RunOptions(device=device, jobs=1, use_cache=False)) as runner:
        captures = runner.run_lesson(lesson)
    return {name: captures[f"snippets/{name}.py"] for name in order}


def test_every_snippet_starts_from_the_seed_whatever_the_last_one_drew(tmp_path):
    numpy = pytest.importorskip("numpy")
    torch = pytest.importorskip("torch")
    captures = run(tmp_path, {"draws": DRAWS, "reseeds": RESEEDS, "again": DRAWS}, ["draws", "reseeds", "again"])
    random.seed(0)
    generator = torch.Generator().manual_seed(0)
    expected = f"{random.random()} {numpy.random.RandomState(0).rand()} {torch.rand(1, generator=generator).item()}\n"
    assert captures["draws"].output == expected
    assert captures["again"].output == expected


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


@pytest.mark.skipif(not cuda_available(), reason="needs a CUDA GPU")
def test_the_cuda_generator_starts_from_the_seed_too(tmp_path):
    # the worker queues the CUDA seeding before it forks; the child runs it when it initialises CUDA
    draws = "import torch\nprint(torch.rand(3, device='cuda').tolist())\n"
    moves = "import torch\ntorch.rand(1000, device='cuda')\ntorch.cuda.manual_seed_all(7)\nprint('moved')\n"
    captures = run(tmp_path, {"draws": draws, "moves": moves}, ["draws", "moves"], device="cuda")
    again = run(tmp_path, {}, ["moves", "draws"], device="cuda")
    fresh = subprocess.run([sys.executable, "-c", "import torch\ntorch.manual_seed(0)\n" + draws],
                           capture_output=True, text=True, check=True).stdout
    assert captures["draws"].output == again["draws"].output == fresh


def test_each_snippet_gets_an_empty_folder_that_is_gone_after_it(tmp_path):
    writes = "import os\nprint(os.getcwd())\nopen('left.txt', 'w').write('x')\nos.mkdir('sub')\nos.chmod('.', 0o500)\n"
    looks = "import os\nprint(os.getcwd())\nprint(sorted(os.listdir('.')))\n"
    captures = run(tmp_path, {"writes": writes, "looks": looks}, ["writes", "looks"])
    first = captures["writes"].output.splitlines()[0]
    second, listing = captures["looks"].output.splitlines()
    assert listing == "[]" and first != second
    assert not os.path.exists(first) and not os.path.exists(second)


def test_a_timed_out_snippets_folder_is_removed_too(tmp_path):
    hangs = "import os\nimport time\nprint(os.getcwd(), flush=True)\nopen('big.bin', 'wb').write(b'0' * 1000)\ntime.sleep(60)\n"
    captures = run(tmp_path, {"hangs": hangs}, ["hangs"], {"hangs": {"timeout": 2}})
    assert captures["hangs"].status == STATUS_TIMEOUT
    folder = captures["hangs"].output.splitlines()[0]
    assert re.search(r"cuecast-snippet-", folder) and not os.path.exists(folder)


def test_output_below_python_is_each_snippets_own(tmp_path):
    loud = (
        "import fcntl\nimport os\n"
        "fcntl.fcntl(1, fcntl.F_SETFL, fcntl.fcntl(1, fcntl.F_GETFL) | os.O_APPEND)\n"
        "os.system('echo from A; echo A on stderr 1>&2; seq 1 2000 > /dev/null')\n"
        "os.write(1, b'A' * 5000 + b'\\n')\n"
    )
    quiet = "import os\nos.system('echo from B')\nprint('and python')\n"
    captures = run(tmp_path, {"loud": loud, "quiet": quiet}, ["loud", "quiet"])
    assert captures["loud"].output.startswith("from A\n")
    assert captures["quiet"].status == STATUS_OK
    assert captures["quiet"].streams == (("stdout", "from B\nand python\n"),)


def test_a_snippets_own_finalizers_run_at_exit_and_are_captured(tmp_path):
    finalizes = (
        "import weakref\n\n\nclass Thing:\n    pass\n\n\nthing = Thing()\n"
        "weakref.finalize(thing, print, 'finalized at exit')\nprint('made a thing')\n"
    )
    captures = run(tmp_path, {"finalizes": finalizes}, ["finalizes"])
    assert captures["finalizes"].output == "made a thing\nfinalized at exit\n"
