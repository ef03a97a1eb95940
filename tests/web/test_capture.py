"""Browser cues show the real page: a page served from 127.0.0.1 is captured
by headless Chromium, and the slide PNG and the video show what Chromium's
own screenshot of that page shows (taken here through ``tests/cdp.py``, a
separate DevTools client).  Without the page the cue falls back to the
simulated one, with one warning that says why, at once."""

from __future__ import annotations

import dataclasses
import json
import time
import warnings
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
from pptx import Presentation

from cuecast.build import BuildOptions
from cuecast.deck import base_slide_id
from cuecast.script import load_lesson
from cuecast.web.window import page_viewport
from cuecast.web import WebWarning, lesson_pages
from cuecast.web.capture import SCROLL_SHARE
from cuecast.web.pages import forget_failures, remembered_failure
from tests.support.cdp import Browser, find_chromium
from tests.support.frames import difference, picture, video_frames
from tests.test_build import build, copy_tiny
from tests.support.web_server import PageServer, write_page

SIZE = (640, 360)
FPS = 10
OPTIONS = BuildOptions(size=SIZE, fps=FPS, device="cpu", voice="none")
TINY_URL = "https://pytorch.org/docs/stable/autograd.html"
#: Mean difference per channel between two pictures of the same page: the
#: slide's is resized, the video's went through H.264.
SAME_PAGE = 6.0

needs_chromium = pytest.mark.skipif(find_chromium() is None,
                                    reason="needs Debian's chromium (installed by .ci/run)")


@pytest.fixture(autouse=True)
def fresh_failure_memory():
    forget_failures()  # each test decides for itself what is reachable
    yield
    forget_failures()


def browser_project(tmp_path: Path, url: str) -> Path:
    """The tiny lesson, its browser cue pointed at ``url``."""
    script = copy_tiny(tmp_path / "project")
    text = script.read_text(encoding="utf-8")
    assert TINY_URL in text
    script.write_text(text.replace(TINY_URL, url), encoding="utf-8")
    return script


def build_warning(script: Path, options: BuildOptions = OPTIONS):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result, _ = build(script, options)
    return result, [str(w.message) for w in caught if issubclass(w.category, WebWarning)]


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


def browser_slide(out: Path):
    """The browser cue's slide in the pptx, its number, and its PNG."""
    prs = Presentation(str(out / "slides.pptx"))
    for number, slide in enumerate(prs.slides, start=1):
        if base_slide_id(slide.name) == "cue:gradients-2":
            png = sorted((out / "slides").glob(f"{number:02d}-*.png"))
            assert len(png) == 1
            return prs, slide, png[0]
    raise AssertionError("no slide for the browser cue")


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
def test_refresh_web_captures_the_page_again(tmp_path):
    with PageServer(tmp_path / "site") as server:
        write_page(tmp_path / "site")
        script = browser_project(tmp_path, server.url("guide.html"))
        lesson = load_lesson(script)
        viewport = page_viewport(SIZE)
        first = lesson_pages(lesson, viewport)[server.url("guide.html")]
        again = lesson_pages(lesson, viewport)[server.url("guide.html")]
        assert server.requests["/guide.html"] == 1 and again == first
        fresh = lesson_pages(lesson, viewport, refresh=True)[server.url("guide.html")]
        assert server.requests["/guide.html"] == 2
        assert fresh.digest == first.digest and Path(fresh.view).is_file()


@pytest.mark.slow
def test_a_page_that_is_gone_falls_back_with_one_warning(tmp_path):
    with PageServer(tmp_path / "site") as server:
        url = server.url("guide.html")
    # the server is stopped: its port refuses connections
    script = browser_project(tmp_path, url)
    lesson = load_lesson(script)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pages = lesson_pages(lesson, page_viewport(SIZE))
    assert pages == {}
    (warning,) = [str(w.message) for w in caught if issubclass(w.category, WebWarning)]
    assert warning.startswith(f"{lesson.source}:21:9: cannot capture {url}: ")
    assert f"cannot connect to 127.0.0.1:{server.port} (connection refused)" in warning
    assert warning.endswith("the slide and the video show a simulated page")
    assert remembered_failure(url)  # not tried again in this build

    result, said = build_warning(script)
    assert len(said) == 1 and said[0] == warning
    out = script.parent.parent / "build" / "tiny"
    _, slide, _ = browser_slide(out)
    names = {shape.name for shape in slide.shapes}
    assert "page" not in names and "page_title" in names  # the simulated page
    assert (out / "video.mp4").stat().st_size > 0


def test_without_chromium_the_cue_falls_back_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("CUECAST_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with PageServer(tmp_path / "site") as server:
        write_page(tmp_path / "site")
        script = browser_project(tmp_path, server.url("guide.html"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pages = lesson_pages(load_lesson(script), page_viewport(SIZE))
    assert pages == {}
    (warning,) = [str(w.message) for w in caught if issubclass(w.category, WebWarning)]
    assert "Chromium is not installed" in warning and "simulated page" in warning


def test_the_default_lesson_offline_falls_back_at_once(project_root, monkeypatch):
    lesson = load_lesson(project_root / "script" / "pytorch-intro.yaml")
    started: list = []  # a browser started would be the wait the fallback avoids
    monkeypatch.setattr("cuecast.web.pages.Chromium", lambda *args, **kwargs: started.append(args))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pages = lesson_pages(lesson, page_viewport((1920, 1080)))
    assert started == []
    assert pages == {}
    said = [str(w.message) for w in caught if issubclass(w.category, WebWarning)]
    assert len(said) == 1 and "https://pytorch.org/docs/stable/nn.html" in said[0]
    assert "CUECAST_OFFLINE is set" in said[0]


@pytest.mark.slow
@needs_chromium
def test_a_page_of_the_project_is_captured_from_its_file_url(tmp_path):
    script = browser_project(tmp_path, "file:pages/guide.html")
    page = write_page(script.parent.parent / "pages")
    lesson = load_lesson(script)
    assert lesson_pages(lesson, (320, 200))["file:pages/guide.html"].title == "Tensor field guide"
    # editing the page is a new capture
    page.write_text(page.read_text().replace("<title>Tensor field guide", "<title>Edited guide"))
    assert lesson_pages(lesson, (320, 200))["file:pages/guide.html"].title == "Edited guide"


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
