"""``importers.cellfile``: the cell file an import writes runs with plain
``python`` and splits into exactly the cells the lesson names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cuecast.cells import code_cells, split_cells
from cuecast.importers.blocks import Code
from cuecast.importers.cellfile import Cell, cell_file_text, cell_title, safe_code, unique_titles


def code(text: str, first_line: int = 10) -> Code:
    return Code(text, tuple(range(first_line, first_line + len(text.splitlines()))))


def test_the_file_runs_and_splits_into_the_named_cells(tmp_path):
    glue = [code("import math\n%matplotlib inline", 1)]
    cells = [Cell("Roots", code("print(math.sqrt(16))\n!pip install rich", 5)),
             Cell("Shell", code("%%bash\nls -l", 9)),
             Cell("Broken", code("x = (", 12)),
             Cell("Marker-like", code("y = 2\n# %% not a cell\nprint(y)", 14))]
    text, todos = cell_file_text('A "tricky" title', "t.ipynb", "script/t.yaml", glue, cells)
    path = tmp_path / "t.py"
    path.write_text(text)
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["4.0", "2"]
    assert [cell.title for cell in code_cells(split_cells(text))] == ["Roots", "Shell", "Broken", "Marker-like"]
    assert [(todo.line, todo.message) for todo in todos] == [
        (2, "the IPython line '%matplotlib inline' was commented out"),
        (6, "the IPython line '!pip install rich' was commented out (install it: pip install rich)"),
        (9, "a '%%bash' cell is not Python; it was commented out"),
        (12, "not valid Python on its own ('(' was never closed); the cell was commented out"),
    ]


def test_a_timing_cell_magic_is_commented_and_its_code_still_runs():
    text, [todo] = safe_code(code("%%time\nx = 1"))
    assert text == "#  %%time\nx = 1"  # two spaces: '# %%time' would start a cell
    assert (todo.line, todo.message) == (10, "the IPython cell magic '%%time' was commented out")


def test_python_that_looks_like_a_magic_is_left_alone():
    assert safe_code(code("value = 3\nvalue % 2\nprint(value)")) == ("value = 3\nvalue % 2\nprint(value)", [])


def test_repeated_titles_are_numbered_without_clashing():
    assert unique_titles(["A", "A", "A (2)", "B", "A"]) == ["A", "A (2)", "A (2) (2)", "B", "A (3)"]


@pytest.mark.parametrize("text, title", [
    ("Making `tensors`:", "Making tensors"),
    ("Notes [markdown]  on\nlines", "Notes on lines"),
    ("2.1", "Cell 2.1"),
    ("``", "Cell"),
])
def test_cell_title_is_one_line_the_cell_parser_cannot_misread(text, title):
    assert cell_title(text) == title
