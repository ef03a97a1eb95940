"""The narration as SRT captions (``captions.srt``)."""

from pathlib import Path

from cuecast.export.captions import write_srt
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_srt(context.timeline, path)
