"""``master:`` in the theme: the deck is made on the course's own PowerPoint
template (its size, its layout, its artwork), read back with python-pptx."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Emu, Inches

from cuecast.deck.layout import layout_deck
from cuecast.deck.pptx_writer import write_pptx
from cuecast.deck.theme import load_theme
from cuecast.diagnostics import format_diagnostics
from cuecast.errors import ScriptError
from tests.support.deck_lesson import fake_captures, seed_like_lesson


def make_master(path: Path, width=Inches(13.333), height=Inches(7.5)) -> Path:
    """A template as an organisation would ship it: its own size, a branded
    bar on the blank layout and a sample slide left in."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = width, height
    blank = prs.slide_layouts[6]
    # python-pptx draws shapes on slides only: draw the bar on the sample
    # slide, then move its XML onto the blank layout
    sample = prs.slides.add_slide(prs.slide_layouts[0])
    sample.shapes.title.text = "Sample slide the template ships with"
    bar = sample.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, height - Inches(0.3), width, Inches(0.3))
    bar.name = "Corporate bar"
    bar.fill.solid()
    bar.fill.fore_color.rgb = RGBColor(0x00, 0x33, 0x66)
    blank.shapes._spTree.append(bar._element)
    prs.save(str(path))
    return path


def theme_with(tmp_path: Path, body: str):
    (tmp_path / "theme.yaml").write_text(body)
    return load_theme(tmp_path / "theme.yaml")


def build(theme, tmp_path: Path):
    lesson = seed_like_lesson()
    deck = layout_deck(lesson, fake_captures(lesson), theme)
    path = write_pptx(deck, theme, tmp_path / "slides.pptx")
    return deck, Presentation(str(path))


def test_slides_are_made_on_the_masters_layout_with_its_artwork(tmp_path):
    make_master(tmp_path / "brand.pptx")
    theme = theme_with(tmp_path, "master: brand.pptx\n")
    deck, prs = build(theme, tmp_path)
    assert [s.name for s in prs.slides] == [s.id for s in deck.slides]  # the sample slide is gone
    assert all("Sample slide" not in shape.text_frame.text
               for slide in prs.slides for shape in slide.shapes if shape.has_text_frame)
    for slide in prs.slides:
        assert slide.slide_layout.name == "Blank"
        assert "Corporate bar" in [shape.name for shape in slide.slide_layout.shapes]
        assert len(slide.placeholders) == 0
        assert slide._element.cSld.bg is None  # not painted over: the master's background shows
    title = " ".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert "PyTorch" in title


def test_the_deck_takes_the_masters_size_and_fits_it(tmp_path):
    make_master(tmp_path / "four-three.pptx", width=Inches(10), height=Inches(7.5))
    theme = theme_with(tmp_path, "master: four-three.pptx\n")
    assert (theme.width, theme.height) == (Inches(10), Inches(7.5))
    deck, prs = build(theme, tmp_path)
    assert (prs.slide_width, prs.slide_height) == (Emu(Inches(10)), Emu(Inches(7.5)))
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.left + shape.width <= prs.slide_width, (slide.name, shape.name)
            assert shape.top >= 0 and shape.top + shape.height <= prs.slide_height, (slide.name, shape.name)


def test_a_named_layout_is_used(tmp_path):
    make_master(tmp_path / "brand.pptx")
    theme = theme_with(tmp_path, "master: brand.pptx\nmaster_layout: Title Only\n")
    _, prs = build(theme, tmp_path)
    assert {slide.slide_layout.name for slide in prs.slides} == {"Title Only"}
    assert all(len(slide.placeholders) == 0 for slide in prs.slides)


def test_editing_the_master_changes_the_theme_value(tmp_path):
    master = make_master(tmp_path / "brand.pptx")
    before = theme_with(tmp_path, "master: brand.pptx\n")
    master.write_bytes(master.read_bytes() + b"\0")  # any change to the file
    after = load_theme(tmp_path / "theme.yaml")
    assert before != after  # so the build's deck, video and review stages rebuild


@pytest.mark.parametrize("body, message, line", [
    ("master: missing.pptx\n", "master file 'missing.pptx' not found", 1),
    ("master: notes.txt\n", "master file 'notes.txt' is not a PowerPoint file python-pptx can open", 1),
    ("master: brand.pptx\nmaster_layout: Titel Only\n", "master has no layout 'Titel Only'", 2),
    ("master_layout: Blank\n", "master_layout needs a master", 1),
])
def test_bad_master_settings_are_located_errors(tmp_path, body, message, line):
    make_master(tmp_path / "brand.pptx")
    (tmp_path / "notes.txt").write_text("not a deck")
    with pytest.raises(ScriptError) as raised:
        theme_with(tmp_path, body)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.message.startswith(message)
    assert diagnostic.location.line == line
    if "Titel" in body:
        assert "did you mean 'Title Only'?" in diagnostic.hint
        assert "Blank" in format_diagnostics(raised.value.diagnostics)


def test_margins_keep_every_box_clear_of_the_masters_artwork(tmp_path):
    make_master(tmp_path / "brand.pptx")  # a 0.3 in bar along the bottom
    bar_top = Inches(7.5) - Inches(0.3)
    plain, _ = build(theme_with(tmp_path, "master: brand.pptx\n"), tmp_path)
    assert any(box.y + box.h > bar_top for slide in plain.slides for box in slide.boxes
               if hasattr(box, "h"))  # without margins the code panels reach into the bar

    theme = theme_with(tmp_path, "master: brand.pptx\nmargins: {bottom: 0.35, left: 0.2}\n")
    assert theme.margins == (Inches(0.2), 0, 0, Inches(0.35))
    _, prs = build(theme, tmp_path)
    for slide in prs.slides:
        for shape in slide.shapes:  # connectors included: their box spans both ends
            assert shape.top + shape.height <= bar_top, (slide.name, shape.name)
            assert shape.left >= Inches(0.2), (slide.name, shape.name)


@pytest.mark.parametrize("body, message", [
    ("margins: {bottom: -1}\n", "margin bottom must be inches (0 or more), not '-1'"),
    ("margins: {botom: 0.3}\n", "unknown margin 'botom'"),
    ("margins: {top: 3, bottom: 3}\n", "margins take more than half the slide"),
    ("margins: 0.3\n", "margins is a mapping of inches per side"),
])
def test_bad_margins_are_located_errors(tmp_path, body, message):
    with pytest.raises(ScriptError) as raised:
        theme_with(tmp_path, body)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.message.startswith(message)
    assert diagnostic.location.line == 1
