"""``render timeline``: narrate, plan and write what video editors import.

For each lesson: captures from the runner (served from cache when nothing
changed), one voice clip per beat (cached), the Timeline, then every export
into ``build/<lesson id>/``; a summary says what was planned and where each
file went.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import click

from cuecast.cli.common import (
    FiniteFloatRange,
    device_option,
    jobs_option,
    lesson_target_argument,
    parse_size,
    relative_path,
    reports_errors,
)
from cuecast.report import timecode



@click.command(name="timeline")
@lesson_target_argument
@click.option("--voice", "voice_spec", default=None, metavar="espeak|none|recorded:DIR",
              help="Narration voice; wins over the script's `voice:` (default: espeak).")
@click.option("--rate", type=FiniteFloatRange(min=1, max=1000), default=None, help="Words per minute (default 160).")
@click.option("--pitch", type=click.IntRange(0, 100), default=None, help="espeak pitch, 0-100 (default 50).")
@click.option("--voice-name", default=None, help="espeak voice, e.g. en-us (default), en, de.")
@click.option("--allow-missing", is_flag=True, help="recorded:DIR: time beats without a recording silently.")
@click.option("--size", default="1920x1080", show_default=True, metavar="WxH", callback=parse_size,
              help="Frame size of the video the timeline is cut for (the FCP XML sequence declares it).")
@click.option("--fps", type=click.IntRange(1, 120), default=30, show_default=True,
              help="Frame rate of the timeline and its timecodes.")
@device_option
@jobs_option
@click.option("--no-cache", is_flag=True, help="Re-run every snippet and re-synthesise every clip.")
@reports_errors
def command(target, voice_spec, rate, pitch, voice_name, allow_missing, size, fps, device, jobs, no_cache):
    """Write the editors' timeline of each lesson: timeline.otio / .edl / .xml,
    captions.srt / .vtt, chapters.vtt and the cue sheet cues.csv / .json."""
    from cuecast.export import WRITERS, render_timeline
    from cuecast.narrate import lesson_voice, voice_cache_dir
    from cuecast.deck.layout import lesson_page_counts
    from cuecast.plan import PlanOptions
    from cuecast.runner import RunOptions, run_lessons
    from cuecast.script import load_lessons

    described = {name: what for name, what, _ in WRITERS}
    lessons = load_lessons(target)
    all_captures = run_lessons(lessons, RunOptions(device=device, jobs=jobs, use_cache=not no_cache))
    for lesson, captures in zip(lessons, all_captures):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            voice = lesson_voice(lesson, voice_spec, rate=rate, pitch=pitch, name=voice_name,
                                 allow_missing=allow_missing)
        for warning in caught:
            click.echo(f"warning: {warning.message}", err=True)

        def on_event(kind, beat_id, message):
            if kind == "missing":
                click.echo(f"warning: {beat_id}: {message}", err=True)

        build_dir = Path(lesson.root) / "build" / lesson.id
        timeline, written = render_timeline(
            lesson, captures, voice, build_dir, voice_cache_dir(Path(lesson.root)),
            refresh=no_cache, options=PlanOptions(fps=fps), page_counts=lesson_page_counts(lesson, captures), on_event=on_event, size=size,
        )
        failed = [c.snippet for c in captures.values() if not c.passed]
        sections = sum(1 for _ in lesson.walk())
        cues = sum(1 for _ in lesson.cues())
        click.echo(
            f"{lesson.id}: {sections} sections, {cues} cues, {len(timeline.narration)} narrated beats, "
            f"{timecode(timeline.duration)} long; voice {voice.describe()}"
        )
        for name, path in written.items():
            click.echo(f"  {relative_path(path):<40} {described[name]}")
        if failed:
            click.echo(f"warning: {len(failed)} snippet(s) failed ({', '.join(failed)}); "
                       "their errors are on the timeline; run `render check` for details", err=True)
