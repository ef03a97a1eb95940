"""Slide thumbnails for the review page: small JPEGs that look like their
slide, kept by the PNG's hash so an unchanged slide is not resized again."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
from PIL import Image

from cuecast.deck.thumbnails import THUMB_WIDTH, THUMBS_FILE, ThumbnailCache, image_thumbnail_uri, thumbnail_uri


def slide(size=(1920, 1080), left="#D04040", right="#2050C0") -> Image.Image:
    image = Image.new("RGB", size, left)
    image.paste(Image.new("RGB", (size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return image


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def decoded(uri: str) -> Image.Image:
    prefix = "data:image/jpeg;base64,"
    assert uri.startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(uri[len(prefix):])))
    assert image.format == "JPEG"
    return image.convert("RGB")


def test_a_thumbnail_is_the_slide_made_small():
    for size in ((1920, 1080), (1000, 750)):  # a multiple of the thumbnail's width, and not
        thumb = decoded(image_thumbnail_uri(slide(size)))
        assert thumb.width == THUMB_WIDTH and abs(thumb.height - round(size[1] * THUMB_WIDTH / size[0])) <= 1
        pixels = np.asarray(thumb).astype(int)
        assert np.abs(pixels[:, : THUMB_WIDTH // 4] - (0xD0, 0x40, 0x40)).mean() < 6
        assert np.abs(pixels[:, -THUMB_WIDTH // 4:] - (0x20, 0x50, 0xC0)).mean() < 6


def test_a_png_and_its_image_give_the_same_thumbnail():
    image = slide().convert("RGBA")
    assert thumbnail_uri(png_bytes(image)) == image_thumbnail_uri(image)


def test_an_unchanged_slide_is_read_back_and_a_changed_one_made_again(tmp_path):
    first = tmp_path / "01-title.png"
    first.write_bytes(png_bytes(slide()))
    cache = ThumbnailCache(tmp_path)
    uri = cache.uri(first)
    cache.save([first.name])
    stored = json.loads((tmp_path / THUMBS_FILE).read_text())
    assert stored[first.name][1] == uri

    # a kept entry is served as stored, without decoding the PNG
    stored[first.name][1] = "data:image/jpeg;base64,kept"
    (tmp_path / THUMBS_FILE).write_text(json.dumps(stored))
    assert ThumbnailCache(tmp_path).uri(first) == "data:image/jpeg;base64,kept"

    first.write_bytes(png_bytes(slide(left="#10A010")))  # redrawn
    again = ThumbnailCache(tmp_path)
    fresh = again.uri(first)
    assert fresh != "data:image/jpeg;base64,kept"
    assert np.asarray(decoded(fresh))[:, :10].mean(axis=(0, 1))[1] > 120  # the new, green slide
    assert again.uri(tmp_path / "02-missing.png") is None


def test_saving_drops_removed_slides_and_writes_only_on_change(tmp_path):
    cache = ThumbnailCache(tmp_path)
    for name in ("01-a.png", "02-b.png"):
        data = png_bytes(slide(size=(384, 216)))
        (tmp_path / name).write_bytes(data)
        cache.add(name, data, f"data:image/jpeg;base64,{name}")
    cache.save(["01-a.png", "02-b.png"])
    cache.save(["01-a.png"])
    assert list(json.loads((tmp_path / THUMBS_FILE).read_text())) == ["01-a.png"]
    stamp = (tmp_path / THUMBS_FILE).stat().st_mtime_ns
    reread = ThumbnailCache(tmp_path)
    assert reread.uri(tmp_path / "01-a.png") == "data:image/jpeg;base64,01-a.png"
    reread.save(["01-a.png"])
    assert (tmp_path / THUMBS_FILE).stat().st_mtime_ns == stamp  # nothing changed: nothing written


def test_a_damaged_cache_file_is_an_empty_cache(tmp_path):
    for text in ("{not json", "[1, 2]"):
        (tmp_path / THUMBS_FILE).write_text(text)
        assert ThumbnailCache(tmp_path).entries == {}
    gone = ThumbnailCache(tmp_path / "gone")
    gone.add("01-a.png", b"png", "data:image/jpeg;base64,x")
    gone.save(["01-a.png"])  # no slides folder (removed meanwhile): nothing written, no error
    assert not (tmp_path / "gone").exists()
