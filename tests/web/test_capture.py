"""Browser cues show the real page: a page served from 127.0.0.1 is captured
by headless Chromium, and the slide PNG and the video show what Chromium's
own screenshot of that page shows (taken here through ``tests/cdp.py``, a
separate DevTools client).  Without the page the cue falls back to the
simulated one, with one warning that says why (``test_pages.py``)."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest

from cuecast.web.capture import SCROLL_SHARE
from cuecast.web.window import page_viewport
from tests.support.browser_lesson import (FPS, OPTIONS, SIZE, browser_project, browser_slide, build_warning,
                                          needs_chromium)
from tests.support.cdp import Browser, find_chromium
from tests.support.frames import difference, picture, video_frames
from tests.support.web_server import PageServer, write_page

#: Mean difference per channel between two pictures of the same page: the
#: slide's is resized, the video's went through H.264.
SAME_PAGE = 6.0


def chromium_screenshot(url: str, viewport: tuple[int, int], tmp_path: Path, scroll: int = 0) -> np.ndarray:
    """Chromium's own picture of ``url`` at ``viewport``, scrolled down ``scroll`` px."""
    width, height = viewport
    with Browser(find_chromium()) as browser:
        browser.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                     mobile=False)
        browser.send("Emulation.setScrollbarsHidden", hidden=True)
        browser.open(url)
        browser.evaluate("document.fonts.ready.then(() => true)", await_promise=True)
        if scroll:
            browser.evaluate(f"window.scrollTo(0, {scroll})")
        browser.settle(0.3)
        shot = browser.screenshot(tmp_path / f"chromium-{scroll}.png")
    return picture(shot)


def browser_segment(out: Path) -> tuple[float, float]:
    """Start and end (seconds) of the browser segment, from timeline.otio."""
    timeline = otio.adapters.read_from_file(str(out / "timeline.otio"))
    for clip in timeline.video_tracks()[0].find_clips():
        if clip.metadata["cuecast"]["kind"] == "browser":
            span = clip.range_in_parent()
            return span.start_time.to_seconds(), span.end_time_exclusive().to_seconds()
    raise AssertionError("no browser segment")


@pytest.mark.slow
@needs_chromium
def test_the_slide_and_the_video_show_the_real_page(tmp_path):
    with PageServer(tmp_path / "site") as server:
        write_page(tmp_path / "site")
        url = server.url("guide.html")
        script = browser_project(tmp_path, url)
        out = script.parent.parent / "build" / "tiny"

        started = time.perf_counter()
        first, said = build_warning(script)
        first_seconds = time.perf_counter() - started
        assert said == []
        assert server.requests["/guide.html"] == 1

        # cached by URL and size: the next build fetches nothing
        second, said = build_warning(script)
        assert said == [] and server.requests["/guide.html"] == 1
        assert {r.stage: r.status for r in second.results}["slides"] == "skipped"
        entries = list((script.parent.parent / "build" / ".cache" / "web").glob("*/meta.json"))
        assert len(entries) == 1
        meta = json.loads(entries[0].read_text())
        assert meta["url"] == url and meta["viewport"] == list(page_viewport(SIZE))
        assert meta["title"] == "Tensor field guide"

        viewport = page_viewport(SIZE)
        reference = chromium_screenshot(url, viewport, tmp_path)
        scrolled = chromium_screenshot(url, viewport, tmp_path, scroll=round(viewport[1] * SCROLL_SHARE))

    # the slide: the page box of the pptx, found in the slide's PNG
    prs, slide, png = browser_slide(out)
    (page,) = [shape for shape in slide.shapes if shape.name == "page"]
    drawn = picture(png)
    scale = drawn.shape[1] / prs.slide_width
    left, top = round(page.left * scale), round(page.top * scale)
    width, height = round(page.width * scale), round(page.height * scale)
    on_slide = drawn[top:top + height, left:left + width]
    assert abs(width / height - viewport[0] / viewport[1]) < 0.02
    assert difference(on_slide, picture_resized(reference, (width, height))) < SAME_PAGE
    notes = slide.notes_slide.notes_text_frame.text
    assert f"Page captured from {url} on {meta['captured_at'][:10]}." in notes

    # the video: the window's page area shows the page, then the page scrolled
    start, end = browser_segment(out)
    page_top = SIZE[1] - viewport[1]
    frames = [f[page_top:] for f in video_frames(out / "video.mp4", round(start * FPS), round(end * FPS) - 1)]
    to_page = [difference(f, reference) for f in frames]
    shown = int(np.argmin(to_page))
    assert to_page[shown] < SAME_PAGE  # the page as Chromium draws it, unscaled
    assert to_page[0] > 3 * SAME_PAGE  # first the address is typed into an empty window
    assert difference(frames[-1], scrolled) < SAME_PAGE  # the segment ends scrolled down
    moves = [difference(a, b) for a, b in zip(frames[shown:], frames[shown + 1:])]
    assert sum(1 for m in moves if m > 0.5) >= 4 and max(moves) < 25  # a smooth scroll, not a jump

    # --refresh-web fetches the page again (the server is gone: the old capture stays, said once)
    refreshed, said = build_warning(script, dataclasses.replace(OPTIONS, refresh_web=True))
    assert len(said) == 1 and "keeping the capture of" in said[0] and "connection refused" in said[0]
    print(f"first build with a capture: {first_seconds:.2f} s")


def picture_resized(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(pixels.astype(np.uint8)).resize(size, Image.LANCZOS)).astype(np.int16)


@pytest.mark.slow
@needs_chromium
def test_a_server_that_never_answers_costs_the_capture_budget_only(tmp_path):
    import socket

    from cuecast.web.capture import PageError, capture_page
    from cuecast.web.devtools import BrowserError, Chromium

    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/slow.html"
        with Chromium(find_chromium(), offline=True) as browser:
            started = time.perf_counter()
            with pytest.raises((PageError, BrowserError)):
                capture_page(browser, url, (320, 200), seconds=1.5)
            assert time.perf_counter() - started < 5.0  # the default budget is PAGE_SECONDS (8 s)
