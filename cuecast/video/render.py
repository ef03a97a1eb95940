"""The whole video stage for one lesson, for ``render video`` and ``render
build``: the deck laid out once and drawn per slide segment, then the
Timeline composed into ``build/<lesson id>/video.mp4`` with its per-segment
media in ``build/<lesson id>/media/``."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Optional

from cuecast.errors import CuecastError
from cuecast.model import Capture, Lesson, Timeline
from cuecast.video.compose import Progress, compose_video

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


def render_lesson_video(
    lesson: Lesson,
    captures: Mapping[str, Capture],
    timeline: Timeline,
    build_dir: Path,
    theme=None,
    size: tuple[int, int] = (1920, 1080),
    fps: Optional[int] = None,
    captions: str = "none",
    on_progress: Optional[Progress] = None,
    use_cache: bool = True,
    pages=None,
) -> Path:
    """Write ``build_dir/video.mp4`` (and ``build_dir/media/``); returns its
    path.  ``theme`` defaults to the lesson's ``slides/theme.yaml``.  Segment
    clips are kept in ``build_dir/.video-cache/`` so that a re-render encodes
    only the segments that changed (``use_cache=False``: encode all).
    ``pages`` are the lesson's captured web pages (``cuecast.web``), shown on
    browser cues' slides and segments."""
    from cuecast.deck.templating import render_lesson

    lesson = render_lesson(lesson, captures)  # page titles and captions as the slides show them
    if theme is None:
        from cuecast.deck.theme import lesson_theme_path, load_theme

        theme = load_theme(lesson_theme_path(Path(lesson.root)))
    build_dir = Path(build_dir)
    return compose_video(
        timeline, lesson, captures, deck_slide_image(lesson, captures, theme, size, pages),
        build_dir / "video.mp4", size=size, fps=fps or timeline.fps, captions=captions,
        on_progress=on_progress, media_dir=build_dir / "media",
        cache_dir=build_dir / CLIP_CACHE if use_cache else None, pages=pages,
    )
