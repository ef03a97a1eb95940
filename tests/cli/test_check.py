"""``render check``: the command's exit codes, failure lines, JUnit file and
GitHub annotations on a tiny project (the report writers on their own are
tests/check/test_report.py)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from cuecast.cli import cli


# --- the command ------------------------------------------------------------------

SCRIPT = """\
lesson: Tiny check
id: tiny-check
voice: none
sections:
  - title: Works
    beats:
      - show: vscode
        snippet: snippets/good.py
        say: A snippet that works.
  - title: Breaks
    beats:
      - show: vscode
        snippet: snippets/bad.py
        say: A snippet that breaks.
"""


@pytest.fixture
def project_with_a_failing_snippet(tmp_path, monkeypatch):
    (tmp_path / "script").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "script" / "tiny.yaml").write_text(SCRIPT)
    (tmp_path / "snippets" / "good.py").write_text('print("good")\n')
    (tmp_path / "snippets" / "bad.py").write_text('values = [1, 2]\n\nprint(values[5])\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "150")
    return tmp_path


def check(*args, env=None):
    return CliRunner().invoke(cli, ["check", "--device", "cpu", *args], env=env or {})


def test_check_reports_failures_junit_annotations_then_serves_from_cache(project_with_a_failing_snippet):
    first = check("-j", "2", "--junit", "build/check.xml", env={"GITHUB_ACTIONS": "true"})
    assert first.exit_code == 1, first.output
    assert "snippets/bad.py:3: IndexError: list index out of range" in first.output
    assert "::error file=snippets/bad.py,line=3::IndexError: list index out of range" in first.output
    assert "error: 1 failed, 1 passed, of 2 snippets" in first.output
    suite = ET.parse(project_with_a_failing_snippet / "build" / "check.xml").getroot().find("testsuite")
    assert suite.get("name") == "tiny-check" and suite.get("failures") == "1" and suite.get("tests") == "2"
    assert [c.get("name") for c in suite.findall("testcase")] == ["snippets/good.py", "snippets/bad.py"]

    second = check()  # no GITHUB_ACTIONS: no annotations; everything from cache
    assert second.exit_code == 1
    assert "::error" not in second.output
    assert "2 of 2 snippets served from cache" in second.output
    assert "snippets/bad.py:3: IndexError: list index out of range" in second.output

    (project_with_a_failing_snippet / "snippets" / "bad.py").write_text('print("fixed")\n')
    third = check("script/tiny.yaml")
    assert third.exit_code == 0, third.output
    assert "all 2 snippets passed (1 from cache)" in third.output


def test_bad_script_exits_2_with_the_parser_diagnostics(project_with_a_failing_snippet):
    script = project_with_a_failing_snippet / "script" / "tiny.yaml"
    script.write_text(SCRIPT.replace("show: vscode\n        snippet: snippets/bad.py",
                                     "show: vscod\n        snippet: snippets/bad.py"))
    bad = check()
    assert bad.exit_code == 2
    assert "script/tiny.yaml:12:15 │ unknown cue kind 'vscod'" in bad.output
    assert "Traceback" not in bad.output


def test_missing_target_exits_2(project_with_a_failing_snippet):
    missing = check("nowhere.yaml")
    assert missing.exit_code == 2 and "nowhere.yaml does not exist" in missing.output


class _Terminal:
    """A stream that says it is a terminal, so the check draws its bar."""

    def __init__(self):
        import io

        self.text = io.StringIO()

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return self.text.write(text)

    def flush(self) -> None:
        pass


def test_one_progress_bar_counts_every_device_group(monkeypatch):
    from cuecast.cli.check import Progress
    from cuecast.runner import PLANNED
    from cuecast.runner.events import RunEvent

    monkeypatch.delenv("TERM", raising=False)
    with Progress(_Terminal()) as progress:
        progress(RunEvent(PLANNED, total=2))
        bar = progress._bar
        progress(RunEvent(PLANNED, total=3))  # the snippets of a lesson with its own device:
        assert progress._bar is bar
        assert bar.tasks[0].total == 5
