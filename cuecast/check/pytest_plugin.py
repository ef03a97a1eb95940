"""``pytest --cuecast``: every snippet of every lesson as a pytest test item.

Like nbmake does for notebooks, a lesson script becomes a test file and each
snippet cue a test, named after where the lesson says it::

    script/pytorch-intro.yaml::casting::casting-1[snippets/casting.py]

so ``-k casting``, ``--lf``, JUnit reports and pytest-xdist work as for any
test.  Running an item runs the snippet through cuecast's runner (the same
worker processes, seeding and cache as ``render check``); it fails with the
snippet's own traceback, or, with ``--cuecast-golden``, with the diff against
its golden file.

The plugin is installed for every pytest run (entry point ``pytest11``) but
stays out of the way unless ``--cuecast`` is given, and even then it only
collects YAML files that were named on the command line (or lie in a folder
that was) or lie under the project's ``script/`` folder, and that look like
lessons (a top-level ``lesson:`` key).
Nothing here imports torch; only the runner's worker processes do.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from cuecast.check import golden
from cuecast.model import (
    STATUS_CRASHED,
    STATUS_MISSING_ERROR,
    STATUS_NOT_RUN,
    STATUS_TIMEOUT,
    Beat,
    Capture,
    Cue,
    Lesson,
    Section,
)
from cuecast.shown import run_capture, shown_name, unit_name

LESSON_SUFFIXES = (".yaml", ".yml")
#: The folder lessons live in by convention; YAML elsewhere is only collected
#: when named on the command line.
SCRIPT_FOLDER = "script"
_LESSON_KEY = re.compile(r"^lesson\s*:", re.MULTILINE)

_STATE = pytest.StashKey["CuecastState"]()


def pytest_addoption(parser):
    group = parser.getgroup("cuecast", "cuecast lesson snippets")
    group.addoption("--cuecast", action="store_true", default=False,
                    help="collect every snippet of every lesson (YAML under script/ or named) as a test item")
    group.addoption("--cuecast-golden", action="store_true", default=False,
                    help="also compare each snippet's output with its golden file beside the script")
    group.addoption("--cuecast-rtol", type=float, default=golden.DEFAULT_RTOL,
                    help=f"relative tolerance for numbers in golden output (default {golden.DEFAULT_RTOL})")
    group.addoption("--cuecast-atol", type=float, default=golden.DEFAULT_ATOL,
                    help=f"absolute tolerance for numbers in golden output (default {golden.DEFAULT_ATOL})")
    group.addoption("--cuecast-device", choices=("auto", "cpu", "cuda", "mps"), default="auto",
                    help="where snippets run (default auto: CUDA, then MPS, then CPU)")
    group.addoption("--cuecast-timeout", type=float, default=None,
                    help="seconds a snippet may run when its cue sets no timeout")
    group.addoption("--cuecast-no-cache", action="store_true", default=False,
                    help="re-run every snippet instead of serving unchanged ones from the capture cache")


def pytest_configure(config):
    config.addinivalue_line("markers", "cuecast: a lesson snippet collected by --cuecast")
    if config.getoption("cuecast"):
        config.stash[_STATE] = CuecastState(config)


def pytest_unconfigure(config):
    state = config.stash.get(_STATE, None)
    if state is not None:
        state.close()


def pytest_collect_file(file_path: Path, parent):
    config = parent.config
    if not config.getoption("cuecast") or file_path.suffix not in LESSON_SUFFIXES:
        return None
    if not (_named_on_command_line(file_path, config) or _under_script_folder(file_path, config)):
        return None
    if not _looks_like_lesson(file_path):
        return None
    return LessonFile.from_parent(parent, path=file_path)


def _named_on_command_line(path: Path, config) -> bool:
    """The file, or a folder above it, was given as an argument (not merely
    reached through the ``testpaths`` default, so a plain ``pytest --cuecast``
    leaves lesson fixtures under ``tests/`` alone)."""
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return False
    resolved = path.resolve()
    for arg in config.args:
        candidate = Path(str(arg).split("::", 1)[0])
        if not candidate.is_absolute():
            candidate = Path(config.invocation_params.dir) / candidate
        candidate = candidate.resolve()
        if candidate == resolved or candidate in resolved.parents:
            return True
    return False


def _under_script_folder(path: Path, config) -> bool:
    """The project's own ``script/`` folder (beside pytest's rootdir)."""
    return (config.rootpath / SCRIPT_FOLDER).resolve() in path.resolve().parents


def _looks_like_lesson(path: Path) -> bool:
    try:
        return bool(_LESSON_KEY.search(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


# --- collection ------------------------------------------------------------------


class LessonFile(pytest.File):
    """A lesson script; collects one ``SectionNode`` per (sub)section that has
    snippets to run."""

    def collect(self):
        from cuecast.script import load_lessons

        lessons = load_lessons(self.path)
        for lesson in lessons:
            prefix = f"{lesson.id}::" if len(lessons) > 1 else ""
            seen: set[tuple] = set()
            for section in lesson.walk():
                cues = []
                for beat in section.beats:
                    cue = beat.cue
                    if cue is not None and cue.snippet and (cue.snippet, cue.cell) not in seen:
                        seen.add((cue.snippet, cue.cell))  # a file once, or each of its cells once
                        cues.append((beat, cue))
                if cues:
                    yield SectionNode.from_parent(
                        self, name=f"{prefix}{section.id}", lesson=lesson, section=section, cues=cues
                    )

    def repr_failure(self, excinfo, style=None):
        from cuecast.errors import CuecastError

        if isinstance(excinfo.value, CuecastError):
            return _format_cuecast_error(excinfo.value)
        return super().repr_failure(excinfo)


class SectionNode(pytest.Collector):
    """One section of a lesson: its snippet cues, in script order."""

    def __init__(self, *, lesson: Lesson, section: Section, cues: list[tuple[Beat, Cue]], **kwargs):
        super().__init__(**kwargs)
        self.lesson = lesson
        self.section = section
        self.cues = cues

    def collect(self):
        for beat, cue in self.cues:
            yield SnippetItem.from_parent(
                self, name=f"{beat.id}[{shown_name(cue)}]", lesson=self.lesson, beat=beat, cue=cue
            )


class SnippetFailed(Exception):
    """The snippet did not pass; carries its Capture for the report."""

    def __init__(self, capture: Capture):
        super().__init__(capture.status)
        self.capture = capture


class GoldenDrifted(Exception):
    """The snippet ran, but its output is not what its golden file says."""

    def __init__(self, result: golden.GoldenResult):
        super().__init__(result.message)
        self.result = result


class SnippetItem(pytest.Item):
    """Runs one snippet through the session's shared runner."""

    def __init__(self, *, lesson: Lesson, beat: Beat, cue: Cue, **kwargs):
        super().__init__(**kwargs)
        self.lesson = lesson
        self.beat = beat
        self.cue = cue
        self.add_marker(pytest.mark.cuecast)

    def runtest(self):
        state: CuecastState = self.config.stash[_STATE]
        capture = run_capture(self.cue, {self.cue.snippet: state.capture_for(self)})
        if capture.output:
            self.add_report_section("call", "snippet output", capture.output)
        if not capture.passed:
            raise SnippetFailed(capture)
        if state.golden:
            # the golden files render check keeps: this cell's, or (a whole cell file) each cell's
            whole = state.capture_for(self)
            names = golden.golden_units(whole)
            wanted = [(n, u) for n, u in names if self.cue.cell is None or u.cell == capture.cell] or [
                (unit_name(capture), capture)]
            for name, unit in wanted:
                result = golden.check_snippet_golden(self.lesson, name, unit, state.rtol, state.atol, cue=self.cue)
                if not result.passed:
                    raise GoldenDrifted(result)

    def repr_failure(self, excinfo, style=None):
        from cuecast.errors import CuecastError

        error = excinfo.value
        where = f"{shown_name(self.cue)} (cue at {self.cue.location})"
        if isinstance(error, SnippetFailed):
            return f"{where}\n{_describe_failure(error.capture)}"
        if isinstance(error, GoldenDrifted):
            return f"{where}\n{error.result.report()}"
        if isinstance(error, CuecastError):
            return _format_cuecast_error(error)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, max(self.cue.location.line - 1, 0), f"{self.lesson.id}: {shown_name(self.cue)}"


def _describe_failure(capture: Capture) -> str:
    """The snippet's traceback (pointing into the snippet file), or why it
    never finished."""
    if capture.status == STATUS_MISSING_ERROR:
        return "the cue says expect_error: true, but the snippet ran without raising"
    if capture.status in (STATUS_TIMEOUT, STATUS_CRASHED, STATUS_NOT_RUN) or capture.exception is None:
        return capture.reason or f"snippet {capture.status}"
    exc = capture.exception
    return exc.traceback.rstrip("\n") or f"{exc.type}: {exc.message}"


def _format_cuecast_error(error) -> str:
    from cuecast.diagnostics import format_diagnostics

    if error.diagnostics:
        return format_diagnostics(error.diagnostics, Path.cwd())
    return f"{error}" + (f"\nhint: {error.hint}" if error.hint else "")


# --- running -----------------------------------------------------------------------


class CuecastState:
    """Session-wide settings and the one runner every item shares.

    The runner starts on the first item that runs (collection alone, e.g.
    ``--collect-only``, starts nothing) and is closed when the session ends.
    Without xdist, the first item of a lesson runs every selected snippet of
    that lesson in one batch, so the runner's workers run them side by side;
    under xdist each worker runs only the items it is given, one at a time.
    """

    def __init__(self, config):
        self.config = config
        self.golden = config.getoption("cuecast_golden")
        self.rtol = config.getoption("cuecast_rtol")
        self.atol = config.getoption("cuecast_atol")
        self.device = config.getoption("cuecast_device")
        self.timeout = config.getoption("cuecast_timeout")
        self.use_cache = not config.getoption("cuecast_no_cache")
        self.distributed = hasattr(config, "workerinput")
        self._runner = None
        self._captures: dict[tuple[str, str], Capture] = {}

    def options(self):
        from cuecast.runner import RunOptions

        kwargs = dict(device=self.device, use_cache=self.use_cache)
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        if self.distributed:
            kwargs["jobs"] = 1  # xdist already runs one process per core
        return RunOptions(**kwargs)

    def capture_for(self, item: SnippetItem) -> Capture:
        key = (item.lesson.source, item.cue.snippet)
        if key not in self._captures:
            batch = [item] if self.distributed else self._pending_batch(item)
            cues = [(other.beat, other.cue) for other in batch]
            for snippet, capture in self._run(item.lesson, cues).items():
                self._captures[(item.lesson.source, snippet)] = capture
        return self._captures[key]

    def _pending_batch(self, item: SnippetItem) -> list[SnippetItem]:
        """This item and every later selected item of the same lesson."""
        batch = [item]
        for other in item.session.items:
            if (
                isinstance(other, SnippetItem)
                and other is not item
                and other.lesson.source == item.lesson.source
                and (other.lesson.source, other.cue.snippet) not in self._captures
            ):
                batch.append(other)
        return batch

    def _run(self, lesson: Lesson, cues: list[tuple[Beat, Cue]]) -> dict[str, Capture]:
        if self._runner is None:
            from cuecast.runner import Runner

            self._runner = Runner(self.options())
        return self._runner.run_lesson(_only(lesson, cues))

    def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.close()


def _only(lesson: Lesson, cues: list[tuple[Beat, Cue]]) -> Lesson:
    """The lesson cut down to the beats of the given cues' files, so the
    runner runs just the selected snippets (``-k``, xdist's share) and
    nothing else; every cue of a selected file stays, since the cells it
    selects and their ``expect_error`` shape that file's run."""
    files = {cue.snippet for _, cue in cues}
    beats = tuple(beat for _, beat in lesson.beats() if beat.cue is not None and beat.cue.snippet in files)
    section = Section(id="selected", title=lesson.title, location=lesson.location, beats=beats)
    return dataclasses.replace(lesson, sections=(section,))
