"""The video (``video.mp4``): the encoded segment clips joined without
re-encoding and muxed with the narration track (the video stage encodes
both; ``context.video`` holds them)."""

from pathlib import Path

from cuecast.output_context import OutputContext
from cuecast.video.compose import join_segments


def write(context: OutputContext, path: Path) -> Path:
    parts = context.video
    return join_segments(list(parts.clips), parts.narration, path, parts.work, parts.registry)
