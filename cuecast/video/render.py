"""Where the video stage keeps its segment clips, and the deck's slides as
the video's pictures (the build's video stage draws them from the deck it
laid out once; the video benchmark from a deck of its own)."""

from __future__ import annotations

from typing import Mapping

from cuecast.errors import CuecastError
from cuecast.model import Capture, Lesson

#: Under the lesson's build folder: segment clips kept between renders.
CLIP_CACHE = ".video-cache"


def deck_slide_image(lesson: Lesson, captures: Mapping[str, Capture], theme, size: tuple[int, int], pages=None):
    """A ``slide_image(slide_id)`` drawing the deck's slides with the deck's
    own raster drawer, so the video shows exactly the deck."""
    from cuecast.deck.layout import layout_deck
    from cuecast.deck.raster import draw_slide

    deck = layout_deck(lesson, captures, theme, pages)
    slides = {slide.id: slide for slide in deck.slides}

    def slide_image(slide_id: str):
        slide = slides.get(slide_id)
        if slide is None:
            raise CuecastError(f"the timeline shows slide '{slide_id}', which the deck of '{lesson.id}' does not have")
        return draw_slide(slide, theme, size)

    return slide_image
