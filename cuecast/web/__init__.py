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

from typing import TYPE_CHECKING

from cuecast.defaults import FRAME_SIZE

if TYPE_CHECKING:
    from cuecast.web.page import PageCapture

__all__ = ["PageCapture", "Pages", "WebWarning", "lesson_pages", "pages_for_video"]

#: What the package offers, loaded on first use: ``cuecast.web.reach`` is
#: asked on its own by a build with nothing to do (``noop_build``), which has
#: no use for the model, the browser or the cache.
_LAZY = {"PageCapture": "cuecast.web.page", "Pages": "cuecast.web.page",
         "WebWarning": "cuecast.web.pages", "lesson_pages": "cuecast.web.pages"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cuecast.web' has no attribute {name!r}")


def pages_for_video(lesson, size: tuple[int, int] = FRAME_SIZE, refresh: bool = False) -> dict[str, "PageCapture"]:
    """The lesson's pages captured for a ``size`` video: at the page area of
    its browser window, which is also what the slides show."""
    from cuecast.web.pages import lesson_pages
    from cuecast.web.window import page_viewport

    return lesson_pages(lesson, page_viewport(size), refresh=refresh)
