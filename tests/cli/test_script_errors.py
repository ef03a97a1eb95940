"""Script errors as the author sees them: a CLI that exits 2 with every
problem and without a Python traceback (the rendering itself:
tests/test_diagnostics.py)."""

from __future__ import annotations

from tests.support.paths import PROJECT
from tests.support.cli import run_render

BROKEN = "tests/fixtures/scripts/script/broken.yaml"


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
