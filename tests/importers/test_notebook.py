"""``importers.notebook``: a Jupyter notebook → blocks, at the file's lines."""

from __future__ import annotations

import json

import pytest

from cuecast.errors import ScriptError
from cuecast.importers.blocks import Code, Heading, Prose, Text, Todo
from cuecast.importers.notebook import read_notebook

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "\n", "Some text.\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [{"output_type": "error", "ename": "E"}],
         "source": ["x = 1\n", "y = x + 1"]},
        {"cell_type": "raw", "metadata": {}, "source": ["raw text"]},
    ],
    "metadata": {"kernelspec": {"language": "python"}}, "nbformat": 4,
}


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_cells_become_blocks_at_the_lines_of_their_source_strings():
    text = json.dumps(NOTEBOOK, indent=1)
    assert read_notebook(text, "n.ipynb").blocks == [
        Heading(1, Text("Title", "Title"), line_of(text, '"# Title')),
        Prose(Text("Some text.", "Some text."), line_of(text, '"Some text.')),
        Code("x = 1\ny = x + 1", (line_of(text, '"x = 1'), line_of(text, '"y = x + 1')), raised=True),
        Todo("a raw cell (cell 3) was left out", line_of(text, '"raw text')),
    ]


def test_nbformat_3_worksheets_and_heading_cells_are_read():
    old = {"worksheets": [{"cells": [{"cell_type": "heading", "level": 2, "source": "Old"},
                                     {"cell_type": "code", "input": "z = 3"}]}]}
    blocks = read_notebook(json.dumps(old), "n.ipynb").blocks
    assert [(type(b).__name__, getattr(b, "level", None)) for b in blocks] == [("Heading", 2), ("Code", None)]
    assert blocks[0].title.slide == "Old" and blocks[1].code == "z = 3"


def test_a_cell_that_is_not_a_cell_is_a_todo_naming_it():
    blocks = read_notebook(json.dumps({"cells": [3, {"cell_type": "code", "source": [1]}]}), "n.ipynb").blocks
    assert [b.message for b in blocks] == [
        "cell 1 is not a notebook cell (a JSON number); it was left out",
        "cell 2's source is not text; it was left out (open and save the notebook in Jupyter to repair it)"]


@pytest.mark.parametrize("text, where, message", [
    ('{"cells": [\n  oops]}', (2, 3), "not a notebook: invalid JSON (Expecting value)"),
    ('{"nbformat": 4}', (0, 0), "not a notebook: no 'cells' list in the JSON"),
    ("[1, 2]", (0, 0), "not a notebook: no 'cells' list in the JSON"),
    (json.dumps({"cells": [], "metadata": {"kernelspec": {"language": "R"}}}), (0, 0),
     "a R notebook: only Python notebooks can be imported (cuecast runs the code with Python)"),
])
def test_what_is_not_a_python_notebook_is_refused_with_its_place(text, where, message):
    with pytest.raises(ScriptError) as caught:
        read_notebook(text, "n.ipynb")
    [problem] = caught.value.diagnostics
    assert (problem.location.path, problem.location.line, problem.location.col) == ("n.ipynb", *where)
    assert problem.message == message
