"""``render timeline``: narrate, plan and write what video editors import.

``render build --only timeline`` with a summary of its own: the snippets
run (or come from the cache), one voice clip per beat (cached), the deck
laid out for its pages per cue, the Timeline, then every export into
``build/<lesson id>/``; the summary says what was planned and where each
file went.
"""

from __future__ import annotations

import click

from cuecast.cli.common import lesson_target_argument, relative_path, reports_errors
from cuecast.cli.options import build_options, executor_option, deck_options, frame_options, run_options, voice_options
from cuecast.check.report import timecode


@click.command(name="timeline")
@lesson_target_argument
@voice_options
@frame_options
@deck_options
@run_options
@executor_option
@reports_errors
def command(target, **params):
    """Write the editors' timeline of each lesson: timeline.otio / .edl / .xml
    / .kdenlive, captions.srt / .vtt, chapters.vtt, the cue sheet cues.csv /
    .json and the recording list narration.csv."""
    from cuecast.outputs import output_label
    from cuecast.cli.pipeline import run_pipeline, stage_outputs, warn_failed_snippets

    for build in run_pipeline(target, build_options(params, ("timeline",))):
        lesson, timeline = build.lesson, build.timeline
        sections = sum(1 for _ in lesson.walk())
        cues = sum(1 for _ in lesson.cues())
        click.echo(
            f"{lesson.id}: {sections} sections, {cues} cues, {len(timeline.narration)} narrated beats, "
            f"{timecode(timeline.duration)} long; voice {build.voice}"
        )
        for key, path in stage_outputs(build, "timeline").items():
            click.echo(f"  {relative_path(path):<40} {output_label(key)}")
        warn_failed_snippets(build, "their errors are on the timeline; run `render check` for details")
