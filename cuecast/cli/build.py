"""``render build``: the whole course in one command, under one progress display."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cuecast.cli.common import lesson_target_argument, relative_path, reports_errors
from cuecast.cli.options import all_options, build_options, executor_option
from cuecast.stages import stage_names

#: How a stage's status is shown on a terminal (``click.style`` keywords).
STATUS_STYLES = {"failed": {"fg": "red"}, "built": {"fg": "green"}}


def _parse_only(ctx, param, value):
    names = stage_names()
    if not value:
        return names
    stages = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [s for s in stages if s not in names]
    if unknown:
        raise click.BadParameter(
            f"unknown stage {unknown[0]!r} (expected one of: {', '.join(names)})"
        )
    return stages


@click.command(name="build")
@lesson_target_argument
@click.option("--only", callback=_parse_only, default=None, metavar="STAGES",
              help=f"Comma-separated stages to build: {','.join(stage_names())} (default: all).")
@all_options
@executor_option
@click.option("--pdf", is_flag=True, help="Also convert the deck to build/<lesson>/slides.pdf (needs LibreOffice).")
@reports_errors
def command(target, only, pdf, **params):
    """Build everything for each lesson (default: every script under script/):
    run and check the snippets, then the deck, the timeline and captions, the
    video, the notebook and the review page.  Work whose inputs did not
    change is skipped.  Exits 1 if a snippet failed (the outputs are still
    written, showing the error), 2 for a bad script or option, 130 when
    interrupted (Ctrl-C or SIGTERM; previous outputs stay as they were).
    A second build of the same project waits for the first (build/.lock)."""
    from cuecast.outputs import output_label
    from cuecast.cli.pipeline import exit_if_failed, run_pipeline
    from cuecast.cli.text_table import draw_table, output_width

    if pdf:
        from cuecast.deck.pdf import require_soffice

        require_soffice()  # said before any work is done
    builds = run_pipeline(target, build_options(params, only, pdf="slides" if pdf else None), stage_lines=True)

    color = sys.stdout.isatty()
    rows, styles = [], []
    for build in builds:
        build_dir = Path(build.lesson.root) / "build" / build.lesson.id
        for result in build.results:
            names = ", ".join(os.path.relpath(p, build_dir) for p in result.outputs.values())
            details = "; ".join(part for part in (result.note, names) if part)
            rows.append((result.lesson_id, result.stage, result.status, f"{result.seconds:.2f} s", details))
            styles.append([None, None, STATUS_STYLES.get(result.status), None, None])
    click.echo(draw_table("render build", ("lesson", "stage", "status", "time", "details"), rows, styles,
                          color=color, width=output_width(color)))
    for build in builds:
        title = click.style(build.lesson.title, bold=True) if color else build.lesson.title
        click.echo(f"\n{title} ({build.lesson.source})")
        listed = [(output_label(key), path) for result in build.results for key, path in result.outputs.items()]
        width = max((len(label) for label, _ in listed), default=0)
        for label, path in listed:
            click.echo(f"  {label:<{width}}  {relative_path(path)}")
    exit_if_failed(builds)
