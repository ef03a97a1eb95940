"""``snippet_source``: what of a snippet a cue puts on screen."""

from __future__ import annotations

from cuecast.model import Cue, Lesson, Location
from cuecast.snippet_source import find_region, shown_code, shown_numbered_lines

SOURCE = """import torch

# region outer

# region inner
x = torch.ones(2)
# endregion

print(x)
# endregion
"""


def test_a_region_is_the_lines_between_its_markers_nested_ones_included():
    assert find_region(SOURCE, "inner") == (6, 6)
    assert find_region(SOURCE, "outer") == (4, 9)
    assert find_region(SOURCE, "missing") is None


def test_shown_lines_drop_markers_and_blank_edges_and_keep_file_numbers():
    assert shown_numbered_lines(SOURCE, (4, 9)) == [(6, "x = torch.ones(2)"), (8, ""), (9, "print(x)")]
    whole = shown_numbered_lines(SOURCE, None)
    assert whole[0] == (1, "import torch") and whole[-1] == (9, "print(x)")


def test_shown_code_reads_the_cues_lines_from_the_project(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "a.py").write_bytes(b"\xef\xbb\xbf" + SOURCE.encode())  # a BOM is not shown
    here = Location("script/a.yaml", 1, 1)
    lesson = Lesson("a", "A", "script/a.yaml", str(tmp_path), here)
    assert shown_code(lesson, Cue("vscode", "c1", here, snippet="snippets/a.py", lines=(4, 9))) == \
        "x = torch.ones(2)\n\nprint(x)"
    assert shown_code(lesson, Cue("vscode", "c2", here, snippet="snippets/a.py")).startswith("import torch\n\n")
