"""A simulated browser window for a ``browser`` cue.

It is honest about being simulated: the URL is typed into the address bar,
a loading bar runs, and the page shows the cue's title, its caption (or what
is said) and the address, under a notice that the real page is at that link.
No made-up website content is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional
from urllib.parse import urlsplit

from PIL import Image, ImageDraw

from cuecast.model import Cue
from cuecast.video.canvas import SANS, SANS_BOLD, fit_text, font, hex_rgb, wrap_text
from cuecast.web.window import chrome_heights

LIGHT = {
    "tabstrip": "#dee1e6",
    "tab": "#ffffff",
    "tab_text": "#3c4043",
    "toolbar": "#ffffff",
    "icon": "#5f6368",
    "address": "#f1f3f4",
    "url": "#202124",
    "url_dim": "#70757a",
    "progress": "#1a73e8",
    "page": "#ffffff",
    "notice": "#f8f9fa",
    "notice_text": "#5f6368",
    "title": "#202124",
    "host": "#188038",
    "body": "#3c4043",
    "rule": "#dadce0",
    "skeleton": "#eceff1",
}


@dataclass(frozen=True)
class BrowserContent:
    url: str
    title: str
    text: str


def browser_content(cue: Cue, say: str = "") -> BrowserContent:
    """What the simulated page shows: the cue's title, else its caption, else
    the host, as the heading; the caption (or what is said) beneath it."""
    url = cue.url or ""
    host = urlsplit(url).netloc or url
    title = cue.title or cue.caption or host
    text = (cue.caption or say) if cue.title else say
    return BrowserContent(url=url, title=title, text="" if text == title else (text or ""))


def breadcrumb(url: str) -> str:
    """``https://pytorch.org/docs/stable/nn.html`` → ``pytorch.org › docs ›
    stable › nn.html``: where the page is, as a search result shows it."""
    parts = urlsplit(url)
    if not parts.netloc:  # a project page (file:pages/x.html) or no address: shown as given, not twice
        return url
    return " › ".join([parts.netloc] + [step for step in parts.path.split("/") if step])


#: Widths (as a share of the text column) of the placeholder lines that stand
#: for the page's text: a simulated page should look like a page, not like a
#: blank screen, without pretending to quote it.
SKELETON = (0.96, 0.91, 0.98, 0.62, None, 0.94, 0.88, 0.97, 0.9, 0.45, None, 0.93, 0.85, 0.7)


@dataclass(frozen=True)
class BrowserState:
    typed: int  # characters of the URL in the address bar
    progress: int  # loading bar steps done (0 = not started)
    loaded: bool


class BrowserScene:
    """A browser opening one page: type the URL, load, then hold the page."""

    PROGRESS_STEPS = 8

    def __init__(self, content: BrowserContent, size: tuple[int, int], fps: int, n_frames: int):
        self.content = content
        self.size = size
        self.fps = fps
        self.n_frames = n_frames
        budget = max(0, n_frames - 1)
        self.type_frames = min(round(0.8 * fps), budget // 4)
        self.load_frames = min(round(0.5 * fps), budget // 4)
        self._layout()

    def state(self, frame: int) -> BrowserState:
        chars = len(self.content.url)
        if self.type_frames <= 0:
            typed = chars
        else:
            typed = min(chars, frame * chars // self.type_frames)
        after = frame - self.type_frames
        if self.load_frames <= 0:
            progress = self.PROGRESS_STEPS if after >= 0 else 0
        else:
            progress = 0 if after < 0 else min(self.PROGRESS_STEPS, 1 + after * self.PROGRESS_STEPS // self.load_frames)
        loaded = after >= self.load_frames
        return BrowserState(typed, 0 if loaded else progress, loaded)

    def keyframes(self) -> list[int]:
        frames, previous = [], None
        for frame in range(self.n_frames):
            current = self.state(frame)
            if current != previous:
                frames.append(frame)
                previous = current
            if current.loaded:
                break
        return frames

    def _layout(self) -> None:
        width, height = self.size
        s = height / 1080
        self.s = s
        self.tabstrip_h, self.toolbar_h = chrome_heights(self.size)
        self.page_top = self.tabstrip_h + self.toolbar_h
        self.ui_font = font(SANS, max(7, round(15 * s)))
        self.url_font = font(SANS, max(7, round(17 * s)))
        pad = round(8 * s)
        self.address_box = (round(150 * s), self.tabstrip_h + pad, width - round(90 * s),
                            self.tabstrip_h + self.toolbar_h - pad)
        self.url_x = self.address_box[0] + round(44 * s)

    def _chrome(self, draw: ImageDraw.ImageDraw, tab_title: str) -> None:
        width, height = self.size
        s = self.s
        c = {k: hex_rgb(v) for k, v in LIGHT.items()}
        draw.rectangle((0, 0, width, self.tabstrip_h), fill=c["tabstrip"])
        self._draw_tab(draw, tab_title)
        draw.rectangle((0, self.tabstrip_h, width, self.page_top - 1), fill=c["toolbar"])
        cy = self.tabstrip_h + self.toolbar_h / 2
        for i, glyph in enumerate(("←", "→", "↻")):
            draw.text((round(28 * s) + i * round(40 * s), cy), glyph, font=self.url_font, fill=c["icon"], anchor="mm")
        draw.rounded_rectangle(self.address_box, radius=(self.address_box[3] - self.address_box[1]) // 2,
                               fill=c["address"])
        # a padlock: shackle and body
        lx = self.address_box[0] + round(22 * s)
        ly = (self.address_box[1] + self.address_box[3]) / 2
        u = max(2, round(5 * s))
        draw.arc((lx - u, ly - 2.4 * u, lx + u, ly), 180, 360, fill=c["icon"], width=max(1, round(2 * s)))
        draw.rectangle((lx - 1.4 * u, ly - u * 0.6, lx + 1.4 * u, ly + 1.6 * u), fill=c["icon"])
        draw.text((width - round(45 * s), cy), "⋮", font=self.url_font, fill=c["icon"], anchor="mm")
        draw.line((0, self.page_top - 1, width, self.page_top - 1), fill=c["rule"])
        draw.rectangle((0, self.page_top, width, height), fill=c["page"])

    def _draw_tab(self, draw: ImageDraw.ImageDraw, title: str) -> None:
        s = self.s
        c = {k: hex_rgb(v) for k, v in LIGHT.items()}
        x0, x1 = round(10 * s), round(10 * s + min(300 * s, self.size[0] * 0.4))
        draw.rectangle((x0, round(6 * s), x1, self.tabstrip_h), fill=c["tab"])
        r = max(2, round(8 * s))
        cx, cy = x0 + round(20 * s), (round(6 * s) + self.tabstrip_h) / 2
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=c["progress"])
        label = fit_text(title, self.ui_font, x1 - (cx + r + 10 * s) - 34 * s)
        draw.text((cx + r + round(10 * s), cy), label, font=self.ui_font, fill=c["tab_text"], anchor="lm")
        draw.text((x1 - round(14 * s), cy), "×", font=self.ui_font, fill=c["icon"], anchor="rm")

    def _draw_url(self, draw: ImageDraw.ImageDraw, typed: int, caret: bool) -> None:
        box = self.address_box
        r = (box[3] - box[1]) // 2
        draw.rectangle((self.url_x, box[1], box[2] - r, box[3]), fill=hex_rgb(LIGHT["address"]))
        url = self.content.url[:typed]
        scheme, sep, rest = url.partition("://")
        if not sep:
            scheme, rest = "", url
        y = (box[1] + box[3]) / 2
        x = self.url_x
        if scheme:
            head = scheme + "://"
            draw.text((x, y), head, font=self.url_font, fill=hex_rgb(LIGHT["url_dim"]), anchor="lm")
            x += self.url_font.getlength(head)
        draw.text((x, y), fit_text(rest, self.url_font, max(1, box[2] - r - x)), font=self.url_font,
                  fill=hex_rgb(LIGHT["url"]), anchor="lm")
        if caret:
            cx = min(box[2] - r, x + self.url_font.getlength(rest) + 1)
            half = self.url_font.size * 0.6
            draw.line((cx, y - half, cx, y + half), fill=hex_rgb(LIGHT["url"]), width=max(1, round(self.s * 1.5)))

    def _draw_page(self, draw: ImageDraw.ImageDraw) -> None:
        width, height = self.size
        s = self.s
        c = {k: hex_rgb(v) for k, v in LIGHT.items()}
        notice_h = max(8, round(36 * s))
        draw.rectangle((0, self.page_top, width, self.page_top + notice_h), fill=c["notice"])
        draw.line((0, self.page_top + notice_h, width, self.page_top + notice_h), fill=c["rule"])
        notice = fit_text(f"Simulated page — the real page is at {self.content.url}",
                          self.ui_font, width - 40 * s)
        draw.text((round(20 * s), self.page_top + notice_h / 2), notice, font=self.ui_font,
                  fill=c["notice_text"], anchor="lm")
        left = round(width * 0.12)
        text_w = width - 2 * left
        y = self.page_top + notice_h + round(70 * s)
        title_font = font(SANS_BOLD, max(9, round(52 * s)))
        for line in wrap_text(self.content.title, title_font, text_w)[:3]:
            draw.text((left, y), line, font=title_font, fill=c["title"])
            y += round(title_font.size * 1.25)
        host_font = font(SANS, max(7, round(22 * s)))
        draw.text((left, y + round(8 * s)), fit_text(breadcrumb(self.content.url), host_font, text_w),
                  font=host_font, fill=c["host"])
        y += round(host_font.size * 1.3) + round(30 * s)
        draw.line((left, y, left + text_w, y), fill=c["rule"], width=max(1, round(s)))
        y += round(30 * s)
        body_font = font(SANS, max(7, round(30 * s)))
        line_h = round(body_font.size * 1.45)
        for line in wrap_text(self.content.text, body_font, text_w):
            if y + line_h > height - round(20 * s):
                break
            draw.text((left, y), line, font=body_font, fill=c["body"])
            y += line_h
        y += round(18 * s)
        bar_h, step = max(2, round(14 * s)), max(4, round(30 * s))
        for share in SKELETON:
            if y + bar_h > height - round(40 * s):
                break
            if share is not None:
                draw.rounded_rectangle((left, y, left + round(text_w * share), y + bar_h),
                                       radius=max(1, bar_h // 2), fill=c["skeleton"])
            y += step

    def render(self) -> Iterator[tuple[int, Image.Image]]:
        image = Image.new("RGB", self.size, hex_rgb(LIGHT["page"]))
        draw = ImageDraw.Draw(image)
        self._chrome(draw, "New Tab")
        progress_h = max(2, round(3 * self.s))
        previous: Optional[BrowserState] = None
        for frame in self.keyframes():
            state = self.state(frame)
            if previous is None or state.typed != previous.typed or state.loaded != previous.loaded:
                self._draw_url(draw, state.typed, caret=not state.loaded and state.progress == 0)
            if state.progress:
                w = round(self.size[0] * state.progress / self.PROGRESS_STEPS)
                draw.rectangle((0, self.page_top, w, self.page_top + progress_h - 1),
                               fill=hex_rgb(LIGHT["progress"]))
            if state.loaded and (previous is None or not previous.loaded):
                draw.rectangle((0, self.tabstrip_h, self.size[0], self.page_top - 1), fill=hex_rgb(LIGHT["toolbar"]))
                self._chrome(draw, self.content.title)
                self._draw_url(draw, state.typed, caret=False)
                self._draw_page(draw)
            previous = state
            yield frame, image
