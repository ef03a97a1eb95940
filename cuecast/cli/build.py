"""``render build``: the whole course in one command, under one progress display."""

from __future__ import annotations

import sys

import click

from cuecast.cli.common import lesson_target_argument, reports_errors
from cuecast.cli.options import all_options, build_options, executor_option
from cuecast.stages import stage_names

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
    from cuecast.cli import noop_build
    from cuecast.cli.build_summary import summary_of, summary_text
    from cuecast.cli.pipeline import exit_if_failed, run_pipeline
    from cuecast.cli.text_table import output_width

    if pdf:
        from cuecast.deck.pdf import require_soffice

        require_soffice()  # said before any work is done
    said: list[str] = []
    builds = run_pipeline(target, build_options(params, only, pdf="slides" if pdf else None), stage_lines=True,
                          said=said)
    color = sys.stdout.isatty()
    summary = summary_of(builds)
    click.echo(summary_text(summary, color, output_width(color)))
    noop_build.settle(builds, summary, said)
    exit_if_failed(builds)
