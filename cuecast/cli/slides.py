"""``render slides``: the deck a course author presents and edits.

For each lesson: captures from the runner (served from cache when nothing
changed, so a warm build never imports torch), the deck laid out once, then
``build/<lesson id>/slides.pptx`` and, with ``--png``, one image per slide
in ``build/<lesson id>/slides/NN-<slide id>.png`` drawn from the same layout;
with ``--pdf``, ``build/<lesson id>/slides.pdf`` converted from the pptx by
LibreOffice (``--handout``: each slide above its speaker notes).
"""

from __future__ import annotations

from pathlib import Path

import click

from cuecast.cli.common import (
    captured_pages, device_option, jobs_option, lesson_target_argument, refresh_web_option, relative_path,
    reports_errors,
)





@click.command(name="slides")
@lesson_target_argument
@click.option("--png", is_flag=True, help="Also draw every slide as a PNG into build/<lesson>/slides/.")
@click.option("--theme", "theme_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Theme YAML (default: slides/theme.yaml).")
@device_option
@jobs_option
@click.option("--no-cache", is_flag=True, help="Re-run every snippet instead of reusing cached captures.")
@click.option("--pdf", is_flag=True, help="Also write build/<lesson>/slides.pdf (needs LibreOffice).")
@click.option("--handout", is_flag=True, help="Make the PDF a handout: each slide above its speaker notes "
              "(implies --pdf).")
@refresh_web_option
@reports_errors
def command(target, png, theme_path, device, jobs, no_cache, pdf, handout, refresh_web):
    """Write the slide deck of each lesson: build/<lesson>/slides.pptx, native
    and editable, with every snippet's real output on its slide."""
    pdf = pdf or handout
    if pdf:
        from cuecast.deck.pdf import INSTALL_HINT, PdfUnavailable, find_soffice

        if find_soffice() is None:  # said before any work is done
            raise PdfUnavailable("--pdf needs LibreOffice (soffice), which is not installed", hint=INSTALL_HINT)
    from cuecast.deck.layout import layout_deck
    from cuecast.deck.pptx_writer import write_pptx
    from cuecast.deck.raster import write_pngs
    from cuecast.deck.theme import lesson_theme_path, load_theme
    from cuecast.runner import RunOptions, run_lessons
    from cuecast.script import load_lessons

    lessons = load_lessons(target)
    all_captures = run_lessons(lessons, RunOptions(device=device, jobs=jobs, use_cache=not no_cache))
    outputs: list[Path] = []
    for lesson, captures in zip(lessons, all_captures):
        root = Path(lesson.root)
        theme = load_theme(lesson_theme_path(root, theme_path))
        deck = layout_deck(lesson, captures, theme, captured_pages(lesson, (1920, 1080), refresh_web))
        build_dir = root / "build" / lesson.id
        pptx_path = write_pptx(deck, theme, build_dir / "slides.pptx")
        failed = [c.snippet for c in captures.values() if not c.passed]
        click.echo(f"{lesson.id}: {len(deck.slides)} slides")
        outputs.append(pptx_path)
        if png:
            images = write_pngs(deck, theme, build_dir / "slides")
            outputs.append(build_dir / "slides")
            click.echo(f"  {len(images)} images drawn")
        if pdf:
            from cuecast.deck.pdf import write_pdf

            outputs.append(write_pdf(pptx_path, build_dir / "slides.pdf", handout=handout))
            click.echo(f"  {'handout' if handout else 'slides'} converted to PDF by LibreOffice")
        if failed:
            click.echo(f"warning: {len(failed)} snippet(s) failed ({', '.join(failed)}); "
                       "their errors are shown on their slides", err=True)
    for path in outputs:
        click.echo(relative_path(path))
