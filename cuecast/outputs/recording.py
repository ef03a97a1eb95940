"""The recording list (``narration.csv``): each line a narrator records, with its file name."""

from pathlib import Path

from cuecast.export.recording import write_recording_list
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_recording_list(context.timeline, context.lesson, path)
