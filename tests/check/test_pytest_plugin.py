"""``pytest --cuecast``: lessons collected as test items, run for real.

Each test runs pytest in a subprocess on a tiny lesson in tmp_path (the way a
course repository would use the plugin) and reads the JUnit XML back.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from tests.support.paths import PROJECT


LESSON = """\
lesson: Plugin check
id: plug
voice: none
sections:
  - title: Shapes
    beats:
      - show: vscode
        snippet: snippets/shapes.py
        say: A shape.
  - title: Broken
    beats:
      - bullet: This one breaks
      - show: vscode
        snippet: snippets/broken.py
        say: It raises.
      - show: vscode
        snippet: snippets/teaches_error.py
        expect_error: true
        say: It raises on purpose.
"""

SNIPPETS = {
    "shapes.py": """\
        import torch

        x = torch.zeros(2, 3)
        print("shape:", x.shape)
        print("mean:", 0.25)
        print(object())
    """,
    "broken.py": """\
        import torch

        values = torch.ones(3)
        raise ValueError(f"bad value {values.sum().item()}")
    """,
    "teaches_error.py": """\
        print("about to fail")
        raise KeyError("missing")
    """,
}


def make_course(root: Path) -> Path:
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    (root / "script" / "plug.yaml").write_text(LESSON)
    for name, text in SNIPPETS.items():
        (root / "snippets" / name).write_text(textwrap.dedent(text))
    # An unrelated YAML file, and a conftest-free tests folder: neither may be collected.
    (root / "script" / "notes.yaml").write_text("title: not a lesson\n")
    return root


def run_pytest(root: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict[str, ET.Element]]:
    """Run pytest in ``root``; return the process and the JUnit testcases by name."""
    junit = root / "junit.xml"
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_XDIST_WORKER", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={junit}",
         "--rootdir", str(root), *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    cases = {}
    if junit.exists():
        for case in ET.parse(junit).getroot().iter("testcase"):
            cases[case.get("name")] = case
        junit.unlink()
    return proc, cases


def outcome(case: ET.Element) -> str:
    if case.find("failure") is not None or case.find("error") is not None:
        return "failed"
    if case.find("skipped") is not None:
        return "skipped"
    return "passed"


def test_plugin_collects_nothing_without_the_flag(tmp_path):
    root = make_course(tmp_path)
    proc, _ = run_pytest(root, "--collect-only", "-q", "script/")
    assert "no tests collected" in proc.stdout + proc.stderr
    assert proc.returncode == 5


def test_plugin_collects_snippets_named_after_lesson_section_and_cue(tmp_path):
    root = make_course(tmp_path)
    proc, _ = run_pytest(root, "--cuecast", "--collect-only", "-q", "script/")
    ids = [line for line in proc.stdout.splitlines() if "::" in line]
    assert ids == [
        "script/plug.yaml::shapes::shapes-1[snippets/shapes.py]",
        "script/plug.yaml::broken::broken-2[snippets/broken.py]",
        "script/plug.yaml::broken::broken-3[snippets/teaches_error.py]",
    ], proc.stdout + proc.stderr


def test_plugin_reports_a_broken_script_with_its_location(tmp_path):
    root = make_course(tmp_path)
    script = root / "script" / "plug.yaml"
    script.write_text(script.read_text().replace("show: vscode\n        snippet: snippets/broken.py",
                                                 "show: vscod\n        snippet: snippets/broken.py"))
    proc, _ = run_pytest(root, "--cuecast", "--collect-only", "script/")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "script/plug.yaml:13:15" in proc.stdout
    assert "unknown cue kind 'vscod'" in proc.stdout
    assert "Traceback" not in proc.stdout


@pytest.mark.slow
def test_plugin_runs_snippets_and_reports_a_failure_with_its_traceback(tmp_path):
    root = make_course(tmp_path)
    proc, cases = run_pytest(root, "--cuecast", "script/")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert {name: outcome(case) for name, case in cases.items()} == {
        "shapes-1[snippets/shapes.py]": "passed",
        "broken-2[snippets/broken.py]": "failed",
        "broken-3[snippets/teaches_error.py]": "passed",
    }
    failure = cases["broken-2[snippets/broken.py]"].find("failure").text
    assert "snippets/broken.py" in failure
    assert "line 4" in failure
    assert "ValueError: bad value 3.0" in failure
    assert "cuecast/" not in failure.replace("script/plug.yaml", "")  # no runner frames


@pytest.mark.slow
def test_plugin_golden_diff_and_missing_golden(tmp_path):
    root = make_course(tmp_path)
    folder = root / "script" / "plug.golden"
    folder.mkdir()
    # The golden file remembers another shape and a float within tolerance.
    (folder / "shapes.txt").write_text(
        "shape: torch.Size([2, 4])\nmean: 0.25000001\n<object object at 0x…>\n"
    )
    proc, cases = run_pytest(root, "--cuecast", "--cuecast-golden", "script/", "-k", "shapes or teaches")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert sorted(cases) == ["broken-3[snippets/teaches_error.py]", "shapes-1[snippets/shapes.py]"]  # -k
    drift = cases["shapes-1[snippets/shapes.py]"].find("failure").text
    assert "-shape: torch.Size([2, 4])" in drift
    assert "+shape: torch.Size([2, 3])" in drift
    assert "line 1: 3 vs 4 (integers must match exactly)" in drift
    assert "mean" not in drift.split("+++", 1)[1].replace(" mean: 0.25000001", "")
    missing = cases["broken-3[snippets/teaches_error.py]"].find("failure").text
    assert "--update-golden" in missing

    (folder / "shapes.txt").write_text("shape: torch.Size([2, 3])\nmean: 0.25000001\n<object object at 0x…>\n")
    (folder / "teaches_error.txt").write_text("about to fail\n[raised] KeyError: 'missing'\n")
    proc, cases = run_pytest(root, "--cuecast", "--cuecast-golden", "script/", "-k", "shapes or teaches")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert all(outcome(case) == "passed" for case in cases.values())


@pytest.mark.slow
def test_plugin_runs_under_xdist(tmp_path):
    root = make_course(tmp_path)
    proc, cases = run_pytest(root, "--cuecast", "script/", "-n", "2")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert {name: outcome(case) for name, case in cases.items()} == {
        "shapes-1[snippets/shapes.py]": "passed",
        "broken-2[snippets/broken.py]": "failed",
        "broken-3[snippets/teaches_error.py]": "passed",
    }


def test_plugin_collects_the_course_snippets():
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--cuecast", "--collect-only", "-q",
         "script/pytorch-intro.yaml"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120,
    )
    ids = [line for line in proc.stdout.splitlines() if line.startswith("script/pytorch-intro.yaml::")]
    snippets = {i.rsplit("[", 1)[1].rstrip("]") for i in ids}
    assert len(ids) == len(snippets) == 13, proc.stdout + proc.stderr
    assert "script/pytorch-intro.yaml::casting::casting-1[snippets/casting.py]" in ids


@pytest.mark.slow
def test_plugin_runs_the_course_against_its_golden_files():
    """What CI runs on the default lesson: every snippet, with golden output."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--cuecast", "--cuecast-golden",
         "--cuecast-device", "cpu", "-q", "script/pytorch-intro.yaml"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "13 passed" in proc.stdout
