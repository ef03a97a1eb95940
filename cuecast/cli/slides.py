"""``render slides``: the deck a course author presents and edits.

``render build --only slides`` with a summary of its own: the snippets run
(or come from the cache), the deck is laid out once, then
``build/<lesson id>/slides.pptx`` and one image per slide in
``build/<lesson id>/slides/NN-<slide id>.png`` (the review page and the
video show them; only slides whose layout changed are drawn); with
``--pdf``, ``build/<lesson id>/slides.pdf`` converted from the pptx by
LibreOffice (``--handout``: each slide above its speaker notes).
"""

from __future__ import annotations

import click

from cuecast.cli.common import lesson_target_argument, relative_path, reports_errors
from cuecast.cli.options import build_options, executor_option, deck_options, run_options


@click.command(name="slides")
@lesson_target_argument
@click.option("--png", is_flag=True, hidden=True,
              help="Kept for old scripts: the slide images are always drawn (only those that changed).")
@deck_options
@run_options
@executor_option
@click.option("--pdf", is_flag=True, help="Also write build/<lesson>/slides.pdf (needs LibreOffice).")
@click.option("--handout", is_flag=True, help="Make the PDF a handout: each slide above its speaker notes "
              "(implies --pdf).")
@reports_errors
def command(target, png, pdf, handout, **params):
    """Write the slide deck of each lesson: build/<lesson>/slides.pptx, native
    and editable, with every snippet's real output on its slide, and each
    slide as a PNG in build/<lesson>/slides/."""
    from cuecast.cli.pipeline import run_pipeline, stage_outputs, warn_failed_snippets

    pdf = "handout" if handout else ("slides" if pdf else None)
    if pdf:
        from cuecast.deck.pdf import require_soffice

        require_soffice()  # said before any work is done
    builds = run_pipeline(target, build_options(params, ("slides",), pdf=pdf))
    written = []
    for build in builds:
        outputs = stage_outputs(build, "slides")
        click.echo(f"{build.lesson.id}: {len(build.slides)} slides")
        if pdf:
            click.echo(f"  {pdf if pdf == 'handout' else 'slides'} converted to PDF by LibreOffice")
        warn_failed_snippets(build, "their errors are shown on their slides")
        written += [outputs[key] for key in ("deck", "slide images", "pdf") if key in outputs]
    for path in written:
        click.echo(relative_path(path))
