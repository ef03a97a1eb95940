"""A captured page in the video's browser window: after the URL is typed the
page fills the window pixel for pixel, is held, scrolls smoothly down to its
end and stays there; a short segment holds the page instead of jumping."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from cuecast.video.browser import BrowserContent
from cuecast.video.web_scene import CapturedPageScene, smoothstep
from cuecast.web.page import PageCapture
from cuecast.web.window import page_viewport
from tests.support.frames import frames_by_index, picture_at

SIZE = (640, 360)
FPS = 10


def tall_page(tmp_path, width: int = SIZE[0], height: int = 900) -> PageCapture:
    """A page whose every row has its own colour, so a crop says where it is."""
    rows = np.zeros((height, width, 3), np.uint8)
    rows[:, :, 0] = (np.arange(height) % 256)[:, None]
    rows[:, :, 1] = (np.arange(height) // 256 * 60)[:, None]
    rows[:, :, 2] = 200
    full = tmp_path / "full.png"
    Image.fromarray(rows).save(full)
    viewport = (width, page_viewport(SIZE)[1])
    return PageCapture("http://127.0.0.1/p.html", viewport, str(full), str(full), height, "Real title",
                       "2025-01-31T09:30:00Z", "d1")


def scene(tmp_path, n_frames: int, **page) -> CapturedPageScene:
    return CapturedPageScene(BrowserContent("http://127.0.0.1/p.html", "Cue title", ""), tall_page(tmp_path, **page),
                             SIZE, FPS, n_frames)


def test_smoothstep_starts_and_ends_at_rest():
    assert (smoothstep(-1), smoothstep(0), smoothstep(0.5), smoothstep(1), smoothstep(2)) == (0, 0, 0.5, 1, 1)
    steps = [smoothstep(t / 10) for t in range(11)]
    moves = [b - a for a, b in zip(steps, steps[1:])]
    assert moves[0] < moves[5] > moves[-1] and all(m > 0 for m in moves)


def test_the_page_is_held_then_scrolls_smoothly_to_its_end(tmp_path):
    s = scene(tmp_path, 80)
    assert s.content.title == "Real title"  # the page's own title on the tab
    offsets = [s.offset(frame) for frame in range(80)]
    assert offsets[: s.scroll_from + 1] == [0] * (s.scroll_from + 1)
    assert offsets == sorted(offsets) and offsets[-1] == s.max_scroll == 900 - s.area_h
    assert s.scroll_from >= s.shown_at and s.scroll_frames > 0
    assert offsets[-1] == offsets[-2]  # settled before the segment ends
    keys = s.keyframes()
    assert keys == sorted(set(keys)) and keys[-1] <= s.scroll_from + s.scroll_frames


def test_each_frame_shows_the_page_pixel_for_pixel_at_its_offset(tmp_path):
    s = scene(tmp_path, 80)
    frames = frames_by_index(s)
    page = np.asarray(Image.open(s.page.full).convert("RGB"))
    for frame in (s.shown_at, s.scroll_from + s.scroll_frames // 2, 79):
        offset = s.offset(frame)
        shown = picture_at(frames, frame)[s.page_top:]
        assert np.array_equal(shown, page[offset:offset + s.area_h]), frame
    assert not np.array_equal(picture_at(frames, 0)[s.page_top:], page[: s.area_h])  # not before it loads


def test_a_short_segment_or_a_short_page_does_not_scroll(tmp_path):
    short = scene(tmp_path, 14)
    assert short.scroll_frames == 0 and {short.offset(f) for f in range(14)} == {0}
    fits = scene(tmp_path, 80, height=page_viewport(SIZE)[1])
    assert fits.max_scroll == 0 and fits.scroll_frames == 0


@pytest.mark.parametrize("width", [1280, 320])
def test_a_page_captured_for_another_frame_size_is_scaled_to_the_window(tmp_path, width):
    s = scene(tmp_path, 40, width=width, height=900)
    assert s.picture.width == SIZE[0] and s.picture.height == round(900 * SIZE[0] / width)
