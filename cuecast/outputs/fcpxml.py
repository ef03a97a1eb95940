"""The timeline as FCP 7 XML (``timeline.xml``); its sequence declares the
video's frame size, which an editor conforms the clips to."""

from pathlib import Path

from cuecast.export.fcpxml import write_fcpxml
from cuecast.export.otio_writer import shared_otio
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_fcpxml(shared_otio(context), path, context.timeline.fps, context.size)
