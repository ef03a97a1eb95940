"""``cuecast.check.report``: what ``render check`` writes about a run, each
writer read back with the real parser (ElementTree for JUnit, rich for the
table)."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

from cuecast.check.report import (
    CheckResult,
    check_results,
    display_path,
    failure_lines,
    format_duration,
    github_annotations,
    junit_xml,
    results_table,
    summary_line,
    write_junit,
)
from cuecast.model import (
    STATUS_CRASHED,
    STATUS_ERROR,
    STATUS_EXPECTED_ERROR,
    STATUS_MISSING_ERROR,
    STATUS_NOT_RUN,
    STATUS_OK,
    STATUS_TIMEOUT,
    Capture,
    SnippetException,
)


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


def test_a_failures_one_line_says_what_happened_for_every_status():
    crashed = result("snippets/c.py", STATUS_CRASHED, reason="killed by signal 11 (SIGSEGV) at line 4")
    skipped = result("snippets/n.py", STATUS_NOT_RUN, reason="not run: cell 1 failed")
    bare = result("snippets/b.py", STATUS_ERROR, SnippetException("KeyError", "'x'", "", 2))
    silent = result("snippets/s.py", STATUS_ERROR, SnippetException("SystemExit", "", "", None))
    assert [r.summary for r in (crashed, skipped, bare, silent)] == [
        "crashed: killed by signal 11 (SIGSEGV) at line 4", "not run: cell 1 failed", "KeyError: 'x'", "SystemExit"]
    assert [r.location for r in (crashed, bare)] == ["snippets/c.py", "snippets/b.py:2"]


def test_durations_keep_milliseconds_visible():
    assert [format_duration(s) for s in (0.0004, 0.0, 0.0123, 0.85, 1.0, 2.414)] == [
        "<1 ms", "<1 ms", "12 ms", "850 ms", "1.00 s", "2.41 s"]


def test_a_snippet_is_shown_from_the_current_folder_when_it_lies_inside(tmp_path):
    project = tmp_path / "course"
    assert display_path(str(project), "snippets/x.py", tmp_path) == "course/snippets/x.py"
    assert display_path(str(project), "snippets/x.py", tmp_path / "elsewhere") == str(project / "snippets/x.py")


def test_check_results_pair_each_lesson_with_its_captures_and_split_cell_files(tmp_path):
    from cuecast.model import CellResult, Lesson, Location

    def lesson(name):
        return Lesson(id=name, title=name, source=f"script/{name}.yaml", root=str(tmp_path),
                      location=Location(f"script/{name}.yaml"))

    cells = (CellResult(0, 1, "Make a tensor", 1, 3, STATUS_OK),
             CellResult(1, 2, "", 5, 7, STATUS_ERROR, exception=SnippetException("ValueError", "bad", "", 6)))
    cell_file = Capture(snippet="snippets/cells.py", status=STATUS_ERROR, output="", cells=cells)
    plain = Capture(snippet="snippets/a.py", status=STATUS_OK, output="")
    results = check_results([lesson("one"), lesson("two")],
                            [{"snippets/a.py": plain}, {"snippets/cells.py": cell_file}], cwd=tmp_path)
    assert [(r.lesson_id, r.snippet, r.path, r.passed) for r in results] == [
        ("one", "snippets/a.py", "snippets/a.py", True),
        ("two", "snippets/cells.py::Make a tensor", "snippets/cells.py", True),
        ("two", "snippets/cells.py::cell 2", "snippets/cells.py", False),
    ]
    assert results[0].file_capture is None and results[2].file_capture is cell_file
    assert failure_lines(results) == ["snippets/cells.py:6: ValueError: bad"]
    assert results[1].shown == "snippets/cells.py::Make a tensor"


def test_golden_drift_fails_a_passing_snippet_in_junit_and_annotations(tmp_path):
    drifted = dataclasses.replace(RESULTS[0], drift="output differs from golden/ok.txt", drift_detail="-1\n+2\n")
    path = write_junit(tmp_path / "build" / "check.xml", [drifted])
    case = ET.parse(path).getroot().find("testsuite/testcase")
    failure = case.find("failure")
    assert (failure.get("type"), failure.get("message"), failure.text) == (
        "GoldenDrift", "output differs from golden/ok.txt", "-1\n+2\n")
    assert github_annotations([drifted]) == ["::error file=snippets/ok.py::output differs from golden/ok.txt"]


def test_the_table_has_a_row_per_result_with_its_time_status_and_cache():
    from rich.console import Console

    console = Console(width=150, record=True, color_system=None)
    console.print(results_table(RESULTS))
    rows = [line.split() for line in console.export_text().splitlines() if "snippets/" in line]
    assert rows == [
        ["intro", "snippets/ok.py", "cpu", "500", "ms", "ok", "yes"],
        ["intro", "snippets/x.py", "cpu", "500", "ms", "error"],
        ["intro", "snippets/teach.py", "cpu", "500", "ms", "expected-error"],
        ["other", "snippets/should_fail.py", "cpu", "500", "ms", "missing-error"],
        ["other", "snippets/slow.py", "cpu", "500", "ms", "timeout"],
    ]
