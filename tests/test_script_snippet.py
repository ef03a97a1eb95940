"""``script_snippet``: the part of a snippet a cue shows.  ``cell:``,
``region:``, ``lines:`` and ``output:`` resolve to lines of the file, and
every mistake is located with a hint."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from cuecast.script import load_lesson
from tests.support.script_errors import problems_in as problems
from tests.support.script_project import beat, snippet_project  # noqa: F401 (a fixture)

#: The part table compares a problem's line, column and message.
without_hints = partial(problems, hints=False)

CELLS = """import torch

# %% Tensor attributes
x = torch.ones(2)
print(x.shape)

# %% Tensor attributes
print(x.dtype)

# %% Arithmetic
y = x + 1
# %% Empty
"""
REGIONS = """import math
# region From a NumPy array
a = 1
# endregion
# region other
b = 2
# endregion
"""


@pytest.fixture
def cells_project(tmp_path: Path) -> Path:
    (tmp_path / "script").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "cells.py").write_text(CELLS)
    (tmp_path / "snippets" / "regions.py").write_text(REGIONS)
    (tmp_path / "snippets" / "plain.py").write_text("print(1)\n")
    (tmp_path / "snippets" / "empty_region.py").write_text("x = 1\n# region nothing\n\n# endregion\n")
    (tmp_path / "snippets" / "open.py").write_text("x = 1\n# region main\ny = 2\n")
    return tmp_path


def cue(*lines: str) -> str:
    """A one-beat script whose cue keys start on line 6, column 9."""
    return ("lesson: T\nsections:\n  - title: S\n    beats:\n      - show: vscode\n"
            + "".join(f"        {line}\n" for line in lines))


def load(project: Path, text: str):
    path = project / "script" / "case.yaml"
    path.write_text(text)
    return load_lesson(path)


def test_cell_by_title_or_number_and_region_with_spaces(cells_project):
    lesson = load(cells_project, cue("snippet: snippets/cells.py", "cell: Arithmetic", "output: 1-2"))
    (_, _, found), = lesson.cues()
    assert (found.cell, found.cell_title, found.lines, found.output_lines) == (3, "Arithmetic", (11, 11), (1, 2))
    (_, _, by_number), = load(cells_project, cue("snippet: snippets/cells.py", "cell: 1", "output: none")).cues()
    assert (by_number.cell, by_number.lines, by_number.output_hidden) == (1, (4, 6), True)
    (_, _, region), = load(cells_project, cue("snippet: snippets/regions.py", "region: From a NumPy array")).cues()
    assert (region.cell, region.cell_title, region.lines) == (1, "From a NumPy array", (3, 3))


@pytest.mark.parametrize("lines,expected", [
    (("snippet: snippets/cells.py", "cell: Arithmetc"),
     [(7, 15, "no cell 'Arithmetc' in snippets/cells.py", "did you mean 'Arithmetic'?")]),
    (("snippet: snippets/cells.py", "cell: 9"),
     [(7, 15, "snippets/cells.py has 4 cells; there is no cell 9", "")]),
    (("snippet: snippets/cells.py", "cell: Tensor attributes"),
     [(7, 15, "2 cells in snippets/cells.py are titled 'Tensor attributes' (lines 3, 7)",
       "give each its own title, or select it by number")]),
    (("snippet: snippets/cells.py", "cell: Empty"),
     [(7, 15, "cell 'Empty' in snippets/cells.py (line 12) holds no code", "")]),
    (("snippet: snippets/plain.py", "cell: Intro"),
     [(7, 15, "'cell' needs a cell file, and snippets/plain.py has no '# %' or '# region' markers".replace(
         "'# %'", "'# %%'"), "start each cell with a '# %% Title' line (the percent format VS Code runs)")]),
    (("snippet: snippets/cells.py", "cell: Arithmetic", "lines: 1-2"),
     [(8, 9, "give one of 'cell', 'region' or 'lines', not both 'cell' and 'lines'", "a cell already picks its lines")]),
    (("snippet: snippets/cells.py", "region: Arithmetic"),
     [(7, 17, "snippets/cells.py is split into cells by '# %%' markers; select one with 'cell:'", "")]),
    (("snippet: snippets/regions.py", "region: From a numpy array"),
     [(7, 17, "no region 'From a numpy array' in snippets/regions.py", "did you mean 'From a NumPy array'?")]),
    (("snippet: snippets/cells.py", "cell: 1", "output: lots"),
     [(8, 17, "'output' must be a line range like 3-12 or 'none', found a string ('lots')", "")]),
    (("snippet: snippets/cells.py", "cell: 1", "output: 3-1"),
     [(8, 17, "'output' 3-1 is not a range of output lines (they start at 1)", "")]),
    (("snippet: snippets/cells.py", "cell: 1", "output: 0-2"),
     [(8, 17, "'output' 0-2 is not a range of output lines (they start at 1)", "")]),
    (("snippet: snippets/empty_region.py", "region: nothing"),
     [(7, 17, "region 'nothing' in snippets/empty_region.py (line 2) holds no code", "")]),
    (("snippet: snippets/open.py",),  # located in the snippet, at the marker that never closes
     [(2, 1, "'# region main' has no '# endregion'; it would run to the end of snippets/open.py",
       "add a '# endregion' line where the region ends")]),
])
def test_cell_mistakes_are_located_with_a_hint(cells_project, lines, expected):
    assert problems(cells_project, cue(*lines)) == expected


#: (name, script, [(line, col, message), ...]) — every diagnostic, exactly.
PART_CASES = [
    # --- what part of the snippet is shown ---
    ("lines-format", beat("show: vscode", "snippet: snippets/ok.py", "lines: three"),
     [(7, 16, "'lines' must look like 'A-B' (e.g. 3-12), found a string ('three')")]),
    ("lines-list", beat("show: vscode", "snippet: snippets/ok.py", "lines: [1, 2]"),
     [(7, 16, "'lines' must look like 'A-B' (e.g. 3-12), found a list")]),
    ("lines-backwards", beat("show: vscode", "snippet: snippets/ok.py", "lines: 5-2"),
     [(7, 16, "'lines' 5-2 ends before it starts")]),
    ("lines-zero", beat("show: vscode", "snippet: snippets/ok.py", "lines: 0-2"),
     [(7, 16, "'lines' start at line 1")]),
    ("lines-past-end", beat("show: vscode", "snippet: snippets/ok.py", "lines: 3-40"),
     [(7, 16, "'lines' 3-40 runs past the end of snippets/ok.py (7 lines)")]),
    ("region-missing", beat("show: vscode", "snippet: snippets/ok.py", "region: setup"),
     [(7, 17, "no region 'setup' in snippets/ok.py")]),
    ("lines-and-region", beat("show: vscode", "snippet: snippets/ok.py", "lines: 1-2", "region: main"),
     [(8, 9, "give one of 'cell', 'region' or 'lines', not both 'lines' and 'region'")]),
    ("lines-without-snippet", beat("show: slides", "image: pics/a.png", "lines: 1-2"),
     [(7, 9, "'lines' picks part of a snippet; this cue has no 'snippet'")]),
]


@pytest.mark.parametrize("name,text,expected", PART_CASES, ids=[case[0] for case in PART_CASES])
def test_every_snippet_part_error_has_its_message_and_place(snippet_project, name, text, expected):
    assert without_hints(snippet_project, text) == expected


def test_missing_region_hint_lists_the_regions_there(snippet_project):
    [(_, _, _, hint)] = problems(snippet_project, beat("show: vscode", "snippet: snippets/ok.py", "region: mian"))
    assert hint == "did you mean 'main'?"


def test_quoted_and_plain_ranges_still_work(snippet_project):
    path = snippet_project / "script" / "case.yaml"
    path.write_text("lesson: T\nsections:\n  - title: S\n    beats:\n      - show: vscode\n"
                    "        snippet: snippets/ok.py\n        lines: 5\n        output: '1-1'\n")
    cue = load_lesson(path).sections[0].beats[0].cue
    assert (cue.lines, cue.output_lines) == ((5, 5), (1, 1))
