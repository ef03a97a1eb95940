"""A browser window opening a real page: the URL is typed and loads as in
the simulated window (``cuecast.video.browser``), then the captured page fills
the window, is held, scrolls smoothly a little way down and stays there.

The page is the tall screenshot ``cuecast.web`` took at the window's own page
size, so it is shown pixel for pixel, never scaled, and every frame of the
scroll is a crop of it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from PIL import Image

from cuecast.video.browser import BrowserContent, BrowserScene
from cuecast.web.page import PageCapture

#: Seconds the top of the page is held before the scroll starts (at most;
#: a short segment holds a quarter of the time the page is on screen).
HOLD_SECONDS = 1.0
#: Seconds the scroll takes, at most.
SCROLL_SECONDS = 2.5
#: Seconds the scrolled page is held at the end, at least.
SETTLE_SECONDS = 0.3
#: A scroll shorter than this would be a jump: the page is held instead.
MIN_SCROLL_SECONDS = 0.6


def smoothstep(t: float) -> float:
    """Ease in and out: starts and ends at rest, like a trackpad scroll."""
    t = min(1.0, max(0.0, t))
    return t * t * (3 - 2 * t)


class CapturedPageScene(BrowserScene):
    """``BrowserScene`` whose page is a real one (see the module docstring)."""

    def __init__(self, content: BrowserContent, page: PageCapture, size: tuple[int, int], fps: int,
                 n_frames: int):
        super().__init__(replace(content, title=page.title or content.title), size, fps, n_frames)
        self.page = page
        with Image.open(page.full) as full:
            picture = full.convert("RGB")
        width = size[0]
        if picture.width != width:  # captured for another frame size
            picture = picture.resize((width, max(1, round(picture.height * width / picture.width))), Image.LANCZOS)
        self.picture = picture
        self.area_h = size[1] - self.page_top
        self.max_scroll = max(0, picture.height - self.area_h)
        self.shown_at = self.type_frames + self.load_frames  # the first frame that shows the page
        on_screen = max(0, n_frames - self.shown_at)
        hold = min(round(HOLD_SECONDS * fps), max(1, on_screen // 4))
        settle = max(round(SETTLE_SECONDS * fps), on_screen // 6)
        self.scroll_from = self.shown_at + hold
        frames = min(round(SCROLL_SECONDS * fps), on_screen - hold - settle)
        self.scroll_frames = frames if frames >= round(MIN_SCROLL_SECONDS * fps) and self.max_scroll > 0 else 0

    def offset(self, frame: int) -> int:
        """How far down the page (pixels) frame ``frame`` shows."""
        if not self.scroll_frames or frame < self.scroll_from:
            return 0
        return round(self.max_scroll * smoothstep((frame - self.scroll_from) / self.scroll_frames))

    def keyframes(self) -> list[int]:
        frames = super().keyframes()
        last = self.offset(frames[-1]) if frames else 0
        for frame in range(self.scroll_from, min(self.n_frames, self.scroll_from + self.scroll_frames + 1)):
            offset = self.offset(frame)
            if offset != last and frame > frames[-1]:
                frames.append(frame)
                last = offset
        return frames

    def _paste(self, image: Image.Image, offset: int) -> None:
        image.paste(self.picture.crop((0, offset, self.size[0], offset + self.area_h)), (0, self.page_top))

    def _draw_page(self, draw) -> None:
        """The page is pasted in ``render`` (the simulated page's text is not drawn)."""

    def render(self) -> Iterator[tuple[int, Image.Image]]:
        drawn = None
        for frame, image in super().render():
            offset = self.offset(frame) if frame >= self.shown_at else None
            if offset is not None and offset != drawn:
                self._paste(image, offset)
                drawn = offset
            yield frame, image
