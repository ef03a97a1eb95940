"""cuecast.cells: where each cell of a snippet file starts and ends."""

from __future__ import annotations

from cuecast.cells import (
    CODE,
    GLUE,
    PROSE,
    cell_code,
    cell_source,
    code_cells,
    duplicate_titles,
    find_cell,
    marker_style,
    split_cells,
    unclosed_regions,
)

PERCENT = '''"""Docstring."""
import torch

# %% Make a tensor
x = torch.ones(2)

#%%   Spaces   in   title
y = x * 2
# %% [markdown]
# Some prose.
# %%
y.sum()
'''


def test_percent_cells_have_titles_numbers_and_lines():
    cells = split_cells(PERCENT)
    assert [(c.kind, c.title, c.number, c.start, c.end) for c in cells] == [
        (GLUE, "", None, 1, 3),
        (CODE, "Make a tensor", 1, 5, 6),
        (CODE, "Spaces in title", 2, 8, 8),
        (PROSE, "", None, 10, 10),
        (CODE, "", 3, 12, 12),
    ]
    assert marker_style(PERCENT) == "percent"
    assert find_cell(cells, "Spaces  in title").number == 2  # runs of spaces compared as one
    assert find_cell(cells, 3).start == 12 and find_cell(cells, 4) is None and find_cell(cells, "nope") is None
    assert cells[-1].label == "cell 3"


def test_cell_source_keeps_file_line_numbers():
    cells = split_cells(PERCENT)
    source = cell_source(PERCENT, cells[1])
    assert source.splitlines()[4] == "x = torch.ones(2)"  # line 5 of the file is line 5 here
    assert cell_code(PERCENT, cells[1]) == "x = torch.ones(2)"


def test_regions_are_cells_only_when_selected():
    text = "import math\n# region From a NumPy array\na = 1\n# region inner\nb = 2\n# endregion\n# endregion\nc = a + b\n"
    assert split_cells(text, regions=False) == ()
    cells = split_cells(text)
    assert [(c.kind, c.title, c.start, c.end) for c in cells] == [
        (GLUE, "", 1, 1), (CODE, "From a NumPy array", 3, 6), (GLUE, "", 8, 8)]
    assert cell_code(text, cells[1]) == "a = 1\nb = 2"  # nested markers only fold


def test_plain_scripts_have_no_cells_and_duplicates_are_found():
    assert split_cells("print(1)\n") == () and marker_style("x = '# %%'\n") is None
    twins = duplicate_titles(split_cells("# %% A\n1\n# %% A\n2\n# %% B\n3\n"))
    assert list(twins) == ["A"] and [c.number for c in twins["A"]] == [1, 2]
    assert len(code_cells(split_cells("# %% A\n1\n# %% [md]\n# x\n"))) == 1


def test_markers_python_would_read_the_same_way():
    """A type tag only at the marker's ends, a BOM and U+2028 inside a string,
    an indented region inside a function, region names with runs of spaces."""
    tagged = split_cells("# %% Load the [raw] data\nx = 1\n# %% [markdown]\n# prose\n# %% Notes [md]\n# more\n")
    assert [(c.kind, c.title) for c in tagged] == [(CODE, "Load the [raw] data"), (PROSE, ""), (PROSE, "Notes")]
    bom = split_cells("\ufeff# %% A\nx = 1\n")
    assert [(c.kind, c.start) for c in bom] == [(CODE, 2)]
    separator = 's = "x\u2028y"\n# %% A\nprint(s)\n'
    assert cell_source(separator, split_cells(separator)[0]) == 's = "x\u2028y"\n'  # one line, as Python reads it
    regions = "# region data  prep\na = 1\n# endregion\ndef f():\n    # region inner\n    return 1\n    # endregion\n"
    cells = split_cells(regions)
    assert [(c.kind, c.title, c.start, c.end) for c in cells] == [(CODE, "data prep", 2, 2), (GLUE, "", 4, 7)]
    assert find_cell(cells, "data   prep") is cells[0]


def test_an_unclosed_region_is_found_with_its_line_column_and_name():
    """Issue 27: ``render check`` passed a snippet whose region never closed."""
    closed = "# region main\na = 1\ndef f():\n    # region inner\n    return 1\n    # endregion\n# endregion\n"
    assert unclosed_regions(closed) == []
    assert unclosed_regions("a = 1\n# region main\nb = 2\n") == [(2, 1, "main")]
    # nested markers pair as an editor folds them: the outer one is left open
    assert unclosed_regions("# region outer\n  # region\n  x = 1\n  # endregion\n") == [(1, 1, "outer")]
    assert unclosed_regions("def f():\n    #region\n    return 1\n") == [(2, 5, "")]
    assert unclosed_regions("# endregion\n# regions are folding marks\n") == []  # a stray end, a word

