"""``images``: a picture is checked once, when it is named, for what every
stage can draw."""

from __future__ import annotations

import os

from PIL import Image

from cuecast.images import MAX_IMAGE_SIDE, image_problem
from tests.support.pictures import png_header

SMALLER = "scale it down (a slide is drawn at most 7680 pixels wide)"
LIMIT = "pictures are limited to 16384 pixels a side and 50 megapixels"


def test_a_good_picture_of_each_format_passes(tmp_path):
    for suffix in (".png", ".jpg", ".gif", ".bmp"):
        path = tmp_path / f"ok{suffix}"
        Image.new("RGB", (40, 30), "orange").save(path)
        assert image_problem(path) is None, suffix


def test_sizes_past_the_bound_are_refused_with_what_to_do(tmp_path):
    path = tmp_path / "wide.png"
    path.write_bytes(png_header(MAX_IMAGE_SIDE + 1, 10))
    assert image_problem(path) == (f"is {MAX_IMAGE_SIDE + 1}×10 pixels; {LIMIT}", SMALLER)
    path = tmp_path / "many.png"
    path.write_bytes(png_header(10_000, 10_000))  # each side fits, the pixel count does not
    assert image_problem(path) == (f"is 10000×10000 pixels; {LIMIT}", SMALLER)
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header(50_000, 50_000))  # past Pillow's own bomb limit: refused before the size is read
    assert image_problem(path) == (f"is 2,500 megapixels; {LIMIT}", SMALLER)


def test_damaged_and_foreign_files_cannot_be_decoded(tmp_path):
    good = tmp_path / "good.png"
    Image.new("RGB", (40, 30), "orange").save(good)
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(good.read_bytes()[:60])
    what, todo = image_problem(truncated)
    assert what.startswith("cannot be decoded (") and todo == "export it again as PNG or JPEG"
    text = tmp_path / "text.png"
    text.write_text("not a picture")
    assert image_problem(text) == ("cannot be decoded (not a picture format Pillow knows)",
                                   "export it again as PNG or JPEG")
    assert image_problem(tmp_path / "missing.png") == ("cannot be read: No such file or directory", "")


def test_the_answer_follows_the_file_when_it_changes(tmp_path):
    """Cached by size and modification time: a fixed picture is seen as fixed."""
    path = tmp_path / "x.png"
    path.write_text("not a picture")
    assert image_problem(path) is not None
    Image.new("RGB", (4, 3), "white").save(path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert image_problem(path) is None
