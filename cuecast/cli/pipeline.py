"""Running the build pipeline for a subcommand: the one path from a script
to its outputs.

``render slides``, ``timeline`` and ``video`` are ``render build --only
<stage>`` with their own summary, so they share its project lock, its
sweep of what a killed build left, its progress display, its record of
what is current and its handling of warnings: a stage built by ``render
slides`` is skipped by the next ``render build``, and the reverse.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Optional

import click

#: Warning categories Python's default filters do not show to a user.
QUIET_WARNINGS = (ResourceWarning, DeprecationWarning, PendingDeprecationWarning, ImportWarning)


class BuildDisplay:
    """A rich progress bar per lesson on a terminal; otherwise (CI logs) a
    plain line per finished stage when ``lines`` is set (``render build``;
    the single-stage views print a summary of their own instead).  rich is
    imported for the terminal's bars only: a log's lines are plain text."""

    def __init__(self, stages, lines: bool = True, live: Optional[bool] = None):
        self.stages = tuple(stages)
        self.live = sys.stderr.isatty() if live is None else live
        self.lines = lines
        self.progress = self._bars() if self.live else None
        self.tasks: dict[str, int] = {}

    @staticmethod
    def _bars():
        """A progress bar per lesson, on stderr."""
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        return Progress(TextColumn("[bold]{task.fields[lesson]}"), TextColumn("{task.description}"),
                        BarColumn(), TimeElapsedColumn(), console=Console(stderr=True), transient=True)

    def __enter__(self):
        if self.progress:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self.progress:
            self.progress.__exit__(*exc)

    def on_progress(self, lesson_id: str, stage: str, fraction, message: str) -> None:
        if self.progress is None:
            if self.lines and fraction == 1.0 and message:
                click.echo(f"{lesson_id}: {stage} {message}", err=True)
            return
        if lesson_id not in self.tasks:
            self.tasks[lesson_id] = self.progress.add_task(stage, total=len(self.stages), lesson=lesson_id)
        done = (self.stages.index(stage) if stage in self.stages else 0) + (fraction or 0.0)
        self.progress.update(self.tasks[lesson_id], description=stage, completed=done)

    def on_run_event(self, event) -> None:
        if event.kind == "finished" and event.capture is not None and not event.capture.cached:
            from cuecast.check.report import format_duration  # a snippet ran: not on a no-op build

            text = f"ran {event.snippet} ({event.capture.status}, {format_duration(event.capture.duration)})"
            if self.progress is not None:
                self.progress.console.print(f"[dim]{event.lesson_id}: {text}")
            elif self.lines:
                click.echo(f"{event.lesson_id}: {text}", err=True)


def run_pipeline(target: Optional[Path], options, stage_lines: bool = False, said: Optional[list] = None) -> list:
    """Build ``options.only`` (and the stages they need) for the lessons at
    ``target`` under the project lock; returns the ``LessonBuild``s.  What
    cuecast warns about (espeak missing, a page that fell back) is printed
    once as a ``warning:`` line after the progress display is gone (and
    added to ``said``, as printed)."""
    from cuecast.atomic import sweep_leftovers
    from cuecast.catalogue import build_lessons
    from cuecast.lock import project_locks
    from cuecast.parse_cache import load_lessons
    from cuecast.signals import sigterm_interrupts
    from cuecast.stages import stages_to_run

    lessons = load_lessons(target)
    build_dirs = [Path(lesson.root) / "build" for lesson in lessons]
    with sigterm_interrupts(), project_locks(build_dirs, on_wait=lambda text: click.echo(text, err=True)):
        for folder in dict.fromkeys(build_dirs):  # what a killed build left behind: ours to sweep, under the lock
            sweep_leftovers(folder, older_than=0)
        display = BuildDisplay(stages_to_run(options.only), stage_lines)
        with display, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # e.g. espeak unavailable: said once, plainly, below
            builds = build_lessons(lessons, options, display.on_progress, display.on_run_event)
    printed = say_warnings(caught)
    if said is not None:
        said.extend(printed)
    return builds


def say_warnings(caught) -> list[str]:
    """What cuecast warned about (``caught`` by ``warnings.catch_warnings``),
    once each, as a ``warning:`` line on stderr; other warnings as Python
    itself would show them (not the resource and deprecation notices its
    default filters hide from users).  Returns the text written."""
    ours = [w for w in caught if w.category.__module__.startswith("cuecast")]
    printed = []
    for w in caught:
        if w not in ours and not issubclass(w.category, QUIET_WARNINGS):
            text = warnings.formatwarning(w.message, w.category, w.filename, w.lineno)
            sys.stderr.write(text)
            printed.append(text)
    for message in dict.fromkeys(str(w.message) for w in ours):
        click.echo(f"warning: {message}", err=True)
        printed.append(f"warning: {message}\n")
    return printed


def warn_failed_snippets(build, where: str) -> None:
    """The subcommands that write a stage's outputs go on past a failing
    snippet (its error is shown ``where``) and say so on stderr."""
    failed = [capture.snippet for capture in build.failed_snippets]
    if failed:
        click.echo(f"warning: {len(failed)} snippet(s) failed ({', '.join(failed)}); {where}", err=True)


def stage_outputs(build, stage: str) -> dict[str, Path]:
    """What ``stage`` wrote (or found current) for one lesson."""
    return next((result.outputs for result in build.results if result.stage == stage), {})


def exit_if_failed(builds) -> None:
    """Each failed snippet as ``error: file:line: reason``, then exit 1."""
    if not any(build.failed_snippets for build in builds):
        return  # the report's imports are for failures only
    from cuecast.errors import EXIT_FAILED
    from cuecast.check.report import check_results, failure_lines

    failed = failure_lines(check_results([b.lesson for b in builds],
                                         [{c.snippet: c for c in b.failed_snippets} for b in builds]))
    for line in failed:
        click.echo(f"error: {line}", err=True)
    if failed:
        click.echo(f"{len(failed)} snippet(s) failed; run `render check` for details", err=True)
        sys.exit(EXIT_FAILED)
