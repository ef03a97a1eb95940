"""Cell files run like a kernel: once, in order, one namespace, each cell's
output its own; a failing cell stops the rest unless its cue expects it; a
hang or crash in one cell keeps the cells before it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cuecast.runner import RunOptions, run_lesson
from cuecast.script import load_lesson
from cuecast.shown import run_capture, units


def lesson_for(tmp_path: Path, code: str, cues: list[dict]):
    (tmp_path / "snippets").mkdir(exist_ok=True)
    (tmp_path / "script").mkdir(exist_ok=True)
    (tmp_path / "snippets" / "t.py").write_text(textwrap.dedent(code), encoding="utf-8")
    beats = "".join(
        "      - show: vscode\n        snippet: snippets/t.py\n"
        + "".join(f"        {key}: {value}\n" for key, value in cue.items())
        for cue in cues
    )
    (tmp_path / "script" / "t.yaml").write_text(f"lesson: T\nsections:\n  - title: S\n    beats:\n{beats}")
    return load_lesson(tmp_path / "script" / "t.yaml")


def run(lesson, **options):
    return run_lesson(lesson, RunOptions(device="cpu", use_cache=False, jobs=1, **options))["snippets/t.py"]


def by_cue(lesson, capture):
    return [run_capture(cue, {"snippets/t.py": capture}) for _, _, cue in lesson.cues()]


CODE = '''
    import random
    import sys
    # %% First
    x = random.random()
    print("first", x)
    # %% Quiet
    y = x * 2
    # %% Bare
    print("before")
    {"y": y > 0}
    # %% Errors
    print("to stderr", file=sys.stderr)
    raise ValueError("on purpose")
    # %% Later
    print("later sees", y == x * 2)
'''


def test_each_cell_gets_its_own_output_and_bare_values(tmp_path):
    lesson = lesson_for(tmp_path, CODE, [{"cell": "First"}, {"cell": "Quiet"}, {"cell": 3},
                                         {"cell": "Errors", "expect_error": "true"}, {"cell": "Later"}])
    capture = run(lesson)
    first, quiet, bare, errors, later = by_cue(lesson, capture)
    import random

    random.seed(0)
    assert first.output == f"first {random.random()}\n"  # seeded once, at the start, as the run is
    assert quiet.output == "" and quiet.status == "ok"
    assert bare.streams == (("stdout", "before\n"), ("result", "{'y': True}\n"))
    assert errors.status == "expected-error" and errors.exception.line == 14
    assert errors.streams == (("stderr", "to stderr\n"),)
    assert later.output == "later sees True\n"  # one namespace: y from an earlier cell
    assert capture.status == "ok" and len(capture.cells) == 6  # the set-up code is a cell too
    assert [u.cell for u in units(capture)] == ["First", "Quiet", "Bare", "Errors", "Later"]


def test_a_failing_cell_stops_the_later_ones_and_says_where(tmp_path):
    lesson = lesson_for(tmp_path, CODE, [{"cell": "Errors"}, {"cell": "Later"}])
    capture = run(lesson)
    errors, later = by_cue(lesson, capture)
    assert errors.status == "error" and errors.exception.type == "ValueError"
    assert later.status == "not-run"
    assert later.reason == "not run: cell 4 ('Errors') failed at snippets/t.py:14"
    assert capture.status == "error" and not capture.passed


def test_a_syntax_error_costs_its_own_cell_only(tmp_path):
    code = "# %% Good\nprint('good')\n# %% Bad\nprint('bad'\n# %% After\nprint('after')\n"
    lesson = lesson_for(tmp_path, code, [{"cell": "Good"}, {"cell": "Bad", "expect_error": "true"},
                                         {"cell": "After"}])
    good, bad, after = by_cue(lesson, run(lesson))
    assert good.output == "good\n"
    assert bad.exception.type == "SyntaxError" and bad.exception.line == 4
    assert after.output == "after\n"


def test_output_below_python_stays_with_its_cell(tmp_path):
    code = "import os\n# %% Shell\nos.system('echo from a shell')\n# %% Next\nprint('next')\n"
    lesson = lesson_for(tmp_path, code, [{"cell": "Shell"}, {"cell": "Next"}])
    shell, following = by_cue(lesson, run(lesson))
    assert shell.output.startswith("from a shell\n")  # then os.system's return value, 0
    assert following.output == "next\n"


@pytest.mark.parametrize("kind", ["hang", "crash"])
def test_a_hang_or_crash_in_one_cell_keeps_the_cells_before(tmp_path, kind):
    body = "time.sleep(60)" if kind == "hang" else "os._exit(3)"
    code = f"import os, time\n# %% Before\nprint('kept')\n# %% Bad\nprint('started', flush=True)\n{body}\n# %% After\nprint('x')\n"
    lesson = lesson_for(tmp_path, code, [{"cell": "Before"}, {"cell": "Bad", "timeout": 1.5}, {"cell": "After"}])
    capture = run(lesson, timeout=30)
    before, bad, after = by_cue(lesson, capture)
    assert before.status == "ok" and before.output == "kept\n"
    assert bad.status == ("timeout" if kind == "hang" else "crashed") and bad.output == "started\n"
    if kind == "hang":
        assert bad.reason == "did not finish within 1.5 s (it was at line 6)"  # the cell's own limit
    assert after.status == "not-run" and after.reason.startswith("not run: cell 2 ('Bad') stopped ")
    assert "snippets/t.py" in after.reason


def test_cells_round_trip_through_the_cache(tmp_path):
    lesson = lesson_for(tmp_path, CODE, [{"cell": "Bare"}, {"cell": "Errors", "expect_error": "true"}])
    first = run_lesson(lesson, RunOptions(device="cpu", jobs=1))["snippets/t.py"]
    again = run_lesson(lesson, RunOptions(device="cpu", jobs=1))["snippets/t.py"]
    assert again.cached and again.cells == first.cells


def test_a_diagram_that_cannot_be_drawn_after_the_cells_fails_the_file(tmp_path):
    lesson = lesson_for(tmp_path, "# %% Only\nx = 1\n", [{"cell": "Only"}])
    script = tmp_path / "script" / "t.yaml"
    script.write_text(script.read_text().replace("show: vscode", "show: slides\n        diagram: autograd"))
    capture = run(load_lesson(script))
    assert capture.status == "error" and capture.exception.type == "DiagramError"
    assert [u.passed for u in units(capture)] == [True, False]  # the cell ran; the file's failure is kept


def test_a_whole_file_cue_expecting_an_error_lets_clean_cells_pass(tmp_path):
    code = "# %% A\nprint('a')\n# %% B\nraise ValueError('on purpose')\n# %% C\nprint('c')\n"
    lesson = lesson_for(tmp_path, code, [{"expect_error": "true"}, {"cell": "A"}])
    capture = run(lesson)
    assert capture.status == "ok" and [c.status for c in capture.cells] == ["ok", "expected-error", "ok"]
    clean = lesson_for(tmp_path, "# %% A\nprint('a')\n", [{"expect_error": "true"}])
    assert run(clean).status == "missing-error"  # the file was to raise somewhere, and did not


def test_a_semicolon_hides_the_bare_value_as_in_a_notebook(tmp_path):
    lesson = lesson_for(tmp_path, "# %% Hidden\nsum([1, 2, 3]);\n# %% Shown\nsum([1, 2, 3])\n",
                        [{"cell": "Hidden"}, {"cell": "Shown"}])
    hidden, shown = by_cue(lesson, run(lesson))
    assert hidden.output == "" and shown.output == "6\n"
