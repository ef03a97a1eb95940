"""The review page, opened in real headless Chromium: it loads from file://
without console errors, its captions load, and clicking a timecode seeks."""

from __future__ import annotations

import shutil

import pytest

from cuecast.check.report import timecode
from tests.support.cdp import Browser, find_chromium
from tests.test_build import build, copy_tiny


def test_timecodes_read_as_minutes_and_seconds():
    assert timecode(0) == "0:00.0"
    assert timecode(75.25) == "1:15.2"
    assert timecode(3725) == "1:02:05.0"


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="needs Debian's chromium (installed by .ci/run)")
def test_review_page_loads_cleanly_and_timecodes_seek_the_video(tmp_path):
    script = copy_tiny(tmp_path / "project")
    build(script)
    page = script.parent.parent / "build" / "tiny" / "index.html"
    with Browser(find_chromium()) as browser:
        browser.open(page.as_uri())
        browser.settle(1.5)
        assert browser.evaluate("document.getElementById('video').readyState") >= 1
        assert browser.evaluate("document.getElementById('video').textTracks[0].cues.length") > 0
        times = browser.evaluate("[...document.querySelectorAll('button.tc')].map(b => parseFloat(b.dataset.t))")
        target = times[3]
        assert target > 0
        # Clicking seeks and plays; read the position in the same turn, before playback moves it.
        position = browser.evaluate("document.querySelectorAll('button.tc')[3].click(); "
                                    "document.getElementById('video').currentTime")
        assert abs(position - target) < 0.05
        browser.settle(0.5)
        assert browser.evaluate("document.getElementById('video').currentTime") >= target
        poster = browser.evaluate("document.getElementById('video').poster")
        assert poster.endswith("/slides/01-title.png")  # the first frame, not a black box
        browser.evaluate("window.posterImage = new Image(); window.posterImage.src = "
                         "document.getElementById('video').poster; 0")
        browser.settle(0.5)
        assert browser.evaluate("window.posterImage.naturalWidth") == 1920  # the image loads
        thumbs = browser.evaluate("[...document.querySelectorAll('.thumbs img')].filter(i => i.naturalWidth > 0).length")
        assert thumbs == browser.evaluate("document.querySelectorAll('.thumbs img').length") > 0
        shot = browser.screenshot(tmp_path / "review.png")
        assert browser.console_errors == []
    assert shot.stat().st_size > 10_000
    keep = script.parent.parent / "build" / "review-screenshot.png"
    shutil.copy(shot, keep)


@pytest.mark.slow
def test_a_failing_snippet_is_listed_under_problems_with_its_traceback(tmp_path):
    script = copy_tiny(tmp_path / "project")
    snippet = script.parent.parent / "snippets" / "shapes.py"
    snippet.write_text(snippet.read_text().replace('print("shape:"', 'print(undefined_name, "shape:"'))
    build(script)
    page = (script.parent.parent / "build" / "tiny" / "index.html").read_text()
    problems = page[page.index('id="problems"'):page.index("</section>", page.index('id="problems"'))]
    assert "hidden" not in problems.split(">", 1)[0]
    assert "snippets/shapes.py:" in problems and "NameError" in problems and "Traceback" in problems


def test_links_never_leave_the_build_folder(tmp_path):
    from cuecast.review import page_link

    out = tmp_path / "project" / "build" / "tiny"
    (out / "media").mkdir(parents=True)
    (out / "video.mp4").write_bytes(b"v")
    (out / "media" / "s001.mp4").write_bytes(b"m")
    elsewhere = tmp_path / "other" / "build" / "tiny" / "video.mp4"
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_bytes(b"v")
    assert page_link(out / "video.mp4", out) == "video.mp4"
    assert page_link(out / "media" / "s001.mp4", out) == "media/s001.mp4"
    assert page_link(elsewhere, out) is None  # a record copied from another project
    assert page_link(out / "missing.mp4", out) is None


def test_the_video_has_the_first_slide_as_its_poster(tmp_path):
    from cuecast.review import SlideImage, render_page, review_page
    from cuecast.script import load_lesson
    from tests.test_build import TINY

    out = tmp_path / "build" / "tiny"
    (out / "slides").mkdir(parents=True)
    (out / "video.mp4").write_bytes(b"v")
    first = out / "slides" / "01-title.png"
    from PIL import Image

    Image.new("RGB", (192, 108), "white").save(first)  # the page embeds a thumbnail of it
    slides = [SlideImage("title", "Tiny", first)]
    lesson = load_lesson(TINY / "script" / "tiny.yaml")
    page = render_page(review_page(lesson, {}, None, out, {"video": out / "video.mp4"}, slides))
    assert 'src="video.mp4" poster="slides/01-title.png"' in page
    without_video = render_page(review_page(lesson, {}, None, out, {}, slides))
    assert "poster=" not in without_video  # no video, nothing to cover
