"""The review page (``index.html``): video, cue rows, thumbnails, snippets,
problems and links to the other outputs, in one file."""

from pathlib import Path

from cuecast.output_context import OutputContext
from cuecast.review import review_page, write_page


def write(context: OutputContext, path: Path) -> Path:
    page = review_page(context.lesson, context.captures, context.timeline, context.build_dir, context.outputs,
                       context.slides, context.video_state, context.problems)
    return write_page(page, path)
