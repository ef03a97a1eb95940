"""Both drawers place the same boxes: the pptx read back with python-pptx,
and the Pillow image, against the one layout."""

from __future__ import annotations


import pytest
from pptx import Presentation
from pptx.util import Emu

from cuecast.deck.boxes import Connector, ImageBox, Rect, TextBox
from cuecast.deck.layout import layout_deck
from cuecast.deck.measure import drawn
from cuecast.deck.pptx_writer import write_pptx
from cuecast.deck.raster import draw_slide
from cuecast.deck.theme import load_theme

from tests.support.deck_lesson import fake_captures, seed_like_lesson
from tests.support.overlap import check_deck, needs_tools

NS_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


@pytest.fixture(scope="module")
def theme():
    return load_theme(None)


@pytest.fixture(scope="module")
def deck(theme):
    lesson = seed_like_lesson()
    return layout_deck(lesson, fake_captures(lesson), theme)


@pytest.fixture(scope="module")
def written(deck, theme, tmp_path_factory):
    path = tmp_path_factory.mktemp("deck") / "slides.pptx"
    write_pptx(deck, theme, path)
    assert not list(path.parent.glob("*.part"))
    return path


@pytest.fixture(scope="module")
def prs(written):
    return Presentation(str(written))


@needs_tools
def test_libreoffice_draws_no_word_over_another_and_breaks_lines_as_the_png_does(written, deck, theme):
    check_deck(written, deck, theme)


def test_the_deck_is_16_by_9_with_one_named_slide_per_layout(prs, deck):
    assert (prs.slide_width, prs.slide_height) == (Emu(deck.width), Emu(deck.height))
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    assert [s.name for s in prs.slides] == [s.id for s in deck.slides]


def test_shapes_sit_where_the_layout_put_them(prs, deck):
    for slide, layout in zip(prs.slides, deck.slides):
        shapes = {shape.name: shape for shape in slide.shapes}
        for box in layout.boxes:
            shape = shapes[box.name]
            if isinstance(box, Connector):
                assert (shape.begin_x, shape.begin_y, shape.end_x, shape.end_y) == (box.x1, box.y1, box.x2, box.y2)
                continue
            assert (shape.left, shape.top, shape.width, shape.height) == (box.x, box.y, box.w, box.h), box.name
            assert shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height
            if isinstance(box, TextBox):
                assert drawn(shape.text_frame.text) == box.text  # less the zero-width breaks in long words
                assert len(shape.text_frame.paragraphs) == len([p for p in box.paragraphs if not p.continues])


def test_text_is_native_with_colours_fonts_and_sizes(prs, deck, theme):
    slide = next(s for s in prs.slides if s.name == "cue:casting-1")
    code = next(sh for sh in slide.shapes if sh.name == "code:code")
    runs = [r for p in code.text_frame.paragraphs for r in p.runs]
    assert {r.font.name for r in runs} == {theme.font("mono").family}
    assert len({str(r.font.color.rgb) for r in runs}) > 2  # token colours, not one colour
    for paragraph in code.text_frame.paragraphs:  # blank lines keep the code size too
        end = paragraph._p.find("{http://schemas.openxmlformats.org/drawingml/2006/main}endParaRPr")
        assert end is not None and int(end.get("sz")) > 0


def test_every_slide_has_speaker_notes(prs, deck):
    for slide, layout in zip(prs.slides, deck.slides):
        assert slide.has_notes_slide
        assert slide.notes_slide.notes_text_frame.text == layout.notes


def test_autograd_nodes_are_shapes_with_glued_connectors(prs):
    slide = next(s for s in prs.slides if s.name == "cue:autograd-1")
    nodes = {sh.name: sh for sh in slide.shapes if sh.name.startswith("node:")}
    assert {sh.text_frame.text for sh in nodes.values()} == {"loss", "PowBackward0", "AddBackward0",
                                                             "MulBackward0", "b", "w"}
    connectors = [sh for sh in slide.shapes if sh.name.startswith("edge:")]
    assert len(connectors) == 5
    ids = {sh.shape_id for sh in nodes.values()}
    for connector in connectors:
        xml = connector._element
        start = xml.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}stCxn")
        end = xml.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}endCxn")
        assert int(start.get("id")) in ids and int(end.get("id")) in ids


def test_the_browser_slide_links_to_the_page(prs):
    slide = next(s for s in prs.slides if s.name == "cue:modules-2")
    links = {r.hyperlink.address for sh in slide.shapes if sh.has_text_frame
             for p in sh.text_frame.paragraphs for r in p.runs if r.hyperlink.address}
    assert links == {"https://pytorch.org/docs/stable/nn.html"}


def _pixels(image, box, scale):
    x0, y0 = int(box.x * scale) + 2, int(box.y * scale) + 2
    x1, y1 = int((box.x + box.w) * scale) - 2, int((box.y + box.h) * scale) - 2
    return image.crop((x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)))


def test_the_raster_draws_inside_each_box_and_nothing_outside(deck, theme):
    size = (960, 540)
    scale = size[0] / deck.width
    for layout in deck.slides:
        image = draw_slide(layout, theme, size)
        assert image.size == size
        background = tuple(int(layout.background[i:i + 2], 16) for i in (1, 3, 5))
        covered = image.copy()
        for box in layout.boxes:
            if isinstance(box, Connector):
                continue
            if isinstance(box, (Rect, ImageBox)) or box.text.strip() or box.fill:
                colours = _pixels(image, box, scale).getcolors(1 << 20)
                assert any(c != background for _, c in colours), (layout.id, box.name)
            x0, y0 = int(box.x * scale) - 1, int(box.y * scale) - 1
            covered.paste(background, (x0, y0, int((box.x + box.w) * scale) + 2, int((box.y + box.h) * scale) + 2))
        for box in layout.boxes:  # arrows run between boxes: blank them too
            if isinstance(box, Connector):
                xs = sorted((int(box.x1 * scale), int(box.x2 * scale)))
                ys = sorted((int(box.y1 * scale), int(box.y2 * scale)))
                covered.paste(background, (xs[0] - 8, ys[0] - 8, xs[1] + 8, ys[1] + 8))
        stray = [c for _, c in covered.getcolors(1 << 20) if c != background]
        assert not stray, (layout.id, stray[:3])
