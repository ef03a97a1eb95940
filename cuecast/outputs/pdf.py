"""The deck as PDF (``slides.pdf``), converted from the PowerPoint file by
LibreOffice; a handout puts each slide's notes under it."""

from pathlib import Path

from cuecast.deck.pdf import write_pdf
from cuecast.output_context import OutputContext
from cuecast.outputs import output_path


def write(context: OutputContext, path: Path) -> Path:
    return write_pdf(output_path("deck", context.build_dir), path, handout=context.pdf == "handout")
