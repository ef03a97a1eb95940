"""``importers.percent``: a percent-format script → blocks."""

from __future__ import annotations

import pytest

from cuecast.errors import ScriptError
from cuecast.importers.blocks import Code, Prose, Text, Todo
from cuecast.importers.percent import read_percent

SCRIPT = '''# ---
# jupyter:
#   kernel: x
# ---
"""Intro *text*."""
import torch

# %% Make a tensor tags=["a"]
x = torch.ones(2)

# %% [markdown]
# Some **prose**.

# %% [md]
"""
Quoted prose.
"""

# %% [raw]
# raw stuff
'''


def test_cells_prose_and_set_up_code_each_at_their_line():
    """The header is skipped, the docstring is prose, code before the first
    marker runs unshown, a title loses its metadata, both Markdown spellings
    are prose and a raw cell is a to-do."""
    assert read_percent(SCRIPT, "t.py").blocks == [
        Prose(Text("Intro text.", "Intro text."), 5),
        Code("import torch", (6,), glue=True),
        Code("x = torch.ones(2)", (9,), title="Make a tensor"),
        Prose(Text("Some prose.", "Some prose."), 12),
        Prose(Text("Quoted prose.", "Quoted prose."), 16),
        Todo("a [raw] cell was left out", 19),
    ]


def test_a_file_without_markers_is_one_shown_block():
    [code] = read_percent("import torch\nprint(torch.ones(1))\n", "t.py").blocks
    assert code == Code("import torch\nprint(torch.ones(1))", (1, 2), glue=False)


def test_an_empty_raw_cell_and_an_empty_code_cell_leave_nothing():
    assert read_percent("# %% [raw]\n\n# %%\n\n", "t.py").blocks == []


def test_invalid_python_is_refused_at_its_line():
    with pytest.raises(ScriptError) as caught:
        read_percent("# %%\nx = (\n", "t.py")
    [problem] = caught.value.diagnostics
    assert (problem.location.path, problem.location.line) == ("t.py", 2)
    assert problem.message.startswith("not valid Python")
