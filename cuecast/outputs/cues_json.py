"""The cue sheet as JSON (``cues.json``): the CSV's rows plus the timeline's totals."""

from pathlib import Path

from cuecast.export.cuesheet import shared_rows, write_json
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_json(shared_rows(context), context.timeline, path)
