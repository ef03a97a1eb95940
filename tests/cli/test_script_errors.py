"""Script errors as the author sees them: rendered with the source line and a
caret under the column, and a CLI that exits 2 without a Python traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuecast.diagnostics import format_diagnostics
from cuecast.errors import ScriptError
from cuecast.script import load_lesson
from tests.support.paths import PROJECT
from tests.support.cli import run_render

BROKEN = "tests/fixtures/scripts/script/broken.yaml"


def test_format_diagnostics_puts_the_caret_under_the_bad_value(monkeypatch):
    monkeypatch.chdir(PROJECT)
    with pytest.raises(ScriptError) as caught:
        load_lesson(BROKEN)
    text = format_diagnostics(caught.value.diagnostics, Path.cwd())
    lines = text.splitlines()
    head = f"{BROKEN}:6:15 │ unknown cue kind 'vscod' (expected one of: vscode, slides, browser, terminal)"
    pad = " " * len(f"{BROKEN}:6:15")
    assert lines[:4] == [
        head,
        f"{pad} │       - show: vscod",
        f"{pad} │               ^",
        f"{pad} │ hint: did you mean 'vscode'?",
    ]
    # the caret sits under the first character of the bad value
    source, caret = lines[1], lines[2]
    assert source[caret.index("^"):].startswith("vscod")
    assert [line.split(" │ ")[0] for line in lines if not line.startswith(" ")] == [
        f"{BROKEN}:6:15", f"{BROKEN}:7:18", f"{BROKEN}:10:14", f"{BROKEN}:11:12",
    ]


def test_a_bad_script_exits_2_with_every_problem_and_no_traceback():
    result = run_render("check", BROKEN, cwd=PROJECT, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{BROKEN}:6:15 │ unknown cue kind 'vscod'" in result.stderr
    assert f"{BROKEN}:11:12 │ duplicate section id 'device' (also used on line 4)" in result.stderr


def test_import_of_a_bad_markdown_script_exits_2(tmp_path):
    from click.testing import CliRunner

    from cuecast.cli import cli

    bad = tmp_path / "bad.script.md"
    bad.write_text("- a bullet before the title\n## Section\n#### Too deep\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(bad), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    shown = bad.as_posix()
    assert f"{shown}:1:1 │ no '# Title' line: the lesson needs a title" in result.output
    assert f"{shown}:1:1 │ a bullet before the '# Title' line" in result.output
    assert f"{shown}:3:1 │ '####' headings are not supported (use ## or ###)" in result.output
    assert not (tmp_path / "out.yaml").exists()
