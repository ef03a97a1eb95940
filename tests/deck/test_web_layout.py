"""A captured page's slide: a browser window as large as the area allows,
the page scaled as a whole (its aspect kept), the URL as a link that fits
the address bar, and notes that say when the page was captured."""

from __future__ import annotations

import pytest
from PIL import Image

from cuecast.deck.boxes import EMU_PER_PT, ImageBox, Rect, TextBox, inches
from cuecast.deck.layout import layout_deck
from cuecast.deck.measure import Measurer
from cuecast.deck.spacing import ADDRESS_BAR_H
from cuecast.deck.theme import load_theme
from cuecast.deck.web_layout import captured_note, page_window
from cuecast.web.page import PageCapture
from tests.support.deck_lesson import fake_captures, seed_like_lesson

URL = "https://pytorch.org/docs/stable/nn.html"


@pytest.fixture(scope="module")
def theme():
    return load_theme(None)


def capture(tmp_path, viewport=(1280, 800)) -> PageCapture:
    view = tmp_path / "view.png"
    Image.new("RGB", viewport, "#3366CC").save(view)
    return PageCapture(URL, viewport, str(view), str(view), viewport[1], "torch.nn", "2025-01-31T09:30:00Z", "d1")


def named(boxes: list) -> dict:
    return {box.name: box for box in boxes}


@pytest.mark.parametrize("area", [(inches(0.5), inches(1.5), inches(12), inches(5)),  # wide: the height limits
                                  (inches(1), inches(1), inches(4), inches(6))])  # tall: the width limits
def test_the_window_is_as_large_as_the_area_allows_and_keeps_the_page_s_aspect(tmp_path, theme, area):
    page = capture(tmp_path)
    boxes = named(page_window(page, URL, area, theme, Measurer(theme)))
    x, y, w, h = area
    window, bar, shown = boxes["window"], boxes["address_bar"], boxes["page"]
    assert isinstance(window, Rect) and isinstance(shown, ImageBox) and shown.path == page.view
    assert abs(shown.w / shown.h - 1280 / 800) < 0.01
    assert shown.w == w or shown.h + ADDRESS_BAR_H >= h - 2  # one side touches the area
    assert x <= window.x and window.x + window.w <= x + w and window.y == y and window.y + window.h <= y + h
    assert abs((window.x - x) - (x + w - window.x - window.w)) <= 1  # centred across
    assert (bar.y, bar.h, shown.y) == (y, ADDRESS_BAR_H, y + ADDRESS_BAR_H)


def test_a_long_url_is_set_smaller_until_it_fits_the_bar(tmp_path, theme):
    measure = Measurer(theme)
    area = (0, 0, inches(4), inches(4))
    short = named(page_window(capture(tmp_path), URL, area, theme, measure))["url"]
    long_url = URL + "?" + "&".join(f"parameter{n}=value{n}" for n in range(6))
    long = named(page_window(capture(tmp_path), long_url, area, theme, measure))["url"]
    assert isinstance(long, TextBox) and long.role == "link" and not long.wrap
    (run,) = long.paragraphs[0].runs
    assert run.link == long_url and run.text == long_url
    assert run.size < short.paragraphs[0].runs[0].size == theme.size("small")
    assert run.size == 8 or measure.width(run) <= long.w / EMU_PER_PT * 0.96


def test_the_browser_cue_s_slide_shows_the_capture_and_says_when(tmp_path, theme):
    lesson = seed_like_lesson()
    page = capture(tmp_path)
    deck = layout_deck(lesson, fake_captures(lesson), theme, pages={URL: page})
    slide = deck.slide("cue:modules-2")
    boxes = named(slide.boxes)
    assert boxes["page"].path == page.view and boxes["url"].paragraphs[0].runs[0].link == URL
    assert "page_title" not in boxes  # the real page, not the simulated one
    assert slide.notes.endswith(captured_note(URL, page))
    assert captured_note(URL, page) == f"Page captured from {URL} on 2025-01-31."
    simulated = named(layout_deck(lesson, fake_captures(lesson), theme).slide("cue:modules-2").boxes)
    assert "page" not in simulated
