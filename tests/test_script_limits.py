"""The limits the parser keeps: ids that name files checked the same way
wherever they come from (the bound itself: tests/test_ids.py), pictures
checked when the script is read (the check itself: tests/test_images.py),
and a recordings folder that is a file."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from PIL import Image

from cuecast.ids import MAX_SLUG_CHARS, id_problem
from cuecast.images import image_problem
from cuecast.script import load_lesson
from tests.support.pictures import png_header
from tests.support.script_errors import problems_in

#: These tests compare a problem's line, column and message.
problems = partial(problems_in, hints=False)

SNIPPET = "import math\n\n# region main\nx = math.sqrt(16)\nprint(x)\n# endregion\nprint('done')\n"


@pytest.fixture
def picture_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "script").mkdir(parents=True)
    (root / "snippets").mkdir()
    (root / "snippets" / "ok.py").write_text(SNIPPET)
    (root / "pics").mkdir()
    Image.new("RGB", (40, 30), "orange").save(root / "pics" / "ok.png")
    return root


BULLET = "lesson: T\nsections:\n  - title: S\n    beats:\n      - bullet: hello\n"


# --- ids ----------------------------------------------------------------------


def test_the_lesson_id_from_the_file_name_is_checked_like_an_explicit_one(picture_project):
    assert problems(picture_project, BULLET, name="...yaml") == [
        (1, 1, "the lesson id '..', taken from the file name, may only hold letters, digits, '-', '_' and '.' "
               "(and not start with '-' or '.')")]
    long_name = "l" * 120 + ".yaml"
    assert problems(picture_project, BULLET, name=long_name) == [
        (1, 1, f"the lesson id '{'l' * 39}…', taken from the file name, is 120 characters long; "
               "ids name files, so at most 100")]


def test_an_explicit_id_makes_any_file_name_usable(picture_project):
    path = picture_project / "script" / "my lesson.yaml"
    path.write_text("lesson: T\nid: my-lesson\nsections:\n  - title: S\n    beats:\n      - bullet: hello\n")
    assert load_lesson(path).id == "my-lesson"


def test_explicit_ids_past_the_bound_are_located(picture_project):
    text = ("lesson: T\nsections:\n  - title: S\n    id: " + "s" * 101 + "\n    beats:\n"
            "      - say: hi\n        id: " + "b" * 300 + "\n")
    assert [(line, col) for line, col, _ in problems(picture_project, text)] == [(4, 9), (7, 13)]


def test_beat_ids_derived_from_a_long_title_fit_a_file_name(picture_project):
    path = picture_project / "script" / "case.yaml"
    path.write_text("lesson: T\nsections:\n  - title: " + "word " * 400 + "\n    beats:\n      - say: hi\n")
    beat = next(load_lesson(path).beats())[1]
    assert len(beat.id.encode()) <= MAX_SLUG_CHARS + 2
    assert id_problem(beat.id) is None


# --- pictures -----------------------------------------------------------------


def picture_script(path: str) -> str:
    return f"lesson: T\nsections:\n  - title: S\n    beats:\n      - show: slides\n        image: {path}\n"


@pytest.mark.parametrize("data, message", [
    (png_header(50000, 50000), "image 'pics/x.png' is 2,500 megapixels; pictures are limited to 16384 pixels a "
                               "side and 50 megapixels"),
    (png_header(20000, 10), "image 'pics/x.png' is 20000×10 pixels; pictures are limited to 16384 pixels a side "
                            "and 50 megapixels"),
    (b"not a picture", "image 'pics/x.png' cannot be decoded (not a picture format Pillow knows)"),
])
def test_pictures_are_checked_when_the_script_is_read(picture_project, data, message):
    (picture_project / "pics" / "x.png").write_bytes(data)
    assert problems(picture_project, picture_script("pics/x.png")) == [(6, 16, message)]


def test_a_truncated_picture_is_refused_before_anything_is_drawn(picture_project):
    good = (picture_project / "pics" / "ok.png").read_bytes()
    (picture_project / "pics" / "x.png").write_bytes(good[:60])
    [(line, col, message)] = problems(picture_project, picture_script("pics/x.png"))
    assert (line, col) == (6, 16)
    assert message.startswith("image 'pics/x.png' cannot be decoded (image file is truncated")


def test_a_good_picture_passes_and_its_check_is_cached(picture_project):
    path = picture_project / "script" / "case.yaml"
    path.write_text(picture_script("pics/ok.png"))
    assert load_lesson(path).sections[0].beats[0].cue.image == "pics/ok.png"
    assert image_problem(picture_project / "pics" / "ok.png") is None


# --- recordings ----------------------------------------------------------------


def test_a_recordings_path_that_is_a_file_is_located(picture_project):
    (picture_project / "takes.zip").write_bytes(b"PK")
    text = "lesson: T\nvoice: recorded:takes.zip\nsections:\n  - title: S\n    beats:\n      - say: hi\n"
    assert problems(picture_project, text) == [(2, 8, "the recordings folder 'takes.zip' is not a folder")]


def test_a_recordings_folder_not_made_yet_is_left_to_the_narration_stage(picture_project):
    path = picture_project / "script" / "case.yaml"
    path.write_text("lesson: T\nvoice: recorded:takes\nsections:\n  - title: S\n    beats:\n      - say: hi\n")
    assert load_lesson(path).voice == "recorded:takes"
