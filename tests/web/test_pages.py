"""The pages a lesson's browser cues show: served from the capture cache,
captured once with one Chromium otherwise, and where a page cannot be
captured, left out with one warning that says why (the cue shows the
simulated page, or keeps its older capture)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from cuecast.script import load_lesson
from cuecast.web import WebWarning, lesson_pages
from cuecast.web.pages import browser_cues, remembered_failure
from cuecast.web.window import page_viewport
from tests.support.browser_lesson import SIZE, browser_project, browser_slide, build_warning, needs_chromium
from tests.support.web_server import PageServer, write_page


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


def test_each_url_is_captured_once_for_its_first_cue(tmp_path):
    script = browser_project(tmp_path, "http://127.0.0.1:9/a.html")
    more = "".join(f"      - show: browser\n        url: {url}\n        say: Again.\n"
                   for url in ("http://127.0.0.1:9/b.html", "http://127.0.0.1:9/a.html"))
    script.write_text(script.read_text(encoding="utf-8") + "  - title: More pages\n    beats:\n" + more,
                      encoding="utf-8")
    cues = browser_cues(load_lesson(script))
    assert [cue.url for cue in cues] == ["http://127.0.0.1:9/a.html", "http://127.0.0.1:9/b.html"]
    assert cues[0].location.line == 21  # the first cue of that URL, not the later one


def test_only_the_urls_asked_for_are_looked_at(tmp_path):
    script = browser_project(tmp_path, "http://127.0.0.1:9/a.html")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert lesson_pages(load_lesson(script), page_viewport(SIZE), urls=["http://other/"]) == {}
    assert [w for w in caught if issubclass(w.category, WebWarning)] == []
    assert remembered_failure("http://127.0.0.1:9/a.html") is None


def test_the_summary_counts_the_cues():
    assert WebWarning.summary(1).startswith("1 browser cue shows a simulated page")
    assert WebWarning.summary(3).startswith("3 browser cues show a simulated page")
