"""Layout: slide ids, notes, fitting, pagination, trimming, templates, theme."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from cuecast.deck import cue_slide_id, section_slide_id
from cuecast.deck.boxes import Connector, TextBox
from cuecast.deck.code_layout import more_lines_note
from cuecast.deck.fit import inner_size
from cuecast.deck.layout import layout_deck
from cuecast.deck.measure import SLACK, Measurer
from cuecast.deck.theme import load_theme
from cuecast.errors import ScriptError
from cuecast.model import Beat, Capture, Cue, Lesson, Location, Section, SnippetException
from cuecast.script import load_lesson

from tests.deck.test_theme import theme_file
from tests.support.deck_lesson import fake_captures, seed_like_lesson


@pytest.fixture(scope="module")
def theme():
    return load_theme(None)


@pytest.fixture(scope="module")
def lesson():
    return seed_like_lesson()


@pytest.fixture(scope="module")
def deck(lesson, theme):
    return layout_deck(lesson, fake_captures(lesson), theme)


def assert_fits(deck, theme):
    measurer = Measurer(theme)
    for slide in deck.slides:
        for box in slide.boxes:
            if isinstance(box, Connector):
                xs, ys = (box.x1, box.x2), (box.y1, box.y2)
                assert min(xs) >= 0 and max(xs) <= deck.width and min(ys) >= 0 and max(ys) <= deck.height
                continue
            assert box.x >= 0 and box.y >= 0, (slide.id, box.name)
            assert box.x + box.w <= deck.width and box.y + box.h <= deck.height, (slide.id, box.name)
            if isinstance(box, TextBox):
                w, h = inner_size(box.w, box.h, box.inset)
                assert measurer.height(box.paragraphs, w, box.wrap) <= h + 0.01, (slide.id, box.name)
                if not box.wrap:
                    assert measurer.widest(box.paragraphs) <= w * SLACK + 0.01, (slide.id, box.name)


def test_a_slide_for_the_title_every_section_and_every_cue(deck, lesson):
    ids = [slide.id for slide in deck.slides]
    assert ids[0] == "title"
    for section in lesson.walk():
        assert section_slide_id(section) in ids
    for _, beat, _ in lesson.cues():
        assert cue_slide_id(beat) in ids
    assert len(ids) == len(set(ids))
    assert "section:outro" in ids  # the subsection with no bullets gets a title card


def test_every_slide_has_notes_and_they_are_the_narration(deck, lesson):
    assert all(slide.notes.strip() for slide in deck.slides)
    device = deck.slide("section:device")
    assert "Pytorch can use multiple device types" in device.notes
    assert deck.slide("cue:casting-1").notes.startswith("Casting various torch objects")
    assert deck.slide("section:outro").notes == "Thanks for watching PyTorch."  # Jinja in narration


def test_bullets_keep_nested_points(deck):
    box = next(b for b in deck.slide("section:device").boxes if b.name == "bullets")
    texts = [(p.bullet, p.text) for p in box.paragraphs]
    assert texts[0] == ("•", "Pytorch can use multiple device types")
    assert ("–", "CPU for data loading") in texts


def test_templates_fill_titles(deck):
    assert deck.slide("section:autograd").title == "Automatic differentiation on cpu"
    title = next(b for b in deck.slide("title").boxes if b.name == "byline")
    assert title.text == "torch 2.13.0 on cpu"


def test_a_lesson_without_snippets_credits_no_run(theme):
    where = Location("talk.yaml", 1, 1)
    talk = Lesson("talk", "Talk", "talk.yaml", ".", where, sections=(
        Section("why", "Why", where, beats=(Beat("why-1", where, say="A reason.", bullet="A reason"),)),))
    title = layout_deck(talk, {}, theme).slide("title")
    assert [b.name for b in title.boxes if b.name == "byline"] == []
    assert title.notes == "Talk."


def test_nothing_leaves_the_slide_or_overflows_its_box(deck, theme):
    assert_fits(deck, theme)


def _long_lesson(tmp_path: Path, code_lines: int, output_lines: int, title: str = "Long",
                 say: str = "Long code.") -> tuple[Lesson, dict]:
    (tmp_path / "snippets").mkdir(exist_ok=True)
    source = "\n".join(f"x{i} = {i}  # a line of code that says something about x{i}" for i in range(code_lines))
    (tmp_path / "snippets" / "long.py").write_text(source + "\n")
    loc = Location("long.yaml", 3, 5)
    cue = Cue("vscode", "long-1", loc, snippet="snippets/long.py")
    lesson = Lesson("long", "Long", "long.yaml", str(tmp_path), Location("long.yaml", 1),
                    (Section("long", title, Location("long.yaml", 2), beats=(Beat("long-1", loc, say, cue=cue, shown_say=say),)),))
    output = "".join(f"output line {i}\n" for i in range(output_lines))
    return lesson, {"snippets/long.py": Capture("snippets/long.py", "ok", output, duration=1.5)}


def test_long_code_continues_on_numbered_pages_and_keeps_every_line(tmp_path, theme):
    lesson, captures = _long_lesson(tmp_path, 70, 3)
    deck = layout_deck(lesson, captures, theme)
    pages = [s for s in deck.slides if s.id.startswith("cue:long-1")]
    assert len(pages) >= 3
    assert [s.id for s in pages][:2] == ["cue:long-1", "cue:long-1/2"]
    assert pages[1].title == f"Long (2/{len(pages)})"
    code = "\n".join(next(b for b in s.boxes if b.name == "code:code").text for s in pages)
    assert code == (tmp_path / "snippets" / "long.py").read_text().rstrip("\n")
    sizes = {p.size for s in pages for p in next(b for b in s.boxes if b.name == "code:code").paragraphs}
    assert sizes == {theme.size("code_min")}
    assert sum(1 for s in pages for b in s.boxes if b.name == "output:terminal") == 1
    assert_fits(deck, theme)


def test_long_output_is_trimmed_with_a_note(tmp_path, theme):
    lesson, captures = _long_lesson(tmp_path, 3, 400)
    deck = layout_deck(lesson, captures, theme)
    terminal = next(b for b in deck.slide("cue:long-1").boxes if b.name == "output:terminal")
    lines = terminal.text.split("\n")
    shown = lines[:-1]
    assert lines[-1] == more_lines_note(400 - len(shown))
    assert shown == [f"output line {i}" for i in range(len(shown))]
    assert_fits(deck, theme)


def test_a_long_title_shrinks_or_wraps_inside_its_box(tmp_path, theme):
    lesson, captures = _long_lesson(tmp_path, 3, 3, title="A very long section title " * 8)
    deck = layout_deck(lesson, captures, theme)
    assert_fits(deck, theme)
    title = next(b for b in deck.slide("cue:long-1").boxes if b.name == "title")
    assert title.paragraphs[0].size < theme.size("title")


def test_an_error_capture_is_shown_in_red(tmp_path, theme):
    lesson, captures = _long_lesson(tmp_path, 3, 2)
    error = SnippetException("ValueError", "bad value", "Traceback (most recent call last):\n"
                             '  File "snippets/long.py", line 2\nValueError: bad value\n', 2)
    captures = {k: replace(c, status="error", exception=error) for k, c in captures.items()}
    deck = layout_deck(lesson, captures, theme)
    boxes = {b.name: b for b in deck.slide("cue:long-1").boxes}
    last = boxes["output:terminal"].paragraphs[-1]
    assert last.text == "ValueError: bad value"
    assert last.runs[0].color == theme.color("error")
    assert "error" in boxes["output:label"].text


def test_a_missing_capture_says_not_run(tmp_path, theme):
    lesson, _ = _long_lesson(tmp_path, 3, 2)
    deck = layout_deck(lesson, {}, theme)
    terminal = next(b for b in deck.slide("cue:long-1").boxes if b.name == "output:terminal")
    assert terminal.text == "(not run)"


@pytest.mark.parametrize("text, message", [
    ("{{ nope }}", "unknown name in template"),
    ("{{ lesson.__class__.__mro__ }}", "not allowed in a template"),
    ("{{ torch_version ", "template syntax error"),
])
def test_template_errors_point_at_the_beat(tmp_path, theme, text, message):
    lesson, captures = _long_lesson(tmp_path, 3, 2)
    section = lesson.sections[0]
    beat = replace(section.beats[0], say=text, location=Location("long.yaml", 7, 9))
    lesson = replace(lesson, sections=(replace(section, beats=(beat,)),))
    with pytest.raises(ScriptError) as caught:
        layout_deck(lesson, captures, theme)
    diagnostic = caught.value.diagnostics[0]
    assert str(diagnostic.location) == "long.yaml:7:9"
    assert message in diagnostic.message


# --- theme limits: what loads can be laid out and drawn ------------------------


@pytest.mark.parametrize("width, height", [(4, 4.5), (56, 4.5), (4, 56), (56, 56), (10, 5.625)])
def test_the_extreme_slide_sizes_a_theme_accepts_lay_out_and_draw(tmp_path, lesson, width, height):
    from cuecast.deck.raster import draw_slide
    from cuecast.deck.theme import CODE_SIZE_SHARE

    largest_code = width * 72 / CODE_SIZE_SHARE  # the largest code size this width allows
    theme = load_theme(theme_file(tmp_path, f"size: {{width: {width}, height: {height}}}\n"
                                             f"sizes: {{code: {min(largest_code, 200):.2f}, "
                                             f"code_min: {min(largest_code, 200):.2f}, title: 200, body: 200}}\n"))
    # a snippet whose line numbers have six digits: the widest gutter a code panel gets
    shutil.copytree(Path(lesson.root) / "snippets", tmp_path / "snippets")
    (tmp_path / "snippets" / "long.py").write_text("".join(f"x{i} = {i}\n" for i in range(100_000)))
    cue = Cue(kind="vscode", id="long-1", location=Location("t.yaml", 1, 1), snippet="snippets/long.py",
              lines=(99_990, 100_000))
    extra = Section("long", "Long", Location("t.yaml", 1, 1), beats=(Beat("long-1", cue.location, say="x", cue=cue),))
    wide = replace(lesson, root=str(tmp_path), sections=lesson.sections + (extra,))
    captures = fake_captures(lesson)
    captures["snippets/long.py"] = Capture("snippets/long.py", "ok", "1\n", (("stdout", "1\n"),))
    deck = layout_deck(wide, captures, theme)
    for slide in deck.slides:
        for box in slide.boxes:
            if not isinstance(box, Connector):
                assert box.w >= 0 and box.h >= 0, (width, height, slide.id, box.name)
        for size in ((1920, 1080), (16, 16)):
            draw_slide(slide, theme, size)


def test_code_in_a_title_is_drawn_as_code_never_as_backticks(tmp_path, theme):
    lesson, captures = _long_lesson(tmp_path, 3, 2, title="Autograd with `torch.autograd`")
    lesson = replace(lesson, title="Differentiation with `torch.autograd`")
    deck = layout_deck(lesson, captures, theme)
    for slide_id in ("title", "cue:long-1"):
        title = next(b for b in deck.slide(slide_id).boxes if b.name == "title")
        runs = [run for paragraph in title.paragraphs for run in paragraph.runs]
        assert "`" not in "".join(run.text for run in runs)
        assert [(run.text, run.font) for run in runs][-1] == ("torch.autograd", "mono")
    assert lesson.plain_title == "Differentiation with torch.autograd"


def test_a_cue_subtitle_shows_what_is_said_as_a_slide_shows_it(tmp_path, theme):
    """The voice reads ``$x^{(i)}$`` as "x i"; the subtitle shows the symbols,
    and backticked code in monospace, as a bullet would."""
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "index.py").write_text("print(1)\n")
    (tmp_path / "script").mkdir()
    (tmp_path / "script" / "maths.yaml").write_text(
        "lesson: Maths\nsections:\n  - title: Index\n    beats:\n      - show: vscode\n"
        "        snippet: snippets/index.py\n        say: Each $x^{(i)}$ goes through `model.forward`.\n")
    lesson = load_lesson(tmp_path / "script" / "maths.yaml")
    beat = lesson.sections[0].beats[0]
    assert beat.say == "Each x i goes through model.forward."
    deck = layout_deck(lesson, {"snippets/index.py": Capture("snippets/index.py", "ok", "1\n")}, theme)
    subtitle = next(b for b in deck.slide(cue_slide_id(beat)).boxes if b.name == "subtitle")
    runs = [(run.text, run.font) for paragraph in subtitle.paragraphs for run in paragraph.runs]
    assert runs == [("Each x⁽ⁱ⁾ goes through ", "sans"), ("model.forward", "mono"), (".", "sans")]


# --- bullets: never cut, one size across a section's builds ---------------------


def _bullets_lesson(*beats: Beat) -> Lesson:
    section = Section("many", "Many bullets", Location("b.yaml", 1, 1), beats=beats)
    return Lesson("b", "Bullets", "b.yaml", ".", Location("b.yaml", 1, 1), (section,))


def _bullet(n: int, text: str, *points: str) -> Beat:
    return Beat(f"many-{n}", Location("b.yaml", n + 1, 1), say=text, bullet=text, points=points)


def test_bullets_that_do_not_fit_continue_on_the_next_slide_and_none_is_cut(theme):
    points = ("its first sub-point, long enough to take a line of its own on the slide",
              "its second sub-point, just as long as the first one was before it")
    beats = [_bullet(n, f"Bullet {n} of a slide that holds far more than one slide can show at once", *points)
             for n in range(1, 9)]
    deck = layout_deck(_bullets_lesson(*beats), {}, theme)
    ids = [s.id for s in deck.slides]
    assert ids[1:] == ["section:many", "section:many/2"]
    texts = [p.text for s in deck.slides[1:] for b in s.boxes if b.name == "bullets" for p in b.paragraphs]
    assert texts == [t for b in beats for t in (b.bullet, *b.points)]  # every bullet and point, in order
    assert not any("…" in t for t in texts)
    assert [s.title for s in deck.slides[1:]] == ["Many bullets"] * 2
    assert [b.text for b in deck.slides[2].boxes if b.name == "title"] == ["Many bullets (2/2)"]
    sizes = {p.size for s in deck.slides[1:] for b in s.boxes if b.name == "bullets" for p in b.paragraphs if p.bullet == "•"}
    assert len(sizes) == 1 and sizes.pop() > theme.size("body_min")  # two pages either way: as large as two allow
    assert_fits(deck, theme)


def test_the_builds_of_a_section_keep_one_font_size(theme):
    first = _bullet(1, "A short bullet")
    cue = Beat("many-2", Location("b.yaml", 3, 1), say="A page.",
               cue=Cue(id="many-2", location=Location("b.yaml", 3, 1), kind="browser", url="https://example.org"))
    later = [_bullet(n, "A longer bullet added after the cue, that takes more room than the first one did",
                     "with a point under it that takes a line of its own", "and another point under it") for n in (3, 4, 5)]
    deck = layout_deck(_bullets_lesson(first, cue, *later), {}, theme)
    sizes = {s.id: {p.size for b in s.boxes if b.name == "bullets" for p in b.paragraphs if p.bullet == "•"}
             for s in deck.slides if s.id.startswith("section:")}
    assert set(sizes) == {"section:many", "section:many+2"}
    assert sizes["section:many"] == sizes["section:many+2"] and len(sizes["section:many"]) == 1
    assert max(sizes["section:many"]) < theme.size("body")  # the last build needed a smaller size; the first keeps it


def test_continued_section_slides_count_as_pages_of_their_slide():
    from cuecast.deck import base_slide_id, cue_pages, page_slide_id

    assert page_slide_id("section:many", 1) == "section:many" and page_slide_id("section:many+2", 2) == "section:many+2/2"
    assert base_slide_id("section:many+2/2") == "section:many+2" and base_slide_id("section:a/b") == "section:a/b"
    ids = ["title", "section:many", "section:many/2", "cue:x", "cue:x/2", "cue:x/3", "section:many+2"]
    assert cue_pages(ids) == {"section:many": 2, "cue:x": 3, "section:many+2": 1}


def test_a_code_slide_is_titled_by_its_cell_when_the_cell_has_a_name_of_its_own():
    from cuecast.deck.layout import cue_title

    section = Section("ops", "Operations on Tensors", Location("t.yaml", 1, 1))

    def cue(cell_title):
        return Cue("vscode", "ops-1", Location("t.yaml", 2, 1), snippet="snippets/t.py", cell=2,
                   cell_title=cell_title)

    assert cue_title(section, cue("Joining tensors")) == "Joining tensors"
    assert cue_title(section, cue("Operations on Tensors (3)")) == "Operations on Tensors"
    assert cue_title(section, cue("")) == "Operations on Tensors"


#: An imported tutorial's narration under a code slide's title: 280 characters, three sentences.
LONG_SAY = ("To optimize weights of parameters in the neural network, we need to compute the derivatives of our "
            "loss function with respect to parameters. To compute those derivatives, we call loss.backward(), and "
            "then retrieve the values from w.grad and b.grad. We do it twice.")


def _subtitle(deck) -> TextBox:
    return next(b for b in deck.slide("cue:long-1").boxes if b.name == "subtitle")


def test_a_long_cue_subtitle_wraps_whole_and_the_code_moves_down_under_it(tmp_path, theme):
    short, captures = _long_lesson(tmp_path, 3, 2)
    long, _ = _long_lesson(tmp_path, 3, 2, say=LONG_SAY)
    before, after = layout_deck(short, captures, theme), layout_deck(long, captures, theme)
    subtitle = _subtitle(after)
    assert subtitle.text == LONG_SAY and "…" not in subtitle.text  # whole, not cut
    size = subtitle.paragraphs[0].size
    assert theme.size("subtitle_min") <= size <= theme.size("subtitle")
    width, _ = inner_size(subtitle.w, subtitle.h, subtitle.inset)
    rows = Measurer(theme).paragraph_lines(subtitle.paragraphs[0], width)
    assert 2 <= len(rows) <= 3
    assert subtitle.h > _subtitle(before).h  # the box grew to its rows ...
    panel = next(b for b in after.slide("cue:long-1").boxes if b.name == "code:tabbar")
    assert panel.y >= subtitle.y + subtitle.h  # ... and the code sits under it
    old_panel = next(b for b in before.slide("cue:long-1").boxes if b.name == "code:tabbar")
    assert panel.y - old_panel.y == subtitle.h - _subtitle(before).h
    assert after.slide("cue:long-1").notes.startswith(LONG_SAY)  # the notes keep it whole
    assert_fits(after, theme)


def test_a_subtitle_that_fits_one_row_keeps_one_row_at_the_largest_size_that_fits(tmp_path, theme):
    lesson, captures = _long_lesson(tmp_path, 3, 2, say="Creating tensors with requires_grad")
    subtitle = _subtitle(layout_deck(lesson, captures, theme))
    assert subtitle.paragraphs[0].size == theme.size("subtitle")
    assert len(Measurer(theme).paragraph_lines(subtitle.paragraphs[0], subtitle.w / 12_700)) == 1


def test_narration_longer_than_three_rows_shows_its_first_whole_sentences(tmp_path, theme):
    lesson, captures = _long_lesson(tmp_path, 3, 2, say=" ".join([LONG_SAY] * 3))
    deck = layout_deck(lesson, captures, theme)
    shown = _subtitle(deck).text
    assert "…" not in shown and LONG_SAY.startswith(shown) and shown.endswith(".")
    assert deck.slide("cue:long-1").notes.startswith(" ".join([LONG_SAY] * 3))
    assert_fits(deck, theme)
