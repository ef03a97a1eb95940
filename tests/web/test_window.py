"""The video's browser window: its chrome grows with the frame, and the page
viewport is what is left, so a page captured at it fills the window exactly."""

from __future__ import annotations

import pytest

from cuecast.web.window import chrome_heights, page_viewport


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (640, 360), (3840, 2160), (160, 90)])
def test_the_page_and_the_chrome_fill_the_frame(size):
    tabs, toolbar = chrome_heights(size)
    width, height = page_viewport(size)
    assert width == size[0] and height + tabs + toolbar == size[1]
    assert 0 < tabs < toolbar < height


def test_the_chrome_scales_with_the_frame_height_down_to_a_minimum():
    big, full_hd = chrome_heights((3840, 2160)), chrome_heights((1920, 1080))
    assert big == (2 * full_hd[0], 2 * full_hd[1])
    assert chrome_heights((1920, 1080)) == chrome_heights((1000, 1080))  # the width does not matter
    assert chrome_heights((64, 36)) == (8, 10)  # never thinner than can be drawn
