"""Real web pages for ``browser`` cues, captured with headless Chromium.

    address   which URLs a cue may show (http(s), project files), where Chromium finds them
    reach     can the server be reached at all (asked before starting a browser)
    devtools  headless Chromium over the DevTools protocol, every wait bounded
    capture   one page at one viewport: a viewport screenshot and a taller one to scroll
    cache     captures kept under build/.cache/web/ by URL and size
    pages     a lesson's pages, captured once per build, with a warning for each fallback

The deck (``cuecast.deck.web_layout``) and the video
(``cuecast.video.web_scene``) receive the result as plain data
(``PageCapture`` by URL); a cue without one shows the simulated page.
"""

from __future__ import annotations

from cuecast.defaults import FRAME_SIZE
from cuecast.web.page import PageCapture, Pages
from cuecast.web.pages import WebWarning, lesson_pages

__all__ = ["PageCapture", "Pages", "WebWarning", "lesson_pages", "pages_for_video"]


def pages_for_video(lesson, size: tuple[int, int] = FRAME_SIZE, refresh: bool = False) -> dict[str, PageCapture]:
    """The lesson's pages captured for a ``size`` video: at the page area of
    its browser window, which is also what the slides show."""
    from cuecast.web.window import page_viewport

    return lesson_pages(lesson, page_viewport(size), refresh=refresh)
