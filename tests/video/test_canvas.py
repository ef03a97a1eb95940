"""What every simulated screen shares: text cut and wrapped to a width,
still pictures, and captions burned onto a copy of a scene's picture, split
into screens in time order."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from cuecast.video.canvas import (SANS, Caption, CaptionedScene, StillScene, caption_chunks, caption_style,
                                  draw_caption_overlay, fit_text, font, wrap_text)
from tests.support.frames import frames_by_index, has_colour

SIZE = (640, 360)


def test_burned_captions_add_keyframes_and_draw_on_a_copy():
    base = StillScene(Image.new("RGB", SIZE, (30, 60, 90)), 90)
    captioned = CaptionedScene(base, [Caption(10, 40, "Hello there"), Caption(40, 200, "General Kenobi")], SIZE)
    assert captioned.keyframes() == [0, 10, 40]
    frames = frames_by_index(captioned)
    assert np.array_equal(frames[0], np.asarray(base.image))
    bottom = frames[10][int(SIZE[1] * 0.7):]
    assert has_colour(bottom, "#ffffff", tolerance=10, at_least=30)
    assert not np.array_equal(frames[10], frames[40])
    assert np.asarray(base.image)[int(SIZE[1] * 0.9), SIZE[0] // 2].tolist() == [30, 60, 90]


def test_caption_chunks_split_long_narration_in_time_order():
    fnt = font(SANS, 20)
    text = " ".join(["word"] * 60)
    chunks = caption_chunks(text, 2.0, 14.0, fnt, 200, max_lines=2)
    assert len(chunks) > 2
    assert chunks[0][0] == 2.0 and chunks[-1][1] == pytest.approx(14.0)
    assert all(a[1] == pytest.approx(b[0]) for a, b in zip(chunks, chunks[1:]))
    assert all(1 <= len(lines) <= 2 for _, _, lines in chunks)


def test_text_is_cut_with_an_ellipsis_only_when_it_is_too_wide():
    fnt = font(SANS, 20)
    assert fit_text("short", fnt, 500) == "short"
    text = "a rather long address bar text"
    cut = fit_text(text, fnt, 120)
    assert cut.endswith("…") and fnt.getlength(cut) <= 120 and text.startswith(cut[:-1])
    assert fnt.getlength(text[:len(cut)] + "…") > 120  # one character more would not fit: cut no shorter than needed


def test_wrapped_lines_fit_the_width_and_keep_every_word():
    fnt = font(SANS, 18)
    text = "Gradients flow backwards through every operation the tape recorded"
    lines = wrap_text(text, fnt, 200)
    assert len(lines) > 1 and " ".join(lines).split() == text.split()
    assert all(fnt.getlength(line) <= 200 for line in lines if " " in line)


def test_captions_outside_the_segment_or_empty_are_dropped_and_hold_from_the_last_change():
    still = StillScene(Image.new("RGB", SIZE), 90)
    assert still.keyframes() == [0]
    captioned = CaptionedScene(still, [Caption(20, 20, "empty"), Caption(95, 120, "after"),
                                       Caption(30, 200, "to the end")], SIZE)
    assert [c.text for c in captioned.captions] == ["to the end"]
    assert captioned.keyframes() == [0, 30] and captioned.hold() == (30, 1)


def test_a_long_caption_line_is_set_smaller_to_fit_the_frame():
    fnt, width, _ = caption_style(SIZE)
    short, (x, y) = draw_caption_overlay(SIZE, ["Hello"])
    assert x == (SIZE[0] - short.width) // 2 and y + short.height < SIZE[1]
    line = "a sidecar caption line far longer than the frame is wide, as an editor may type " * 2
    assert fnt.getlength(line) > SIZE[0]
    long, (x, _) = draw_caption_overlay(SIZE, [line])
    assert long.width <= SIZE[0] and x >= 0 and long.height < short.height  # smaller type, all of it shown
    two, _ = draw_caption_overlay(SIZE, ["one", "two"])
    assert two.height > short.height
    assert np.asarray(short)[0, 0].tolist() == [0, 0, 0, 190]  # translucent black behind white text
