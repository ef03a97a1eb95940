"""``render build``: the whole course in one command, under one progress display."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import click

from cuecast.cli.common import device_option, jobs_option, lesson_target_argument, reports_errors, relative_path, parse_size, memory_limit_option, seconds_type
from cuecast.errors import EXIT_FAILED
from cuecast.report import format_duration

STAGE_CHOICES = ("check", "slides", "timeline", "video", "notebook", "review")


def _parse_only(ctx, param, value):
    if not value:
        return STAGE_CHOICES
    stages = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [s for s in stages if s not in STAGE_CHOICES]
    if unknown:
        raise click.BadParameter(
            f"unknown stage {unknown[0]!r} (expected one of: {', '.join(STAGE_CHOICES)})"
        )
    return stages




class BuildDisplay:
    """A rich progress bar per lesson on a terminal; plain lines otherwise
    (CI logs), one per finished stage."""

    def __init__(self, console):
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = console
        self.live = console.is_terminal
        self.progress = Progress(
            TextColumn("[bold]{task.fields[lesson]}"), TextColumn("{task.description}"),
            BarColumn(), TimeElapsedColumn(), console=console, transient=True,
        ) if self.live else None
        self.tasks: dict[str, int] = {}

    def __enter__(self):
        if self.progress:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self.progress:
            self.progress.__exit__(*exc)

    def on_progress(self, lesson_id: str, stage: str, fraction, message: str) -> None:
        if self.progress is None:
            if fraction == 1.0 and message:
                self.console.print(f"{lesson_id}: {stage} {message}", highlight=False)
            return
        if lesson_id not in self.tasks:
            self.tasks[lesson_id] = self.progress.add_task(stage, total=len(STAGE_CHOICES), lesson=lesson_id)
        task = self.tasks[lesson_id]
        done = STAGE_CHOICES.index(stage) + (fraction or 0.0)
        self.progress.update(task, description=stage, completed=done)

    def on_run_event(self, event) -> None:
        if event.kind == "finished" and event.capture is not None and not event.capture.cached:
            text = f"ran {event.snippet} ({event.capture.status}, {format_duration(event.capture.duration)})"
            if self.progress is not None:
                self.progress.console.print(f"[dim]{event.lesson_id}: {text}")
            else:
                self.console.print(f"{event.lesson_id}: {text}", highlight=False)


#: Warning categories Python's default filters do not show to a user.
QUIET_WARNINGS = (ResourceWarning, DeprecationWarning, PendingDeprecationWarning, ImportWarning)


@click.command(name="build")
@lesson_target_argument
@click.option("--only", callback=_parse_only, default=None, metavar="STAGES",
              help=f"Comma-separated stages to build: {','.join(STAGE_CHOICES)} (default: all).")
@device_option
@jobs_option
@click.option("--voice", default=None, metavar="espeak|none|recorded:DIR",
              help="Narration voice; wins over the script's `voice:`.")
@click.option("--timeout", type=seconds_type(), default=None,
              help="Seconds a snippet may run when its cue sets no timeout (default 60).")
@click.option("--size", callback=parse_size, default="1920x1080", show_default=True, metavar="WxH",
              help="Video size in pixels.")
@click.option("--fps", type=click.IntRange(1, 120), default=30, show_default=True, help="Video frames per second.")
@click.option("--captions", type=click.Choice(["none", "burn"]), default="none", show_default=True,
              help="Burn captions into the video (sidecar .srt/.vtt are always written).")
@click.option("--no-cache", is_flag=True,
              help="Build from scratch: re-run every snippet, re-synthesise narration, re-encode every segment.")
@memory_limit_option
@click.option("--refresh-web", is_flag=True,
              help="Capture the pages of browser cues again (they are kept in build/.cache/web/ otherwise).")
@click.option("--executor", default="local", show_default=True, metavar="local|ray|ray://HOST:PORT",
              help="Where the work runs: this machine's cores, a Ray started here, or an existing Ray cluster "
              "(snippets, slide drawing and video segments as Ray tasks; needs pip install cuecast[ray]).")
@reports_errors
def command(target, only, device, jobs, voice, timeout, size, fps, captions, no_cache, memory_limit, refresh_web,
            executor):
    """Build everything for each lesson (default: every script under script/):
    run and check the snippets, then the deck, the timeline and captions, the
    video, the notebook and the review page.  Work whose inputs did not
    change is skipped.  Exits 1 if a snippet failed (the outputs are still
    written, showing the error), 2 for a bad script or option, 130 when
    interrupted (Ctrl-C or SIGTERM; previous outputs stay as they were).
    A second build of the same project waits for the first (build/.lock)."""
    from rich.console import Console
    from rich.table import Table

    from cuecast.build import BuildOptions, build_lessons
    from cuecast.executors import check_spec
    from cuecast.atomic import sweep_leftovers
    from cuecast.lock import project_locks
    from cuecast.script import load_lessons
    from cuecast.signals import sigterm_interrupts

    lessons = load_lessons(target)
    options = BuildOptions(only=only, device=device, jobs=jobs, timeout=timeout, use_cache=not no_cache,
                           voice=voice, size=size, fps=fps, captions=captions,
                           memory_limit=memory_limit, refresh_web=refresh_web, executor=check_spec(executor))
    console = Console(stderr=True)
    build_dirs = [Path(lesson.root) / "build" for lesson in lessons]
    with sigterm_interrupts(), project_locks(build_dirs, on_wait=lambda text: click.echo(text, err=True)):
        for folder in dict.fromkeys(build_dirs):  # what a killed build left behind: ours to sweep, under the lock
            sweep_leftovers(folder, older_than=0)
        with BuildDisplay(console) as display, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # e.g. espeak unavailable: said once, plainly, below
            builds = build_lessons(lessons, options, display.on_progress, display.on_run_event)
    ours = [w for w in caught if w.category.__module__.startswith("cuecast")]
    for w in caught:
        # what Python itself would show: not the resource and deprecation
        # notices its default filters hide from users
        if w not in ours and not issubclass(w.category, QUIET_WARNINGS):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    for message in dict.fromkeys(str(w.message) for w in ours):
        click.echo(f"warning: {message}", err=True)

    out = Console(file=sys.stdout, soft_wrap=True)
    table = Table(title="render build", show_lines=False)
    for column in ("lesson", "stage", "status", "time", "details"):
        table.add_column(column)
    for build in builds:
        build_dir = Path(build.lesson.root) / "build" / build.lesson.id
        for result in build.results:
            status = {"failed": "[red]failed", "built": "[green]built"}.get(result.status, result.status)
            names = ", ".join(os.path.relpath(p, build_dir) for p in result.outputs.values())
            details = "; ".join(part for part in (result.note, names) if part)
            table.add_row(result.lesson_id, result.stage, status, f"{result.seconds:.2f} s", details)
    out.print(table)
    for build in builds:
        out.print(f"\n[bold]{build.lesson.title}[/] ({build.lesson.source})")
        for result in build.results:
            for label, path in result.outputs.items():
                out.print(f"  {label:<26} {relative_path(path)}", highlight=False)
    from cuecast.report import check_results, failure_lines

    failed = failure_lines(check_results([b.lesson for b in builds],
                                         [{c.snippet: c for c in b.failed_snippets} for b in builds]))
    for line in failed:
        click.echo(f"error: {line}", err=True)
    if failed:
        click.echo(f"{len(failed)} snippet(s) failed; run `render check` for details", err=True)
        sys.exit(EXIT_FAILED)
