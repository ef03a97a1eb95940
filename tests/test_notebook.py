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
from tests.support.paths import PROJECT
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
    assert seed.metadata["tags"] == ["cuecast-seed"] and seed.source == "reseed(0)"  # seeded as the run was
    assert [(o.output_type, o.get("name"), o.get("text")) for o in cell.outputs[:2]] == [
        ("stream", "stdout", "a\nb\n"), ("stream", "stderr", "c\n")]
    assert cell.outputs[2].ename == "RuntimeError" and cell.outputs[2].evalue == "boom"
    assert cell.metadata["tags"] == ["raises-exception"]  # the cue expects it: a re-run keeps going
    titles = [c.source.splitlines()[0] for c in notebook.cells if c.cell_type == "markdown"]
    assert titles[:3] == ["# Tiny tensors", "## Tensors", "*Making a tensor and printing its shape.*"]


def test_seeding_is_one_hidden_set_up_cell_and_a_short_line_per_file():
    lesson = load_lesson(PROJECT / "script" / "pytorch-intro.yaml")
    notebook = build_notebook(lesson, {})
    code = [c for c in notebook.cells if c.cell_type == "code"]
    setups = [c for c in code if "cuecast-setup" in c.metadata.get("tags", [])]
    assert len(setups) == 1 and setups[0].metadata["jupyter"]["source_hidden"] is True
    assert "def reseed(seed)" in setups[0].source and "torch.manual_seed(seed)" in setups[0].source
    assert code.index(setups[0]) == 0  # defined before the first file needs it
    seeds = [c for c in code if "cuecast-seed" in c.metadata.get("tags", [])]
    assert len(seeds) == len({cue.snippet for _, _, cue in lesson.cues("vscode")})  # one per file
    assert all(c.source == "reseed(0)" for c in seeds)  # one short line each, not ten


def test_a_traceback_shows_the_lessons_frames_and_folds_the_librarys():
    lesson = load_lesson(TINY / "script" / "tiny.yaml")
    site = "/home/author/.venv/lib/python3.11/site-packages/torch"
    traceback = ("Traceback (most recent call last):\n"
                 '  File "snippets/no_grad.py", line 5, in <module>\n    y.backward()\n'
                 f'  File "{site}/_tensor.py", line 626, in backward\n    torch.autograd.backward(\n'
                 f'  File "{site}/autograd/__init__.py", line 347, in backward\n    _engine_run_backward(\n'
                 "RuntimeError: boom\n")
    capture = Capture(snippet="snippets/no_grad.py", status="expected-error", output="",
                      exception=SnippetException("RuntimeError", "boom", traceback, 5))
    notebook = build_notebook(lesson, {"snippets/no_grad.py": capture})
    [error] = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert error.traceback == ["Traceback (most recent call last):", '  File "snippets/no_grad.py", line 5, in <module>',
                               "    y.backward()", "  … 2 frames in torch", "RuntimeError: boom"]


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
