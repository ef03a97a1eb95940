"""The timeline as OpenTimelineIO (``timeline.otio``); the OTIO value is
shared with the EDL and FCP XML, which are converted from it."""

from pathlib import Path

from cuecast.export.otio_writer import shared_otio, write_otio
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_otio(shared_otio(context), path)
