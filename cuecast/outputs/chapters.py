"""The lesson's sections as WebVTT chapters (``chapters.vtt``)."""

from pathlib import Path

from cuecast.export.captions import write_chapters
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_chapters(context.timeline, context.lesson, path)
