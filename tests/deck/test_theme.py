"""Loading a theme: what it overrides keeps the rest of the built-in one, and
whatever cannot be laid out or drawn is refused when the theme loads, at its
line and column, rather than when a slide is drawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from cuecast.deck.theme import load_theme
from cuecast.errors import ScriptError


def test_theme_errors_carry_file_and_line(tmp_path):
    theme = tmp_path / "theme.yaml"
    theme.write_text("colors:\n  accent: orange\nfonts:\n  mono: {regular: nowhere.ttf}\nsizez: {}\n")
    with pytest.raises(ScriptError) as caught:
        load_theme(theme)
    found = {(d.location.line, d.message.split(" ")[0]) for d in caught.value.diagnostics}
    assert (2, "colour") in found
    assert (4, "font") in found
    assert (5, "unknown") in found


def test_theme_overrides_keep_the_rest(tmp_path):
    theme = tmp_path / "theme.yaml"
    theme.write_text('colors: {accent: "#123456"}\nsizes: {code_min: 11}\n')
    loaded = load_theme(theme)
    assert loaded.color("accent") == "#123456"
    assert loaded.size("code_min") == 11
    assert loaded.color("title") == load_theme(None).color("title")
    assert Path(loaded.font_file("mono")).name == "DejaVuSansMono.ttf"


def theme_file(tmp_path: Path, body: str) -> Path:
    """``body`` written as ``theme.yaml`` in ``tmp_path``."""
    path = tmp_path / "theme.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("body, expected", [
    ("size: {width: 1, height: 1}\n", [
        (1, 15, "slide width 1 in cannot be laid out; slides must be 4 to 56 inches wide and 4.5 to 56 inches tall"),
        (1, 26, "slide height 1 in cannot be laid out; slides must be 4 to 56 inches wide and 4.5 to 56 inches tall")]),
    ("size: 16:9\n", [(1, 7, "size must be a mapping, found an integer (16:9, which YAML 1.1 reads as the base-60 "
                             "number 969)")]),
    ("sizes: [10, 20, 30]\n", [(1, 8, "sizes must be a mapping, found a list")]),
    ("colors: [red]\n", [(1, 9, "colors must be a mapping, found a list")]),
    ("fonts:\n  sans: {family: X, regular: bad.ttf, bold: bad.ttf}\n", [
        (2, 30, "font file 'bad.ttf' is not a font Pillow can read (unknown file format)"),
        (2, 45, "font file 'bad.ttf' is not a font Pillow can read (unknown file format)")]),
    ("sizes: {code: 100}\n", [(1, 15, "size code of 100 pt is too large for a slide 13.333 inches wide: code needs "
                                      "room beside its line numbers")]),
    ("size: {width: 8, height: 5}\nmargins: {top: 0.4, bottom: 0.4}\n",
     [(2, 10, "margins leave 8 × 4.2 inches for the lesson; it needs at least 4 × 4.5")]),
    ("margins: {left: nan}\n", [(1, 17, "margin left must be inches (0 or more), not 'nan'")]),
    ("logo: big.png\n", [(1, 7, "logo file 'big.png' is 20000×20 pixels; pictures are limited to 16384 pixels a side "
                                "and 50 megapixels")]),
    ("colors:\n  <<: {accent: '#123456'}\n  accent: nope\n", [(3, 11, "colour accent is not a #RRGGBB hex colour: 'nope'")]),
])
def test_a_theme_that_cannot_be_drawn_is_refused_when_it_loads(tmp_path, body, expected):
    (tmp_path / "bad.ttf").write_text("<html>not a font</html>\n")
    Image.new("RGB", (20000, 20)).save(tmp_path / "big.png")
    with pytest.raises(ScriptError) as caught:
        load_theme(theme_file(tmp_path, body))
    assert [(d.location.line, d.location.col, d.message) for d in caught.value.diagnostics] == expected


def test_theme_merge_keys_share_values(tmp_path):
    theme = load_theme(theme_file(tmp_path, "colors:\n  <<: {accent: '#123456', title: '#000000'}\n  title: '#FFFFFF'\n"))
    assert (theme.color("accent"), theme.color("title")) == ("#123456", "#FFFFFF")


def test_the_theme_option_is_read_and_checked(tmp_path):
    path = tmp_path / "theme.yaml"
    path.write_text("run_time: true\n")
    assert load_theme(path).run_time is True
    assert load_theme(None).run_time is False
    path.write_text("colors: {}\nrun_time: sometimes\n")
    with pytest.raises(ScriptError) as caught:
        load_theme(path)
    [problem] = caught.value.diagnostics
    assert problem.location.line == 2 and "'run_time' must be true or false" in problem.message
