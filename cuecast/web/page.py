"""What a captured web page hands on to the deck and the video: plain data.

A ``PageCapture`` names files in the capture cache rather than holding
pixels, so it pickles and fingerprints cheaply; ``digest`` changes whenever
the pixels do, which is what the build's stage fingerprints and the video's
segment cache need to know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class PageCapture:
    """One page as headless Chromium drew it.

    ``view`` is the viewport screenshot (what the slide shows, and the video's
    first picture of the page); ``full`` is the top of the page, up to a
    screen taller than the viewport, which the video scrolls through.  Both are
    ``viewport`` wide; ``full_height`` is the height of ``full``.
    ``captured_at`` is an ISO 8601 UTC time (the slide notes say when).
    """

    url: str  # as the cue gives it
    viewport: tuple[int, int]
    view: str
    full: str
    full_height: int
    title: str
    captured_at: str
    digest: str

    @property
    def captured_on(self) -> str:
        """The capture's date for people: ``2025-01-31``."""
        return self.captured_at[:10]


#: What the deck and the video receive: captured pages by the cue's URL; a
#: browser cue whose URL is missing shows the simulated page.
Pages = Mapping[str, PageCapture]
