"""``render check [SCRIPT|DIR]``: prove that every snippet still runs.

Runs (or serves from cache) every snippet of one lesson or of every lesson
under a folder, shows progress on stderr, prints a table, lists each failure
as ``file:line: last traceback line`` and exits 1 if any snippet failed.  All
snippets always run (there is no stop-at-first-failure): one report names
every broken snippet.

The work is split so later checks (golden output, say) plug in between:
``run_check`` returns the results, ``report_check`` shows them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable, Optional, Sequence

import click

from cuecast.cli.common import FiniteFloatRange, lesson_target_argument, reports_errors
from cuecast.cli.options import build_options, executor_option, run_options
from cuecast.errors import BuildFailed
from cuecast.check.golden import DEFAULT_ATOL, DEFAULT_RTOL
from cuecast.check.report import CheckResult, format_duration


def run_check(target: Optional[Path], options, on_event: Optional[Callable] = None) -> list[CheckResult]:
    """The build's check stage (``BuildOptions`` ``options``) for the lessons
    at ``target``; one result per snippet of each lesson.  With ``--no-cache``
    the workers start before the script is parsed, so torch's import overlaps
    the parsing."""
    from cuecast.build import run_options as runner_options, run_snippets
    from cuecast.check.report import check_results
    from cuecast.executors import open_executor, using
    from cuecast.script import load_lessons

    with open_executor(options.executor, options.jobs) as executor, using(executor), \
            executor.runner(runner_options(options), on_event) as runner:
        if not options.use_cache:
            runner.prestart()
        lessons = load_lessons(target)
        builds = run_snippets(lessons, options, runner=runner)
    return check_results(lessons, [build.captures for build in builds])


class Progress:
    """Progress on stderr: a rich bar on a terminal, a plain line per snippet
    otherwise (CI logs), nothing for snippets served from cache in plain mode
    beyond one summary line."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.fancy = self.stream.isatty() and os.environ.get("TERM") != "dumb"
        self.total = 0
        self.done = 0
        self._bar = None
        self._task = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

        self._bar = Bar(
            TextColumn("[bold]running snippets"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=Console(file=self.stream),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task("", total=self.total)

    def __call__(self, event) -> None:
        from cuecast.runner import FINISHED, PLANNED, STARTED

        if event.kind == PLANNED:
            self.total += event.total
            if event.cached:
                self.stream.write(f"{event.cached} of {event.total} snippets served from cache\n")
            if self.fancy and event.total > event.cached:
                if self._bar is None:
                    self._start_bar()
                else:  # another device's snippets, planned after the first group's
                    self._bar.update(self._task, total=self.total)
        elif event.kind == STARTED:
            if self._bar is not None:
                self._bar.update(self._task, description=event.snippet)
        elif event.kind == FINISHED:
            self.done += 1
            capture = event.capture
            if self._bar is not None:
                self._bar.update(self._task, completed=self.done)
            elif not capture.cached:
                self.stream.write(
                    f"[{self.done}/{self.total}] {capture.status:<14} {event.snippet} ({format_duration(capture.duration)})\n"
                )
                self.stream.flush()


def with_drift(results: Sequence[CheckResult], verdicts) -> list[CheckResult]:
    """The check's results with each failed golden verdict attached, so the
    JUnit file and the GitHub annotations report drift as well as crashes."""
    import dataclasses

    failed = {(v.lesson_id, v.snippet): v for v in verdicts if not v.passed}
    merged = []
    for result in results:
        verdict = failed.get((result.lesson_id, result.snippet))
        if verdict is not None:
            result = dataclasses.replace(result, drift=verdict.message,
                                         drift_detail=verdict.drift.diff if verdict.drift else verdict.message)
        merged.append(result)
    return merged


def report_check(results: Sequence[CheckResult], junit: Optional[Path] = None) -> None:
    """Table on stdout, failures, JUnit and GitHub annotations; raises
    ``BuildFailed`` (exit 1) if any snippet failed."""
    from rich.console import Console

    from rich.markup import escape

    from cuecast.check.report import failures, github_annotations, results_table, summary_line, verdict, write_junit

    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, width=120)  # CI logs: room for long snippet paths
    if results:
        console.print(results_table(results))
    failed = failures(results)
    for result in failed:
        # the location and reason are the snippet's words ("[exit status 3]"): never markup
        console.print(f"\n[bold red]FAILED[/] {escape(result.location)}: {escape(result.summary)}", markup=True,
                      soft_wrap=True)
        exception = result.capture.exception
        if result.capture.status == "error" and exception and exception.traceback.strip():
            console.print(exception.traceback.rstrip(), markup=False, soft_wrap=True)
    if junit is not None:
        write_junit(junit, results)
    if os.environ.get("GITHUB_ACTIONS"):
        for line in github_annotations(results):
            click.echo(line)
    console.print(summary_line(results), markup=False)
    if failed:
        raise BuildFailed(verdict(results))


@click.command(name="check")
@lesson_target_argument
@run_options
@executor_option
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the results as JUnit XML to this file.")
@click.option("--golden", is_flag=True,
              help="Also compare each snippet's output with script/<lesson>.golden/; drift fails the check.")
@click.option("--update-golden", is_flag=True, help="Write the golden files from this run (implies --golden).")
@click.option("--golden-per-device", is_flag=True,
              help="With --update-golden: where this device prints differently from the shared golden "
                   "file, write <snippet>.<device>.txt for that snippet alone.")
@click.option("--rtol", type=FiniteFloatRange(min=0), default=DEFAULT_RTOL, show_default=True,
              help="Relative tolerance for numbers in golden output.")
@click.option("--atol", type=FiniteFloatRange(min=0), default=DEFAULT_ATOL, show_default=True,
              help="Absolute tolerance for numbers in golden output.")
@reports_errors
def command(target, junit, golden, update_golden, golden_per_device, rtol, atol, **params):
    """Run every snippet of the lesson(s) and report which fail.

    TARGET is a lesson script or a folder of them (default: script/).  Every
    snippet runs even after a failure; exits 1 if any failed, 2 for a bad
    script or option.  With GITHUB_ACTIONS set, failures are also printed as
    ::error annotations.
    """
    options = build_options(params, ("check",))
    with Progress() as progress:
        results = run_check(target, options, progress)
    verdicts = []
    if golden or update_golden:
        from cuecast.check.golden import check_golden, format_golden_results

        verdicts = check_golden(target, results, rtol, atol, update=update_golden, per_device=golden_per_device)
        results = with_drift(results, verdicts)
    try:
        report_check(results, junit)
    finally:
        if verdicts:
            click.echo(format_golden_results(verdicts))
    drifted = [verdict for verdict in verdicts if not verdict.passed]
    if drifted:
        raise BuildFailed(f"{len(drifted)} snippet outputs differ from their golden files",
                          hint="if the change is intended: render check --update-golden, then review the diff in git")
