"""``render video``: the narrated screen-capture video of each lesson.

``render build --only video``: the snippets run (or come from the cache),
the narration (cached), the Timeline and its exports (the per-segment
media written here are the ones the timeline links), then
``build/<lesson id>/video.mp4`` with a progress bar; prints the path.
"""

from __future__ import annotations

import click

from cuecast.cli.common import lesson_target_argument, relative_path, reports_errors
from cuecast.cli.options import build_options, executor_option, deck_options, frame_options, run_options, voice_options


@click.command(name="video")
@lesson_target_argument
@frame_options
@voice_options
@deck_options
@run_options
@executor_option
@reports_errors
def command(target, **params):
    """Render the narrated video of each lesson: build/<lesson>/video.mp4
    (H.264 + AAC) and the per-segment media its timeline links."""
    from cuecast.cli.pipeline import run_pipeline, stage_outputs, warn_failed_snippets

    written = []
    for build in run_pipeline(target, build_options(params, ("video",))):
        warn_failed_snippets(build, "their errors are shown in the video")
        written += [path for key, path in stage_outputs(build, "video").items() if key == "video"]
    for path in written:
        click.echo(relative_path(path))
