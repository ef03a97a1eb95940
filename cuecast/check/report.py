"""What ``render check`` tells people and machines about a run.

One ``CheckResult`` per snippet of each lesson, then writers that only read
them: the terminal table, the failure list (``file:line: last traceback
line``), JUnit XML for CI dashboards and GitHub Actions ``::error``
annotations.  Adding a writer (or a column, such as golden drift) means adding
a function here, not touching the runner.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from cuecast.model import (
    STATUS_CRASHED,
    STATUS_MISSING_ERROR,
    STATUS_NOT_RUN,
    STATUS_TIMEOUT,
    Capture,
    Lesson,
)
from cuecast.clock import clock_time
from cuecast.kinds import RUNS_SNIPPET, capture_runs
from cuecast.shown import count_units, unit_name, units


@dataclass(frozen=True)
class CheckResult:
    """One snippet of one lesson and what happened when it ran.

    ``path`` is the snippet file as the user should read it: relative to the
    current folder when it lies inside it (what GitHub annotations and editors
    expect), else absolute.
    """

    lesson_id: str
    lesson_source: str
    snippet: str
    path: str
    capture: Capture
    drift: str = ""  # with --golden: why the output differs from its golden file
    drift_detail: str = ""  # ... and the diff
    #: The whole file's Capture when ``capture`` is one of its cells.
    file_capture: Optional[Capture] = None

    @property
    def passed(self) -> bool:
        return self.capture.passed

    @property
    def line(self) -> Optional[int]:
        exception = self.capture.exception
        return exception.line if exception is not None else None

    @property
    def shown(self) -> str:
        """The file as the user reads it, and the cell when it is one."""
        return f"{self.path}::{self.capture.cell}" if self.capture.cell else self.path

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.shown

    @property
    def summary(self) -> str:
        """One line saying what went wrong: the last traceback line for an
        exception, the reason for a timeout or crash."""
        capture = self.capture
        if capture.status == STATUS_MISSING_ERROR:
            return "expected an error (expect_error: true) but the snippet ran to the end"
        if capture.status in (STATUS_TIMEOUT, STATUS_CRASHED):
            return f"{capture.status}: {capture.reason}"
        if capture.status == STATUS_NOT_RUN:
            return capture.reason
        exception = capture.exception
        if exception is None:
            return capture.status
        lines = [line for line in exception.traceback.splitlines() if line.strip()]
        if lines:
            return lines[-1].strip()
        return f"{exception.type}: {exception.message}" if exception.message else exception.type


def display_path(root: str, snippet: str, cwd: Optional[Path] = None) -> str:
    """Where a capture's file is, from here; a terminal cue's capture is named
    by its command (``$ pip --version``), which is shown as it is."""
    if capture_runs(snippet) != RUNS_SNIPPET:
        return snippet
    absolute = Path(root, snippet).resolve()
    base = (cwd or Path.cwd()).resolve()
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return str(absolute)


def check_results(
    lessons: Sequence[Lesson], captures: Sequence[dict[str, Capture]], cwd: Optional[Path] = None
) -> list[CheckResult]:
    """Pair each lesson's captures (as ``run_lessons`` returns them) with
    where they came from, in lesson order."""
    results = []
    for lesson, by_snippet in zip(lessons, captures):
        for snippet, capture in by_snippet.items():
            path = display_path(lesson.root, snippet, cwd)
            for unit in units(capture):  # the file, or each of its cells
                results.append(CheckResult(lesson.id, lesson.source, unit_name(unit), path, unit,
                                           file_capture=capture if unit.cell else None))
    return results


def failures(results: Iterable[CheckResult]) -> list[CheckResult]:
    return [result for result in results if not result.passed]


def failure_lines(results: Iterable[CheckResult]) -> list[str]:
    """``snippets/x.py:3: ZeroDivisionError: division by zero`` per failure."""
    return [f"{result.location}: {result.summary}" for result in failures(results)]


def format_duration(seconds: float) -> str:
    """``850 ms``, ``2.41 s``: snippets with torch already imported often
    take milliseconds, which ``0.00 s`` would hide."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.001 else "<1 ms"
    return f"{seconds:.2f} s"


#: A position in a lesson's video as people read it (``cuecast.clock``).
timecode = clock_time


# --- terminal ------------------------------------------------------------------

STATUS_STYLES = {
    "ok": "green",
    "expected-error": "green",
    "error": "bold red",
    "missing-error": "bold red",
    "timeout": "bold yellow",
    "crashed": "bold magenta",
    "not-run": "yellow",
}


def results_table(results: Sequence[CheckResult]):
    """A rich Table: lesson, snippet, device, time, status, cached."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name, justify in (
        ("lesson", "left"),
        ("snippet", "left"),
        ("device", "left"),
        ("time", "right"),
        ("status", "left"),
        ("cached", "left"),
    ):
        table.add_column(name, justify=justify, no_wrap=(name != "snippet"))
    for result in results:
        capture = result.capture
        status = capture.status
        table.add_row(
            result.lesson_id,
            result.shown,
            capture.device,
            format_duration(capture.duration),
            f"[{STATUS_STYLES.get(status, '')}]{status}[/]" if status in STATUS_STYLES else status,
            "yes" if capture.cached else "",
        )
    return table


def counted(results: Sequence[CheckResult]) -> str:
    """``13 snippets``, ``16 cells``, ``2 snippets, 16 cells and 1 command``:
    what a check counted."""
    return count_units([result.capture for result in results])


def verdict(results: Sequence[CheckResult]) -> str:
    """``all 13 snippets passed``; or the failures first, in numbers
    (``2 of 2 snippets and 1 cell passed`` read as all passed):
    ``1 failed, 2 passed, of 3: 2 snippets and 1 cell``."""
    failed = len(failures(results))
    what = counted(results)
    if not failed:
        return f"all {what} passed"
    of = f"{len(results)}: {what}" if " and " in what else what
    return f"{failed} failed, {len(results) - failed} passed, of {of}"


def summary_line(results: Sequence[CheckResult]) -> str:
    cached = sum(1 for r in results if r.capture.cached)
    return f"{verdict(results)} ({cached} from cache)"


# --- JUnit XML -------------------------------------------------------------------


def junit_xml(results: Sequence[CheckResult]) -> bytes:
    """JUnit XML: one ``testsuite`` per lesson, one ``testcase`` per snippet.

    A snippet that raised (or did not raise though ``expect_error`` said it
    would) is a ``failure``: the lesson is wrong.  A timeout or crash is an
    ``error``: the run could not finish the test.  Output goes to
    ``system-out``.
    """
    root = ET.Element("testsuites", name="render check")
    suites: dict[str, ET.Element] = {}
    counts: dict[str, dict[str, float]] = {}
    for result in results:
        suite = suites.get(result.lesson_id)
        if suite is None:
            suite = ET.SubElement(root, "testsuite", name=result.lesson_id, file=result.lesson_source)
            suites[result.lesson_id] = suite
            counts[result.lesson_id] = {"tests": 0, "failures": 0, "errors": 0, "time": 0.0}
        count = counts[result.lesson_id]
        capture = result.capture
        case = ET.SubElement(
            suite,
            "testcase",
            classname=result.lesson_id,
            name=result.snippet,
            file=result.path,
            time=f"{capture.duration:.3f}",
        )
        if result.line:
            case.set("line", str(result.line))
        count["tests"] += 1
        count["time"] += capture.duration
        if result.passed and result.drift:
            element = ET.SubElement(case, "failure", message=result.drift, type="GoldenDrift")
            element.text = result.drift_detail or result.drift
            count["failures"] += 1
        if not result.passed:
            is_error = capture.status in (STATUS_TIMEOUT, STATUS_CRASHED)
            element = ET.SubElement(
                case,
                "error" if is_error else "failure",
                message=result.summary,
                type=capture.exception.type if capture.exception else capture.status,
            )
            element.text = capture.exception.traceback if capture.exception else result.summary
            count["errors" if is_error else "failures"] += 1
        properties = ET.SubElement(case, "properties")
        for name, value in (
            ("status", capture.status),
            ("device", capture.device),
            ("device_name", capture.device_name),
            ("torch", capture.torch_version),
            ("cached", "true" if capture.cached else "false"),
        ):
            ET.SubElement(properties, "property", name=name, value=value)
        if capture.output:
            ET.SubElement(case, "system-out").text = _xml_safe(capture.output)
    totals = {"tests": 0, "failures": 0, "errors": 0, "time": 0.0}
    for lesson_id, suite in suites.items():
        count = counts[lesson_id]
        for name in ("tests", "failures", "errors"):
            suite.set(name, str(int(count[name])))
            totals[name] += count[name]
        suite.set("skipped", "0")
        suite.set("time", f"{count['time']:.3f}")
        totals["time"] += count["time"]
    for name in ("tests", "failures", "errors"):
        root.set(name, str(int(totals[name])))
    root.set("time", f"{totals['time']:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped."""
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 else f"\\x{ord(ch):02x}" for ch in text)


def write_junit(path: os.PathLike | str, results: Sequence[CheckResult]) -> Path:
    from cuecast.atomic import write_bytes

    return write_bytes(Path(path), junit_xml(results))


# --- GitHub Actions ----------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(results: Sequence[CheckResult]) -> list[str]:
    """``::error file=snippets/x.py,line=3::ZeroDivisionError: division by zero``
    per failure (and per golden drift), escaped the way the Actions runner expects."""
    lines = []
    for result in failures(results):
        props = f"file={_escape_property(result.path)}"
        if result.line:
            props += f",line={result.line}"
        lines.append(f"::error {props}::{_escape_data(result.summary)}")
    for result in results:
        if result.passed and result.drift:
            lines.append(f"::error file={_escape_property(result.path)}::{_escape_data(result.drift)}")
    return lines
