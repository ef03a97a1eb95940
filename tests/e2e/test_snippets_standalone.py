"""Every course snippet runs on its own as ``python snippets/NAME.py``.

The course promises that a viewer can copy any snippet and run it.  So each
file runs here in a fresh interpreter, from an empty working folder and with
no stdin, and its output is checked for what the lesson talks about and for
fitting the terminal box on a slide (≤ 20 lines, ≤ 80 columns, no memory
addresses that would change between runs).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Callable, Optional

import pytest

from cuecast.check.golden import find_close
from cuecast.snippet_source import find_region, shown_numbered_lines
from tests.support.paths import PROJECT

SNIPPETS = PROJECT / "snippets"

MAX_OUTPUT_LINES = 20
MAX_COLUMNS = 80
#: What a slide shows of one snippet: the ``main`` region, or the whole file.
MAX_SHOWN_LINES = 25


def _losses_decrease(output: str) -> None:
    losses = [float(v) for v in re.findall(r"loss (\d+\.\d+)", output)]
    assert len(losses) >= 2, output
    assert losses == sorted(losses, reverse=True) and losses[-1] < losses[0]


def _other_tensor_not_listed(output: str) -> None:
    lines = output.splitlines()
    start = lines.index("parameters:") + 1
    listing = [line for line in lines[start:] if line.startswith("  ")]
    names = [line.split()[0] for line in listing]
    assert names == ["scale", "linear.weight", "linear.bias"], listing
    assert not any("other_tensor" in line for line in listing)


def _grad_fn_names_only(output: str) -> None:
    # leaves have no grad_fn; results of ops show their backward class
    assert "a (leaf, requires_grad=True):  None True" in output
    assert "b (leaf, requires_grad=False): None True" in output
    assert "object at" not in output


#: snippet name -> (strings its output must contain, numbers within the golden
#: comparer's tolerance, an extra check or None)
EXPECTED: dict[str, tuple[tuple[str, ...], Optional[Callable[[str], None]]]] = {
    "casting": (
        ("torch.float32 [1.75, -2.5, 3.25]", "torch.float64", "torch.float16",
         "torch.int32 [1, -2, 3]", "torch.int64 [1, -2, 3]",
         ".float():  torch.float32 [1.0, -2.0, 3.0]"),
        None,
    ),
    "device": (
        ("CUDA available:", "MPS available:", "using device:", "x moved to:"),
        None,
    ),
    "autograd_tape": (
        ("loss: tensor(12.2500, grad_fn=<PowBackward0>)", "  AddBackward0",
         "    MulBackward0", "AccumulateGrad (w)", "AccumulateGrad (b)"),
        None,
    ),
    "requires_grad": (
        ("tensor([1., 2., 3.], requires_grad=True)",
         "sum: tensor(21., grad_fn=<SumBackward0>)", "sum requires grad: True",
         "requires grad: False"),
        None,
    ),
    "backward": (
        ("w.grad: [-3.0, -9.0]", "analytic w: [-3.0, -9.0]", "b.grad: -3.0",
         "analytic b: -3.0"),
        None,
    ),
    "grad_fn": (
        ("AddBackward0 False", "MulBackward0 False", "MeanBackward0 False"),
        _grad_fn_names_only,
    ),
    "torch_functions": (
        ("[[0, 1, 2], [3, 4, 5]]", "tensor([0.4963, 0.7682, 0.0885])",
         "torch.Size([4, 3])", "[[3.0], [12.0]]", "2.5 15.0 5.0",
         "[[-1, -1, -1], [3, 4, 5]]", "[[1, 1, 2], [3, 4, 4]]"),
        None,
    ),
    "layers": (
        ("Linear is an nn.Module: True", "Conv2d is an nn.Module: True",
         "ReLU is an nn.Module: True", "Sequential(", "(1): ReLU()",
         "output shape: torch.Size([5, 2])"),
        None,
    ),
    "nn_vs_functional": (
        ("with torch.nn:", "with torch.nn.functional:", "equal: True"),
        None,
    ),
    "softmax": (
        ("[[0.0900, 0.2447, 0.6652]", "equal: True",
         "parameters of nn.Softmax: []"),
        None,
    ),
    "linear_regression": (
        ("LinearRegression(",
         "(linear): Linear(in_features=1, out_features=1, bias=True)",
         "prediction at x=2: 6.97"),
        _losses_decrease,
    ),
    "parameters": (
        ("linear.weight", "'other_tensor' is a parameter: False"),
        _other_tensor_not_listed,
    ),
    "forward": (
        ("input shape:  torch.Size([64, 15])",
         "output shape: torch.Size([64, 3])"),
        None,
    ),
}


def test_every_snippet_has_expectations() -> None:
    assert sorted(p.stem for p in SNIPPETS.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_snippet_runs_standalone(name: str, tmp_path: Path) -> None:
    path = SNIPPETS / f"{name}.py"
    source = path.read_text(encoding="utf-8")

    wide = [n for n, line in enumerate(source.splitlines(), 1) if len(line) > MAX_COLUMNS]
    assert not wide, f"{path.name}: lines wider than {MAX_COLUMNS} columns: {wide}"
    region = find_region(source, "main")
    shown = shown_numbered_lines(source, region)
    assert len(shown) <= MAX_SHOWN_LINES, f"{path.name} shows {len(shown)} lines"

    run = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", run.stderr  # e.g. a NumPy warning would show on the slide
    output = run.stdout
    lines = output.splitlines()
    assert lines, f"{path.name} printed nothing"
    assert len(lines) <= MAX_OUTPUT_LINES, output
    assert all(len(line) <= MAX_COLUMNS for line in lines), output
    assert "0x" not in output, output

    strings, check = EXPECTED[name]
    # numbers as numbers: how a value rounds in print differs between CPUs
    missing = [s for s in strings if find_close(output, s) is None]
    assert not missing, f"{path.name} output lacks {missing}:\n{output}"
    if check is not None:
        check(output)
    assert list(tmp_path.iterdir()) == [], "snippets must not write files"
