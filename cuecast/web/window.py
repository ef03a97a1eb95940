"""The browser window a video frame shows: how tall its chrome is and what
is left for the page.  A page is captured at that viewport (``pages_for_video``)
so the video's window (``video.browser``) shows it pixel for pixel."""

from __future__ import annotations


def chrome_heights(size: tuple[int, int]) -> tuple[int, int]:
    """Pixel heights of the window's tab strip and toolbar at this frame size."""
    s = size[1] / 1080
    return max(8, round(42 * s)), max(10, round(48 * s))


def page_viewport(size: tuple[int, int]) -> tuple[int, int]:
    """The page area of the browser window in a ``size`` frame: the viewport
    a real page is captured at, so it fills the window pixel for pixel."""
    return size[0], size[1] - sum(chrome_heights(size))
