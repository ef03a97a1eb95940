"""``cuecast.deck.png``: the slide PNG writer gives files any reader decodes
to the very pixels drawn."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from cuecast.deck.png import png_bytes


def noisy(size: tuple[int, int], mode: str) -> Image.Image:
    rng = random.Random(size[0] * 7919 + size[1])
    bands = len(mode)
    return Image.frombytes(mode, size, bytes(rng.randrange(256) for _ in range(size[0] * size[1] * bands)))


@pytest.mark.parametrize("size", [(1, 1), (3, 2), (97, 31), (640, 360)])
def test_pixels_come_back_exactly(size):
    picture = noisy(size, "RGB")
    with Image.open(io.BytesIO(png_bytes(picture))) as back:
        assert back.format == "PNG" and back.mode == "RGB" and back.size == size
        assert back.tobytes() == picture.tobytes()


def test_other_modes_are_written_as_rgb():
    picture = noisy((40, 30), "RGBA")
    with Image.open(io.BytesIO(png_bytes(picture))) as back:
        assert back.mode == "RGB" and back.tobytes() == picture.convert("RGB").tobytes()


def test_the_same_picture_is_the_same_file_and_a_flat_one_is_small():
    flat = Image.new("RGB", (1920, 1080), (250, 250, 245))
    assert png_bytes(flat) == png_bytes(flat.copy())
    assert len(png_bytes(flat)) < 60_000  # of 6 MB of pixels
