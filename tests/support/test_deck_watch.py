"""The deck watch flags a deck whose words overlap and passes one whose words
do not: hand-made pptx files read back by the layout-level check, and the
plugin failing the test that wrote such a deck, naming file, slide and words."""

import os
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Pt

from tests.support import paths
from tests.support.deck_watch import deck_problems
from tests.support.layout_overlap import deck_words, layout_overlaps
from tests.support.overlap import needs_tools, pptx_to_pdf, word_boxes


def _deck(path: Path, second_top: int) -> Path:
    """A one-slide deck of two text boxes, the second ``second_top`` pt down."""
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    for top, text in ((100, "Output shape"), (second_top, "cpu badge")):
        frame = slide.shapes.add_textbox(Pt(100), Pt(top), Pt(300), Pt(30)).text_frame
        frame.word_wrap = True
        run = frame.paragraphs[0].add_run()
        run.text = text
        run.font.size = Pt(18)
        run.font.name = "DejaVu Sans"
    prs.save(path)
    return path


def test_two_text_boxes_on_top_of_each_other_overlap(tmp_path):
    deck = _deck(tmp_path / "hand.pptx", 104)  # not slides.pptx: the plugin would fail this test
    pairs = layout_overlaps(deck)
    assert {(a.page, a.text, b.text) for a, b in pairs} == {
        (1, "Output", "cpu"), (1, "Output", "badge"), (1, "badge", "shape")}
    problems = deck_problems(deck)
    assert "slide 1: 'Output'" in problems and "overlaps 'cpu'" in problems
    assert str(deck) in problems


def test_boxes_one_under_the_other_do_not_overlap(tmp_path):
    deck = _deck(tmp_path / "hand.pptx", 140)
    assert [w.text for w in deck_words(deck)] == ["Output", "shape", "cpu", "badge"]
    assert layout_overlaps(deck) == []
    assert deck_problems(deck) == ""


def test_words_are_placed_where_the_box_and_the_font_put_them(tmp_path):
    words = deck_words(_deck(tmp_path / "hand.pptx", 140))
    output, shape = words[0], words[1]
    assert output.x0 == 100 + 7.2  # the box's left plus python-pptx's default 0.1 in inset
    assert output.y0 > 100 and output.y1 < 130
    assert shape.x0 > output.x1  # the space between the words
    assert 18 < output.y1 - output.y0 < 24


def test_a_long_line_wraps_inside_its_box_and_can_run_into_the_box_below(tmp_path):
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    for top, text in ((100, "a heading long enough to wrap onto three lines in a narrow box"), (130, "bullet")):
        frame = slide.shapes.add_textbox(Pt(100), Pt(top), Pt(160), Pt(30)).text_frame
        frame.word_wrap = True
        run = frame.paragraphs[0].add_run()
        run.text = text
        run.font.size = Pt(18)
    prs.save(tmp_path / "hand.pptx")
    pairs = layout_overlaps(tmp_path / "hand.pptx")
    assert pairs and all("bullet" in (a.text, b.text) for a, b in pairs)


def test_the_plugin_fails_the_test_that_built_an_overlapping_deck(pytester, monkeypatch):
    source = Path(__file__).read_text()
    helper = source[source.index("def _deck("):source.index("def test_two_text_boxes")]
    pytester.makepyfile(
        "from pathlib import Path\nfrom pptx import Presentation\nfrom pptx.util import Pt\n\n" + helper + """
def test_builds_an_overlapping_deck(tmp_path):
    _deck(tmp_path / "slides.pptx", 104)

def test_builds_a_clean_deck(tmp_path):
    _deck(tmp_path / "slides.pptx", 140)
""")
    # the inner pytest runs in its own folder: the project must be importable there as here
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, (str(paths.PROJECT), os.environ.get("PYTHONPATH")))))
    result = pytester.runpytest_subprocess("-p", "tests.support.deck_watch", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*test_builds_an_overlapping_deck*", "*overlapping words in *slides.pptx*",
                                 "*slide 1: 'Output'*overlaps 'cpu'*"])
    assert "test_builds_a_clean_deck FAILED" not in result.stdout.str()
    result.stdout.fnmatch_lines(["deck watch: 2 distinct decks checked*"])
    for deck in pytester.path.rglob("slides.pptx"):  # checked: this session's watch need not see them again
        deck.unlink()


@pytest.mark.slow
@needs_tools
def test_words_are_placed_where_libreoffice_draws_them(tmp_path):
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    frame = slide.shapes.add_textbox(Pt(60), Pt(80), Pt(300), Pt(200)).text_frame
    frame.word_wrap = True
    for index, text in enumerate(("A bullet long enough to wrap onto a second line here", "and a second one")):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.space_before = Pt(12)
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(20)
        run.font.name = "DejaVu Sans"
    prs.save(tmp_path / "hand.pptx")
    ours = deck_words(tmp_path / "hand.pptx")
    drawn = word_boxes(pptx_to_pdf(tmp_path / "hand.pptx", tmp_path))
    assert [w.text for w in ours] == [w.text for w in drawn]
    for mine, theirs in zip(ours, drawn):
        assert abs(mine.x0 - theirs.x0) < 3 and abs(mine.x1 - theirs.x1) < 3, (mine, theirs)
        assert abs((mine.y0 + mine.y1) / 2 - (theirs.y0 + theirs.y1) / 2) < 4, (mine, theirs)
