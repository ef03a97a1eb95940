"""The deck as PowerPoint (``slides.pptx``), native shapes from the laid-out deck."""

from pathlib import Path

from cuecast.deck.pptx_writer import write_pptx
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_pptx(context.deck, context.theme, path)
