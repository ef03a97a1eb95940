"""cuecast.shown: the one place that says which output a cue shows."""

from __future__ import annotations

from pathlib import Path

from cuecast.check.golden import check_lesson_golden, golden_stem
from cuecast.model import Capture, CellResult, Cue, Lesson, Location, Section, Beat, SnippetException
from cuecast.shown import hides_output, output_lines, run_capture, shown_capture, unit_name, units

LOC = Location("t.yaml", 1)
CELLS = (
    CellResult(0, None, "", 1, 2, "ok", (("stdout", "setup\n"),)),
    CellResult(1, 1, "First", 4, 5, "ok", (("stdout", "a\nb\nc\n"),)),
    CellResult(2, 2, "", 7, 8, "expected-error", (("stderr", "warn\n"),),
               SnippetException("ValueError", "no", "Traceback …\nValueError: no\n", 8)),
    CellResult(3, 3, "Last", 10, 11, "ok", (("stdout", "x\n"), ("result", "42\n"))),
)
FILE = Capture("snippets/t.py", "ok", "setup\na\nb\nc\nwarn\nx\n42\n", cells=CELLS, device="cpu")


def cue(**fields) -> Cue:
    return Cue("vscode", "s-1", LOC, snippet="snippets/t.py", **fields)


def test_a_cell_cue_sees_only_its_cell():
    first = run_capture(cue(cell=1, cell_title="First"), {"snippets/t.py": FILE})
    assert (first.output, first.status, first.cell) == ("a\nb\nc\n", "ok", "First")
    second = run_capture(cue(cell=2), {"snippets/t.py": FILE})
    assert second.exception.type == "ValueError" and second.cell == "cell 2"
    assert run_capture(cue(), {"snippets/t.py": FILE}) is FILE  # a whole-file cue sees the file
    assert output_lines(second)[0] == [("warn", False), ("Traceback …", True), ("ValueError: no", True)]


def test_output_ranges_and_none_narrow_what_is_shown_but_not_what_ran():
    ranged = cue(cell=1, output_lines=(2, 3))
    assert shown_capture(ranged, {"snippets/t.py": FILE}).output == "b\nc\n"
    assert run_capture(ranged, {"snippets/t.py": FILE}).output == "a\nb\nc\n"
    hidden = cue(cell=3, output_hidden=True)
    assert shown_capture(hidden, {"snippets/t.py": FILE}).output == ""
    assert hides_output(hidden, run_capture(hidden, {"snippets/t.py": FILE}))
    failed = Capture("snippets/t.py", "error", "", exception=SnippetException("E", "m", "E: m\n"))
    assert not hides_output(hidden, failed)  # an error is always shown


def test_check_units_are_the_cells_and_a_late_failure_is_kept():
    assert [unit_name(u) for u in units(FILE)] == [
        "snippets/t.py::First", "snippets/t.py::cell 2", "snippets/t.py::Last"]
    diagram_failed = Capture("snippets/t.py", "error", "", cells=CELLS,
                             exception=SnippetException("DiagramError", "no loss", "DiagramError: no loss\n"))
    assert units(diagram_failed)[-1] is diagram_failed
    plain = Capture("snippets/p.py", "ok", "hi\n")
    assert units(plain) == [plain] and unit_name(plain) == "snippets/p.py"


def test_each_cell_has_its_own_golden_file(tmp_path: Path):
    (tmp_path / "script").mkdir()
    source = tmp_path / "script" / "t.yaml"
    source.write_text("lesson: T\n")
    section = Section("s", "S", LOC, beats=(Beat("s-1", LOC, cue=cue(cell=1, cell_title="First")),))
    lesson = Lesson("t", "T", str(source), str(tmp_path), LOC, sections=(section,))
    written = check_lesson_golden(lesson, {"snippets/t.py": FILE}, update=True)
    names = sorted(p.name for p in (tmp_path / "script" / "t.golden").iterdir())
    assert names == ["t--cell-2.txt", "t--first.txt", "t--last.txt"] and len(written) == 3
    assert (tmp_path / "script" / "t.golden" / "t--cell-2.txt").read_text() == "warn\n[raised] ValueError: no\n"
    assert golden_stem("snippets/t.py::Tensor attributes") == "t--tensor-attributes"
    assert {r.status for r in check_lesson_golden(lesson, {"snippets/t.py": FILE})} == {"match"}


def test_cells_whose_titles_slug_alike_keep_golden_files_of_their_own(tmp_path: Path):
    from cuecast.check.golden import golden_units

    twins = Capture("snippets/t.py", "ok", "1\n2\n", cells=(
        CellResult(0, 1, "Sum (a)", 2, 2, "ok", (("stdout", "1\n"),)),
        CellResult(1, 2, "Sum: a", 4, 4, "ok", (("stdout", "2\n"),))))
    names = [name for name, _ in golden_units(twins)]
    assert names == ["snippets/t.py::Sum (a)", "snippets/t.py::Sum: a (2)"]
    assert golden_stem(names[0]) != golden_stem(names[1])


SITE = "/home/author/.venv/lib/python3.11/site-packages"
FULL_TRACEBACK = "\n".join([
    "Traceback (most recent call last):",
    '  File "snippets/mistakes.py", line 12, in <module>',
    "    model(batch)",
    f'  File "{SITE}/torch/nn/modules/module.py", line 1778, in _wrapped_call_impl',
    "    return self._call_impl(*args, **kwargs)",
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
    f'  File "{SITE}/torch/nn/modules/container.py", line 253, in forward',
    "    input = module(input)",
    '  File "snippets/helpers.py", line 3, in hook',
    "    check(x)",
    '  File "/usr/lib/python3.11/functools.py", line 40, in wrapper',
    "    return f(x)",
    f'  File "{SITE}/numpy/core/fromnumeric.py", line 9, in check',
    "    raise",
    "RuntimeError: mat1 and mat2 shapes cannot be multiplied (3x5 and 4x8)",
])


def test_a_traceback_on_screen_keeps_the_lessons_frames_and_folds_library_frames():
    from cuecast.shown import learner_traceback

    assert learner_traceback(FULL_TRACEBACK).split("\n") == [
        "Traceback (most recent call last):",
        '  File "snippets/mistakes.py", line 12, in <module>',
        "    model(batch)",
        "  … 2 frames in torch",
        '  File "snippets/helpers.py", line 3, in hook',
        "    check(x)",
        "  … 2 frames in python, numpy",
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (3x5 and 4x8)",
    ]
    assert learner_traceback("no traceback here\n  File it away\n") == "no traceback here\n  File it away\n"
    helper = '  File "/home/author/course/helpers.py", line 3, in check\n    raise ValueError("no")'
    assert learner_traceback(helper) == "  … 1 frame in helpers.py"  # its name, never where it lies


def test_the_screen_shows_the_shaped_traceback_and_the_capture_keeps_the_full_one():
    capture = Capture("snippets/mistakes.py", "error", "", exception=SnippetException(
        "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (3x5 and 4x8)", FULL_TRACEBACK, 12))
    lines, failed = output_lines(capture)
    shown = "\n".join(text for text, _ in lines)
    assert failed and "site-packages" not in shown and "/home/" not in shown and "/usr/" not in shown
    assert "… 2 frames in torch" in shown and shown.endswith("(3x5 and 4x8)")
    assert "site-packages/torch/nn/modules/module.py" in capture.exception.traceback  # check and reports read this


def test_a_path_wraps_after_a_joint_never_inside_a_name():
    from cuecast.shown import wrap_terminal_line

    rows = wrap_terminal_line('  File "tutorials/beginner_source/basics/buildmodel_tutorial.py:10"', 40)
    assert rows == ['  File', '  "tutorials/beginner_source/basics/', '  buildmodel_tutorial.py:10"']
    assert wrap_terminal_line("abcdefgh_valu=1.25", 17) == ["abcdefgh_", "valu=1.25"]  # a decimal point is no joint
