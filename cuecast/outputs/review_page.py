"""The review page (``index.html``): video, cue rows, thumbnails, snippets,
problems and links to the other outputs, in one file.  ``render preview``
sends the same page (``page``) in fragments."""

from pathlib import Path

from cuecast.output_context import OutputContext
from cuecast.review import ReviewPage, review_page, write_page


def page(context: OutputContext) -> ReviewPage:
    """The page as data, from what the build made."""
    return review_page(context.lesson, context.captures, context.timeline, context.build_dir, context.outputs,
                       context.slides, context.video_state, context.problems)


def write(context: OutputContext, path: Path) -> Path:
    return write_page(page(context), path)
