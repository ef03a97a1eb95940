"""The cue sheet as CSV (``cues.csv``): one row per segment, for whoever records the screen."""

from pathlib import Path

from cuecast.export.cuesheet import shared_rows, write_csv
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_csv(shared_rows(context), path)
