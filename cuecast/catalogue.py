"""A catalogue's build: every lesson's snippets on one pool (``build_lessons``),
then their later stages, several lessons at a time, each in a forked child.

After the snippets (one pool for every lesson), a lesson's slides, timeline,
video, notebook and review page depend on that lesson alone, and they are
Python that holds the GIL for most of their time: threads would take turns
on one core.  So each lesson is built by a child forked from this process,
at most ``workers`` at a time, and the child sends back what its stages did.

The first lesson is built in this process, so that every child starts with
the stages' libraries imported.  What the user sees stays what a
one-at-a-time build shows, in the same order: a child records its progress
calls and warnings instead of making them, and this process replays a
lesson's record once that lesson and every lesson before it have finished.  A lesson whose stage raised stops the
build as it would have stopped there: earlier lessons are replayed, the
error is raised, children still running are stopped (each output is
written atomically, so each is old or complete).
"""

from __future__ import annotations

import os
import pickle
import signal
import warnings
from typing import TYPE_CHECKING, Optional, Sequence

from cuecast.build import BuildOptions, LessonBuild, LessonBuilder, Progress, run_snippets
from cuecast.errors import CuecastError
from cuecast.model import Lesson
from cuecast.stages import stage_modules, stages_to_run
from cuecast.witness import child_report, fork_for_the_run, merge_child

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


def build_lessons(
    lessons: Sequence[Lesson],
    options: BuildOptions = BuildOptions(),
    on_progress: Optional[Progress] = None,
    on_run_event=None,
    runner=None,
) -> list[LessonBuild]:
    """Build every lesson; returns what each stage did.  Snippet failures do
    not stop the build (their errors show on the slides and in the notebook);
    the caller decides the exit code from ``LessonBuild.failed_snippets``.
    ``runner`` (a ``cuecast.runner.Runner`` made with ``run_options(options)``)
    keeps its warm workers for the next build, as ``render watch`` does.
    ``options.executor`` says where the work runs (``cuecast.executors``);
    the lessons' later stages are built ``-j`` at a time (``build_stages``)."""
    from cuecast.executors import open_executor, using

    with open_executor(options.executor, options.jobs) as executor, using(executor):
        builds = run_snippets(lessons, options, on_progress, on_run_event, runner)
        build_stages(builds, options, on_progress, executor.lesson_workers)
    return builds


def build_one(build, options, on_progress, stages: Sequence[str]) -> None:
    builder = LessonBuilder(build, options, on_progress)
    for stage in stages:
        builder.run(stage)
    builder.notices.summarise(build.lesson.id)


def build_stages(builds: list, options, on_progress, workers: int) -> None:
    """Run ``options.only``'s stages for every lesson of ``builds`` (each a
    ``LessonBuild`` whose captures are known), ``workers`` lessons at once."""
    stages = stages_to_run(options.only)
    if workers <= 1 or len(builds) <= 1 or not hasattr(os, "fork"):
        for build in builds:
            build_one(build, options, on_progress, stages)
        return
    # The first lesson is built here: what the stages import and cache on
    # first use (python-pptx, OpenTimelineIO, the page template, fonts) is
    # then in every child from the fork, instead of paid again per lesson.
    build_one(builds[0], options, on_progress, stages)
    warm(stages)
    _in_children(builds[1:], options, on_progress, stages, workers)


def warm(stages: Sequence[str]) -> None:
    """Import what the stages' work imports (``Stage.modules``): a lesson
    whose stages were all skipped imported none of it, and each child would
    import it again."""
    import importlib

    for module in stage_modules(stages):
        importlib.import_module(module)


def _child(build, options, stages, conn: "Connection") -> None:
    """In the forked child: build one lesson, send back what happened, exit
    without running the parent's exit handlers (its workers are not ours)."""
    try:
        events: list[tuple] = []
        error: Optional[BaseException] = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                build_one(build, options, lambda *event: events.append(event), stages)
            except BaseException as exc:  # raised in the parent, in lesson order
                error = exc
        said = [(str(w.message), w.category, w.filename, w.lineno) for w in caught]
        try:
            payload = pickle.dumps((build.stage_values(), events, said, error, child_report()))
        except Exception:
            text = f"{type(error).__name__}: {error}" if error is not None else "unpicklable stage results"
            payload = pickle.dumps(({"results": build.results}, events, said, CuecastError(text), None))
        conn.send_bytes(payload)
    finally:
        os._exit(0)


def _in_children(builds: list, options, on_progress, stages, workers: int) -> None:
    from multiprocessing.connection import Pipe, wait  # only when lessons are built in children

    running: dict["Connection", tuple[int, int]] = {}  # connection → (lesson index, pid)
    finished: dict[int, tuple] = {}
    upcoming, replayed = 0, 0
    try:
        while replayed < len(builds):
            while upcoming < len(builds) and len(running) < workers:
                ours, theirs = Pipe(duplex=False)
                pid = fork_for_the_run()  # what the child reads is part of this build's trace
                if pid == 0:
                    ours.close()
                    _child(builds[upcoming], options, stages, theirs)
                theirs.close()
                running[ours] = (upcoming, pid)
                upcoming += 1
            for conn in wait(list(running)):
                index, pid = running.pop(conn)
                try:
                    finished[index] = pickle.loads(conn.recv_bytes())
                except (EOFError, OSError):
                    finished[index] = ({}, [], [], CuecastError(
                        f"the process building lesson '{builds[index].lesson.id}' died"), None)
                conn.close()
                os.waitpid(pid, 0)
            while replayed in finished:
                values, events, said, error, report = finished.pop(replayed)
                merge_child(report)
                for name, value in values.items():  # the child's stages filled these in
                    setattr(builds[replayed], name, value)
                for event in events:
                    if on_progress is not None:
                        on_progress(*event)
                for message, category, filename, lineno in said:
                    warnings.warn_explicit(message, category, filename, lineno)
                if error is not None:
                    raise error
                replayed += 1
    finally:
        _stop(running)


def _stop(running: dict) -> None:
    """Stop children still building (after an error or Ctrl-C) and reap them."""
    for conn, (_, pid) in running.items():
        conn.close()  # a child still sending gets a broken pipe, not a wait on us
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for _, pid in running.values():
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
