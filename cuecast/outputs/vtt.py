"""The narration as WebVTT captions (``captions.vtt``), which the review page's player shows."""

from pathlib import Path

from cuecast.export.captions import write_vtt
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_vtt(context.timeline, path)
