"""``render check``: the report writers read back with the real parsers, and
the command's exit codes, failure lines, JUnit file and GitHub annotations on
a tiny project."""

from __future__ import annotations

import dataclasses

import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from cuecast.cli import cli
from cuecast.model import (
    STATUS_ERROR,
    STATUS_EXPECTED_ERROR,
    STATUS_MISSING_ERROR,
    STATUS_OK,
    STATUS_TIMEOUT,
    Capture,
    SnippetException,
)
from cuecast.check.report import CheckResult, failure_lines, github_annotations, junit_xml, summary_line


def result(snippet, status, exception=None, reason="", lesson="intro", output="", cached=False):
    capture = Capture(snippet=snippet, status=status, output=output, exception=exception, reason=reason,
                      duration=0.5, device="cpu", device_name="CPU", torch_version="2.13.0", cached=cached)
    return CheckResult(lesson, f"script/{lesson}.yaml", snippet, snippet, capture)


ZERO = SnippetException(
    "ZeroDivisionError", "division by zero",
    'Traceback (most recent call last):\n  File "snippets/x.py", line 3, in <module>\n    1 / 0\n'
    "ZeroDivisionError: division by zero\n",
    3,
)

RESULTS = [
    result("snippets/ok.py", STATUS_OK, output="fine\n", cached=True),
    result("snippets/x.py", STATUS_ERROR, ZERO, output="before\x1b[0m\n"),
    result("snippets/teach.py", STATUS_EXPECTED_ERROR, ZERO),
    result("snippets/should_fail.py", STATUS_MISSING_ERROR, lesson="other"),
    result("snippets/slow.py", STATUS_TIMEOUT,
           SnippetException("Timeout", "did not finish within 5 s (it was at line 2)", "", 2),
           reason="did not finish within 5 s (it was at line 2)", lesson="other"),
]


def test_failure_lines_name_file_line_and_last_traceback_line():
    assert failure_lines(RESULTS) == [
        "snippets/x.py:3: ZeroDivisionError: division by zero",
        "snippets/should_fail.py: expected an error (expect_error: true) but the snippet ran to the end",
        "snippets/slow.py:2: timeout: did not finish within 5 s (it was at line 2)",
    ]
    assert summary_line(RESULTS) == "3 failed, 2 passed, of 5 snippets (1 from cache)"
    cell = dataclasses.replace(RESULTS[0], capture=dataclasses.replace(RESULTS[0].capture, cell=2))
    assert summary_line([cell, *RESULTS[1:]]).startswith("3 failed, 2 passed, of 5: 4 snippets and 1 cell")


def test_github_annotations_format_and_escaping():
    lines = github_annotations(RESULTS)
    assert lines[0] == "::error file=snippets/x.py,line=3::ZeroDivisionError: division by zero"
    assert lines[1].startswith("::error file=snippets/should_fail.py::expected an error")
    odd = result("snippets/a,b.py", STATUS_ERROR, SnippetException("E", "x", "Traceback:\nE: 50%\n", 1))
    assert github_annotations([odd]) == ["::error file=snippets/a%2Cb.py,line=1::E: 50%25"]


def test_junit_reads_back_one_suite_per_lesson():
    root = ET.fromstring(junit_xml(RESULTS))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "2", "1")
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert list(suites) == ["intro", "other"]
    intro = suites["intro"]
    assert (intro.get("tests"), intro.get("failures"), intro.get("errors")) == ("3", "1", "0")
    cases = {case.get("name"): case for case in intro.findall("testcase")}
    assert list(cases) == ["snippets/ok.py", "snippets/x.py", "snippets/teach.py"]
    failure = cases["snippets/x.py"].find("failure")
    assert failure.get("type") == "ZeroDivisionError"
    assert failure.get("message") == "ZeroDivisionError: division by zero"
    assert 'line 3, in <module>' in failure.text
    assert cases["snippets/x.py"].get("line") == "3" and cases["snippets/x.py"].get("file") == "snippets/x.py"
    assert cases["snippets/x.py"].find("system-out").text == "before\\x1b[0m\n"
    assert cases["snippets/ok.py"].find("failure") is None and cases["snippets/teach.py"].find("failure") is None
    cached = {p.get("name"): p.get("value") for p in cases["snippets/ok.py"].iter("property")}
    assert cached["cached"] == "true" and cached["status"] == "ok"
    timeout = {c.get("name"): c for c in suites["other"].findall("testcase")}["snippets/slow.py"]
    assert timeout.find("error").get("type") == "Timeout"


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
