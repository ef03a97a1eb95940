"""``render watch``: rebuild what changed whenever a script, snippet, theme
file or narration take is saved.

It runs ``render build``'s incremental stages on a snippet runner kept warm
for the whole watch (torch imported once), so a save rebuilds only what it
touched: the changed snippet, its slides, its video segments.  A broken
script is reported and the watch goes on, so an author can fix it and save
again.  ``render preview`` does the same and shows it in a browser.
"""

from __future__ import annotations

import threading
from pathlib import Path

import click

from cuecast.cli.build import _parse_only
from cuecast.cli.common import lesson_target_argument, reports_errors
from cuecast.cli.options import all_options, build_options
from cuecast.diagnostics import format_diagnostics
from cuecast.errors import CuecastError
from cuecast.shown import unit_name, units
from cuecast.stages import stage_names
from cuecast.watching import watched_folders


def rebuild(target, options, echo, runner=None) -> list[str]:
    """One build of every lesson in ``target``; returns 'lesson: stage' for
    each stage that did work, so the user sees what a save touched."""
    import warnings

    from cuecast.catalogue import build_lessons
    from cuecast.cli.pipeline import say_warnings
    from cuecast.script import load_lessons

    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # said once each, plainly, after the build
        try:
            lessons = load_lessons(target)
            builds = build_lessons(lessons, options, runner=runner)
        except CuecastError as exc:
            error = exc
    say_warnings(caught)
    if error is not None:
        if error.diagnostics:
            echo(format_diagnostics(error.diagnostics, Path.cwd()), err=True)
        else:
            echo(f"error: {error}", err=True)
        echo("waiting for the next save…", err=True)
        return []
    done = [f"{r.lesson_id}: {r.stage}" for b in builds for r in b.results if r.status in ("built", "failed")]
    for build in builds:
        for capture in (unit for failed in build.failed_snippets for unit in units(failed) if not unit.passed):
            echo(f"  {unit_name(capture)}: {capture.status} "
                 f"{capture.reason or (capture.exception.message if capture.exception else '')}", err=True)
    if "video" not in options.only and any(r.stage == "review" for b in builds for r in b.results):
        from cuecast.outputs import output_path

        for build in builds:
            video = output_path("video", Path(build.lesson.root) / "build" / build.lesson.id)
            if video.exists():
                echo(f"  {build.lesson.id}: video.mp4 is not rebuilt (--only); the review page marks it stale "
                     f"when it is", err=True)
    return done


@click.command(name="watch")
@lesson_target_argument
@click.option("--only", callback=lambda ctx, param, value: _parse_only(ctx, param, value) if value else None,
              default=None, metavar="STAGES",
              help=f"Stages to rebuild on save: {','.join(stage_names())} (default: all).")
@all_options
@click.option("--max-rebuilds", type=int, default=None, hidden=True, help="Stop after N rebuilds (tests).")
@reports_errors
def command(target, only, max_rebuilds, **params):
    """Watch script/, snippets/, slides/ and the recordings folder of a
    recorded voice, and rebuild what a save changed: only the changed
    snippets run (on a worker that keeps torch imported), only changed slides
    are drawn and only changed video segments encoded.  ``render preview``
    shows the result in a browser as it happens."""
    import queue

    from cuecast.build import run_options
    from cuecast.preview.lifetime import interrupt_main, watch_parent
    from cuecast.runner import Runner
    from cuecast.signals import sigterm_interrupts
    from cuecast.watching import watch_saves

    options = build_options(params, only or stage_names())
    folders = watched_folders(target, options.voice)
    saves: queue.Queue = queue.Queue()
    stop = threading.Event()
    # the builds run on this thread: a parent gone stops them as Ctrl-C does
    watch_parent(stop, lambda reason: interrupt_main(reason, lambda text: click.echo(text, err=True)))
    with Runner(run_options(options)) as runner, sigterm_interrupts():
        runner.prestart(1)  # torch is imported while the first build checks its caches
        built = rebuild(target, options, click.echo, runner)
        click.echo(f"built: {', '.join(built) or 'nothing changed'}")
        click.echo(f"watching {', '.join(folders)} (Ctrl-C to stop)")
        watch_saves(folders, lambda paths, at: saves.put(paths), stop)
        rebuilds = 0
        try:
            while max_rebuilds is None or rebuilds < max_rebuilds:
                try:
                    paths = saves.get(timeout=0.5)
                except queue.Empty:
                    continue
                while not saves.empty():  # saves made during the last build: one rebuild
                    paths += saves.get_nowait()
                click.echo(f"changed: {', '.join(sorted({Path(path).name for path in paths}))}")
                built = rebuild(target, options, click.echo, runner)
                click.echo(f"rebuilt: {', '.join(built) or 'nothing (outputs already up to date)'}")
                rebuilds += 1
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
