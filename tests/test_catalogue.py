"""Several lessons built at once on this machine (``cuecast.catalogue``):
each lesson's later stages in a forked child, the same files and the same
progress as one lesson after another, errors and warnings where a
one-at-a-time build would have had them."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pytest

from cuecast.build import BuildOptions, LessonBuilder
from cuecast.catalogue import build_lessons
from cuecast.errors import CuecastError
from cuecast.script import load_lessons
from tests.support.catalogue_lessons import make_catalogue, outputs

NO_VIDEO = BuildOptions(only=("check", "slides", "timeline", "notebook", "review"), device="cpu", voice="none")


def build(project: Path, jobs: int, events: list | None = None):
    options = BuildOptions(**{**NO_VIDEO.__dict__, "jobs": jobs})
    record = (lambda *event: events.append(event[:2] + (event[2], event[3]))) if events is not None else None
    return build_lessons(load_lessons(project / "script"), options, record)


def forget_outputs(project: Path) -> None:
    """Every lesson's outputs gone, the snippets' captures kept."""
    for folder in (project / "build").iterdir():
        if folder.is_dir() and not folder.name.startswith("."):
            shutil.rmtree(folder)


@pytest.fixture(scope="module")
def built_catalogue(tmp_path_factory):
    root = make_catalogue(tmp_path_factory.mktemp("catalogue") / "project", lessons=3)
    build(root, jobs=1)  # runs the snippets once; the tests below share their captures
    return root


def test_lessons_at_once_give_the_files_and_progress_of_one_at_a_time(built_catalogue, monkeypatch, tmp_path):
    forget_outputs(built_catalogue)
    one_events: list = []
    one = build(built_catalogue, jobs=1, events=one_events)
    one_files = outputs(built_catalogue)

    forget_outputs(built_catalogue)
    pids = tmp_path / "pids"
    pids.mkdir()
    notebook = LessonBuilder.stage_notebook

    def noted(self):
        (pids / self.build.lesson.id).write_text(str(os.getpid()))
        return notebook(self)

    monkeypatch.setattr(LessonBuilder, "stage_notebook", noted)
    many_events: list = []
    many = build(built_catalogue, jobs=3, events=many_events)

    built_by = {path.name: int(path.read_text()) for path in pids.iterdir()}
    assert sorted(built_by) == ["lesson-1", "lesson-2", "lesson-3"]
    assert built_by["lesson-1"] == os.getpid()  # the first here, which warms what the children share
    children = {built_by["lesson-2"], built_by["lesson-3"]}
    assert os.getpid() not in children and len(children) == 2
    assert outputs(built_catalogue) == one_files
    assert many_events == one_events and len(many_events) == 3 * (2 * 5 + 1)  # check announced 0.0 twice
    assert [[(r.stage, r.status, r.outputs) for r in b.results] for b in many] == \
           [[(r.stage, r.status, r.outputs) for r in b.results] for b in one]
    assert {r.status for b in many for r in b.results if r.stage != "check"} == {"built"}


def test_a_failing_lesson_stops_the_build_in_lesson_order(built_catalogue, monkeypatch):
    forget_outputs(built_catalogue)
    review = LessonBuilder.stage_review

    def failing(self):
        if self.build.lesson.id == "lesson-2":
            warnings.warn("lesson-2 says this once", UserWarning)
            raise CuecastError("lesson-2 cannot be reviewed")
        return review(self)

    monkeypatch.setattr(LessonBuilder, "stage_review", failing)
    events: list = []
    with warnings.catch_warnings(record=True) as caught, pytest.raises(CuecastError, match="lesson-2 cannot"):
        warnings.simplefilter("always")
        build(built_catalogue, jobs=2, events=events)
    assert [str(w.message) for w in caught] == ["lesson-2 says this once"]
    finished = [(lesson, stage) for lesson, stage, fraction, _ in events if fraction == 1.0]
    assert ("lesson-1", "review") in finished  # lesson 1 told in full
    assert ("lesson-2", "notebook") in finished and ("lesson-2", "review") not in finished
    assert not [lesson for lesson, _ in finished if lesson == "lesson-3"]  # not told: the build stopped before
    assert not [p for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == os.getpid()
                and "python" in _name(p) and not _is_resource_tracker(p)], "a child was left running"


def _parent(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _is_resource_tracker(proc: Path) -> bool:
    """multiprocessing's resource tracker: one per interpreter, started by the
    first spawned pool (Piper's synthesis workers, in an earlier test of this
    process) and kept for the interpreter's life by design; not a build's child."""
    try:
        return b"multiprocessing.resource_tracker" in (proc / "cmdline").read_bytes()
    except OSError:
        return False


def _name(proc: Path) -> str:
    try:
        return (proc / "comm").read_text()
    except OSError:
        return ""
