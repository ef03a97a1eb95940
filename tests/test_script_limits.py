"""The limits the parser keeps: ids that name files (bounded, checked the same
way wherever they come from), pictures checked when the script is read, YAML
merge keys, YAML 1.1 numbers refused where a range is meant, and nesting
refused at the line that goes too deep."""

from __future__ import annotations

import struct
import zlib
from functools import partial
from pathlib import Path

import pytest
from PIL import Image

from cuecast.ids import MAX_ID_BYTES, MAX_ID_CHARS, MAX_SLUG_CHARS, id_problem, slugify
from cuecast.images import image_problem
from cuecast.script import load_lesson
from cuecast.script_yaml import MAX_NESTING
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


def png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


BULLET = "lesson: T\nsections:\n  - title: S\n    beats:\n      - bullet: hello\n"


# --- ids ----------------------------------------------------------------------


def test_a_long_title_gives_a_bounded_slug_that_stays_unique_and_stable():
    first = slugify("Tensors " * 300 + "one")
    second = slugify("Tensors " * 300 + "two")
    assert len(first) <= MAX_SLUG_CHARS and len(second) <= MAX_SLUG_CHARS
    assert first != second
    assert first == slugify("Tensors " * 300 + "one")
    assert first.startswith("tensors-tensors-") and not first.split("-")[-2] == ""
    assert slugify("Short title") == "short-title"  # a slug that fits is not touched


def test_a_slug_of_wide_letters_is_bounded_in_bytes_too():
    slug = slugify("講" * 200)
    assert len(slug.encode("utf-8")) <= 120
    assert id_problem(slug) is None


@pytest.mark.parametrize("value, problem", [
    ("ok-id.1", None),
    ("b" * MAX_ID_CHARS, None),
    ("b" * (MAX_ID_CHARS + 1), "is 101 characters long; ids name files, so at most 100"),
    ("講" * 51, f"takes 153 bytes as UTF-8; ids name files, so at most {MAX_ID_BYTES} bytes"),
    ("..", "may only hold letters, digits, '-', '_' and '.' (and not start with '-' or '.')"),
    ("take-1\n", "may only hold letters, digits, '-', '_' and '.' (and not start with '-' or '.')"),
    ("a/b", "may only hold letters, digits, '-', '_' and '.' (and not start with '-' or '.')"),
])
def test_every_id_is_checked_for_what_a_file_name_can_hold(value, problem):
    assert id_problem(value) == problem


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


# --- YAML: merge keys, YAML 1.1 numbers, nesting -------------------------------


def test_merge_keys_share_cue_fields_and_written_keys_win(picture_project):
    path = picture_project / "script" / "case.yaml"
    path.write_text(
        "lesson: T\nsections:\n  - title: S\n    beats:\n"
        "      - &code\n        show: vscode\n        snippet: snippets/ok.py\n        lines: 1-3\n        say: first\n"
        "      - <<: *code\n        lines: 4-5\n        say: second\n"
        "      - <<: [*code]\n        say: third\n")
    beats = [beat for _, beat in load_lesson(path).beats()]
    assert [(b.cue.snippet, b.cue.lines, b.say) for b in beats] == [
        ("snippets/ok.py", (1, 3), "first"), ("snippets/ok.py", (4, 5), "second"), ("snippets/ok.py", (1, 3), "third")]
    assert [b.id for b in beats] == ["s-1", "s-2", "s-3"]


def test_a_problem_in_a_merged_value_is_reported_once_where_it_is_written(picture_project):
    text = ("lesson: T\nsections:\n  - title: S\n    beats:\n"
            "      - &code\n        show: vscode\n        snippet: snippets/ok.py\n        lines: 40-50\n"
            "      - <<: *code\n        say: again\n")
    assert problems(picture_project, text) == [(8, 16, "'lines' 40-50 runs past the end of snippets/ok.py (7 lines)")]


@pytest.mark.parametrize("value, message", [
    ("1:30", "'lines' is 1:30, which YAML 1.1 reads as the base-60 number 90, not a line range"),
    ("010", "'lines' is 010, which YAML 1.1 reads as the octal number 8, not a line range"),
    ("0x3", "'lines' is 0x3, which YAML 1.1 reads as the hexadecimal number 3, not a line range"),
])
def test_yaml_11_numbers_are_refused_where_a_range_is_meant(picture_project, value, message):
    text = ("lesson: T\nsections:\n  - title: S\n    beats:\n      - show: vscode\n"
            f"        snippet: snippets/ok.py\n        lines: {value}\n")
    assert problems(picture_project, text) == [(7, 16, message)]


def test_quoted_and_plain_ranges_still_work(picture_project):
    path = picture_project / "script" / "case.yaml"
    path.write_text("lesson: T\nsections:\n  - title: S\n    beats:\n      - show: vscode\n"
                    "        snippet: snippets/ok.py\n        lines: 5\n        output: '1-1'\n")
    cue = load_lesson(path).sections[0].beats[0].cue
    assert (cue.lines, cue.output_lines) == ((5, 5), (1, 1))


def test_a_base_60_title_says_what_yaml_read(picture_project):
    text = "lesson: T\nsections:\n  - title: 12:30\n"
    assert problems(picture_project, text) == [
        (3, 12, "'title' must be a string, found an integer (12:30, which YAML 1.1 reads as the base-60 number 750)")]


@pytest.mark.parametrize("depth", [MAX_NESTING + 5, 10_000])
def test_deep_nesting_is_refused_at_its_line(picture_project, depth):
    text = "lesson: T\nsections:\n  - title: S\n    beats:\n      - say: hi\n        points: " + \
        "[" * depth + "]" * depth + "\n"
    [(line, col, message)] = problems(picture_project, text)
    assert line == 6 and col > 16
    assert message == f"the YAML nests lists and mappings more than {MAX_NESTING} levels deep here"


# --- recordings ----------------------------------------------------------------


def test_a_recordings_path_that_is_a_file_is_located(picture_project):
    (picture_project / "takes.zip").write_bytes(b"PK")
    text = "lesson: T\nvoice: recorded:takes.zip\nsections:\n  - title: S\n    beats:\n      - say: hi\n"
    assert problems(picture_project, text) == [(2, 8, "the recordings folder 'takes.zip' is not a folder")]


def test_a_recordings_folder_not_made_yet_is_left_to_the_narration_stage(picture_project):
    path = picture_project / "script" / "case.yaml"
    path.write_text("lesson: T\nvoice: recorded:takes\nsections:\n  - title: S\n    beats:\n      - say: hi\n")
    assert load_lesson(path).voice == "recorded:takes"
