"""``render check --golden / --update-golden / --rtol / --atol`` end to end:
snippets run for real on the tiny course and on the default lesson."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.paths import PROJECT
from tests.support.cli import render_in_process

TINY = PROJECT / "tests" / "tinybuild"


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "tiny"
    shutil.copytree(TINY, root, ignore=shutil.ignore_patterns("build", "*.golden"))
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


@pytest.mark.slow
def test_update_golden_then_check_passes_then_a_changed_shape_fails(tiny, capsys):
    code, out = render_in_process(capsys, "check", "--device", "cpu", "--golden")
    assert code == 1
    assert "no golden file script/tiny.golden/shapes--main.txt" in out
    assert "--update-golden" in out

    code, out = render_in_process(capsys, "check", "--device", "cpu", "--update-golden")
    assert code == 0, out
    folder = tiny / "script" / "tiny.golden"
    assert sorted(p.name for p in folder.iterdir()) == ["no_grad.txt", "shapes--main.txt", "tape.txt"]
    assert "shape: (2, 3)" in (folder / "shapes--main.txt").read_text()
    assert "[raised] RuntimeError:" in (folder / "no_grad.txt").read_text()

    code, out = render_in_process(capsys, "check", "--device", "cpu", "--golden")
    assert code == 0, out
    assert "golden: 3 match" in out

    snippet = tiny / "snippets" / "shapes.py"
    snippet.write_text(snippet.read_text().replace("reshape(2, 3)", "reshape(3, 2)"))
    code, out = render_in_process(capsys, "check", "--device", "cpu", "--golden")
    assert code == 1
    assert "DRIFT snippets/shapes.py::main" in out
    assert "--- script/tiny.golden/shapes--main.txt" in out
    assert "-shape: (2, 3)" in out
    assert "+shape: (3, 2)" in out
    assert "differ from their golden files" in out


def test_float_drift_obeys_rtol(tiny, capsys):
    snippet = tiny / "snippets" / "shapes.py"
    snippet.write_text("# region main\nprint('loss:', 0.25)\n# endregion\n")
    assert render_in_process(capsys, "check", "--device", "cpu", "--update-golden")[0] == 0
    snippet.write_text("# region main\nprint('loss:', 0.2501)\n# endregion\n")
    code, out = render_in_process(capsys, "check", "--device", "cpu", "--golden")
    assert code == 1
    assert "line 1: 0.2501 vs 0.25" in out
    code, out = render_in_process(capsys, "check", "--device", "cpu", "--golden", "--rtol", "1e-3")
    assert code == 0, out


def test_course_golden_files_pass(monkeypatch, capsys):
    """The committed script/pytorch-intro.golden/ matches what the course
    snippets print now."""
    monkeypatch.chdir(PROJECT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, out = render_in_process(capsys, "check", "--device", "cpu", "--golden", "script/pytorch-intro.yaml")
    assert code == 0, out
    assert "golden: 13 match" in out


@pytest.mark.slow
def test_drift_reaches_junit_and_github_annotations(tiny, capsys, monkeypatch):
    import xml.etree.ElementTree as ET

    assert render_in_process(capsys, "check", "--device", "cpu", "--update-golden")[0] == 0
    snippet = tiny / "snippets" / "shapes.py"
    snippet.write_text(snippet.read_text().replace("reshape(2, 3)", "reshape(3, 2)"))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out = render_in_process(capsys, "check", "--device", "cpu", "--golden", "--junit", "report.xml")
    assert code == 1
    cases = {c.get("name"): c for c in ET.parse(tiny / "report.xml").getroot().iter("testcase")}
    failure = cases["snippets/shapes.py::main"].find("failure")
    assert failure is not None and failure.get("type") == "GoldenDrift"
    assert "+shape: (3, 2)" in failure.text
    assert cases["snippets/tape.py"].find("failure") is None
    assert "::error file=snippets/shapes.py::output drifted from script/tiny.golden/shapes--main.txt" in out
