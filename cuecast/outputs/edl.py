"""The timeline as a CMX 3600 EDL (``timeline.edl``, picture only)."""

from pathlib import Path

from cuecast.export.edl import write_edl
from cuecast.export.otio_writer import shared_otio
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_edl(shared_otio(context), path)
