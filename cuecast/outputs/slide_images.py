"""The slides as PNGs (``slides/``): drawn from the same boxes as the deck,
only those whose layout changed (``deck.raster.write_pngs``)."""

from pathlib import Path

from cuecast.deck.raster import write_pngs
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    write_pngs(context.deck, context.theme, path)
    return path
