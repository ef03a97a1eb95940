"""The notebook: valid per nbformat, outputs from the captures, and executing
it with a real kernel (nbclient) gives the same outputs."""

from __future__ import annotations

import re

import nbformat
import pytest

from cuecast.model import Capture, SnippetException
from cuecast.notebook import build_notebook, write_notebook
from cuecast.runner import RunOptions, run_lesson
from cuecast.script import load_lesson
from tests.test_build import TINY

ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def normalise(text: str) -> str:
    return ADDRESS.sub("0x…", ANSI.sub("", text)).rstrip()


def test_streams_keep_their_order_and_errors_become_error_outputs():
    lesson = load_lesson(TINY / "script" / "tiny.yaml")
    capture = Capture(
        snippet="snippets/no_grad.py", status="expected-error", output="a\nb\nc\n",
        streams=(("stdout", "a\n"), ("stdout", "b\n"), ("stderr", "c\n")),
        exception=SnippetException("RuntimeError", "boom", "Traceback …\nRuntimeError: boom\n", 5),
    )
    notebook = build_notebook(lesson, {"snippets/no_grad.py": capture})
    nbformat.validate(notebook)
    cell = next(c for c in notebook.cells if c.cell_type == "code" and "cue" in c.metadata["cuecast"]
                and "no_grad" in c.metadata["cuecast"]["snippet"])
    seed = notebook.cells[notebook.cells.index(cell) - 1]
    assert seed.metadata["tags"] == ["cuecast-seed"] and "manual_seed(0)" in seed.source  # seeded as the run was
    assert [(o.output_type, o.get("name"), o.get("text")) for o in cell.outputs[:2]] == [
        ("stream", "stdout", "a\nb\n"), ("stream", "stderr", "c\n")]
    assert cell.outputs[2].ename == "RuntimeError" and cell.outputs[2].evalue == "boom"
    assert cell.metadata["tags"] == ["raises-exception"]  # the cue expects it: a re-run keeps going
    titles = [c.source.splitlines()[0] for c in notebook.cells if c.cell_type == "markdown"]
    assert titles[:3] == ["# Tiny tensors", "## Tensors", "*Making a tensor and printing its shape.*"]


@pytest.mark.slow
def test_executing_the_notebook_reproduces_the_captured_outputs(tmp_path):
    from nbclient import NotebookClient

    lesson = load_lesson(TINY / "script" / "tiny.yaml")
    captures = run_lesson(lesson, RunOptions(device="cpu", use_cache=False, jobs=1))
    path = write_notebook(build_notebook(lesson, captures), tmp_path / "code.ipynb")
    built = nbformat.read(path, as_version=4)
    executed = nbformat.read(path, as_version=4)
    NotebookClient(executed, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()

    def outputs(nb):
        result = []
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            for out in cell.outputs:
                if out.output_type == "stream":
                    result.append((out.name, normalise(out.text)))
                elif out.output_type == "error":
                    result.append(("error", out.ename, normalise(out.evalue)))
        return result

    assert outputs(built) and outputs(executed) == outputs(built)
