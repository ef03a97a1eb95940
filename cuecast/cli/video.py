"""``render video``: the narrated screen-capture video of each lesson.

For each lesson: captures from the runner (cached), narration (cached), the
Timeline and its exports (as ``render timeline`` writes them, so the
timeline's per-segment media written here are the ones it links), then
``build/<lesson id>/video.mp4`` with a progress bar; prints the path.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import click

from cuecast.cli.common import device_option, jobs_option, lesson_target_argument, reports_errors, relative_path, parse_size
from cuecast.cli.common import captured_pages, refresh_web_option




@click.command(name="video")
@lesson_target_argument
@click.option("--size", default="1920x1080", show_default=True, metavar="WxH",
              callback=parse_size, help="Frame size in pixels.")
@click.option("--fps", type=click.IntRange(1, 120), default=30, show_default=True, help="Frames per second.")
@click.option("--captions", type=click.Choice(["none", "burn"]), default="none", show_default=True,
              help="burn: draw the narration on the frames (the .srt/.vtt sidecars are written either way).")
@click.option("--voice", "voice_spec", default=None, metavar="espeak|none|recorded:DIR",
              help="Narration voice; wins over the script's `voice:` (default: espeak).")
@click.option("--allow-missing", is_flag=True, help="recorded:DIR: time beats without a recording silently.")
@device_option
@jobs_option
@click.option("--no-cache", is_flag=True,
              help="Re-run every snippet, re-synthesise every clip and re-encode every segment.")
@refresh_web_option
@reports_errors
def command(target, size, fps, captions, voice_spec, allow_missing, device, jobs, no_cache, refresh_web):
    """Render the narrated video of each lesson: build/<lesson>/video.mp4
    (H.264 + AAC) and the per-segment media its timeline links."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from cuecast.export import render_timeline
    from cuecast.narrate import lesson_voice, voice_cache_dir
    from cuecast.deck.layout import lesson_page_counts
    from cuecast.plan import PlanOptions
    from cuecast.runner import RunOptions, run_lessons
    from cuecast.script import load_lessons
    from cuecast.video.render import render_lesson_video

    lessons = load_lessons(target)
    all_captures = run_lessons(lessons, RunOptions(device=device, jobs=jobs, use_cache=not no_cache))
    written: list[Path] = []
    for lesson, captures in zip(lessons, all_captures):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            voice = lesson_voice(lesson, voice_spec, allow_missing=allow_missing)
        for warning in caught:
            click.echo(f"warning: {warning.message}", err=True)
        build_dir = Path(lesson.root) / "build" / lesson.id
        pages = captured_pages(lesson, size, refresh_web)
        timeline, _ = render_timeline(
            lesson, captures, voice, build_dir, voice_cache_dir(Path(lesson.root)),
            refresh=no_cache, options=PlanOptions(fps=fps), page_counts=lesson_page_counts(lesson, captures), size=size,
        )
        with Progress(
            TextColumn(f"[bold]{lesson.id}[/] video"), BarColumn(), TextColumn("{task.fields[where]}"),
            TimeRemainingColumn(), transient=True,
        ) as bar:
            task = bar.add_task("video", total=max(timeline.duration, 0.001), where="")

            def on_progress(done: float, total: float) -> None:
                bar.update(task, completed=done, where=f"{done:5.1f}/{total:.1f} s")

            path = render_lesson_video(lesson, captures, timeline, build_dir, size=size, fps=fps,
                                       captions=captions, on_progress=on_progress, use_cache=not no_cache,
                                       pages=pages)
        failed = [c.snippet for c in captures.values() if not c.passed]
        if failed:
            click.echo(f"warning: {len(failed)} snippet(s) failed ({', '.join(failed)}); "
                       "their errors are shown in the video", err=True)
        written.append(path)
    for path in written:
        click.echo(relative_path(path))
