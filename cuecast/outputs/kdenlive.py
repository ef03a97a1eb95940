"""The timeline as a Kdenlive project (``timeline.kdenlive``, MLT XML)."""

from pathlib import Path

from cuecast.export.kdenlive import write_kdenlive
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_kdenlive(context.timeline, context.lesson, context.build_dir, path, context.size)
