"""Decks a designer would ship, built through the real command line and read
back as a person sees them (LibreOffice renders the pptx, poppler gives
every word's box; python-pptx and nbformat read the rest):

- nothing overlaps: the default lesson, lessons imported from a notebook
  and a sphinx-gallery script, and ``tests/fixtures/hard_deck`` (long titles,
  two columns with long headings, too many bullets, failed and not-run
  cells, long URLs and paths);
- the deck is a pure function of content and captures: two ``--no-cache``
  builds in separate copies give the same bytes, and an edit to one cell
  of an imported tutorial redraws only that cell's slides;
- LibreOffice breaks every line of text where cuecast's measurer (and so
  its PNG drawer) did;
- nothing is cut, words break at their joints, builds keep one size;
- tracebacks on slides, in the video's terminal and in the notebook hold
  the lesson's frames and the error, never a library's absolute path.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from pptx import Presentation

from tests.support import paths
from tests.support.cli import run_render
from tests.support.overlap import check_lesson_deck, needs_tools, pptx_to_pdf, word_boxes

pytestmark = [pytest.mark.slow, needs_tools]

HARD = paths.FIXTURES / "hard_deck"
IMPORTS = paths.FIXTURES / "import"
#: A library's file as a traceback names it: an absolute path, or a virtualenv's.
ABSOLUTE = re.compile(r"site-packages|dist-packages|File \"/|(?<![\w.:/])/(?:home|usr|opt|work|tmp|root|Users|private)/")


def _project(root: Path, source: Path = paths.PROJECT) -> Path:
    for name in ("script", "snippets", "slides"):
        if (source / name).is_dir():
            shutil.copytree(source / name, root / name)
    return root


def _slide_texts(pptx: Path) -> dict[str, str]:
    return {slide.name: "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
            for slide in Presentation(str(pptx)).slides}


def _pngs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.png"))}


# --- the default lesson ------------------------------------------------------------


@pytest.fixture(scope="module")
def default_builds(tmp_path_factory):
    """``render slides --png --no-cache`` of the default lesson in two
    separate copies of the project."""
    built = []
    for name in ("first", "second"):
        root = _project(tmp_path_factory.mktemp(name))
        run_render("slides", "script/pytorch-intro.yaml", "--png", "--no-cache", "--device", "cpu", cwd=root,
                   check=True)
        built.append(root / "build" / "pytorch-intro")
    return built


def test_two_fresh_builds_of_the_default_lesson_give_the_same_deck_byte_for_byte(default_builds):
    first, second = default_builds
    assert (first / "slides.pptx").read_bytes() == (second / "slides.pptx").read_bytes()
    images = _pngs(first / "slides")
    assert len(images) > 30 and images == _pngs(second / "slides")


def test_the_default_lesson_has_no_overlapping_words_and_no_run_time_on_its_slides(default_builds):
    deck = default_builds[0] / "slides.pptx"
    check_lesson_deck(default_builds[0].parents[1] / "script" / "pytorch-intro.yaml", deck)
    badges = [shape.text_frame.text for slide in Presentation(str(deck)).slides for shape in slide.shapes
              if shape.name == "output:badge"]
    assert len(badges) >= 12 and not any(re.search(r"\d\s*(ms|s)\b", badge) for badge in badges), badges


# --- the hard cases ----------------------------------------------------------------


@pytest.fixture(scope="module")
def hard(tmp_path_factory):
    root = _project(tmp_path_factory.mktemp("hard"), HARD)
    run_render("build", "script/hard.yaml", "--only", "slides,notebook", "--device", "cpu", cwd=root, check=True)
    out = root / "build" / "hard"
    pdf = pptx_to_pdf(out / "slides.pptx", root / "pdf")
    return root, out, word_boxes(pdf)


def test_long_titles_columns_and_failed_cells_do_not_overlap(hard):
    root, out, _ = hard
    check_lesson_deck(root / "script" / "hard.yaml", out / "slides.pptx")


def test_bullets_that_do_not_fit_continue_on_the_next_slide_and_none_is_cut(hard):
    import yaml

    _, out, _ = hard
    script = yaml.safe_load((HARD / "script" / "hard.yaml").read_text())
    many = next(s for s in script["sections"] if s["id"] == "many")
    written = [text for beat in many["beats"] for text in (beat["bullet"], *beat.get("points", ()))]
    deck = Presentation(str(out / "slides.pptx"))
    shown = [p.text.replace("\u200b", "") for slide in deck.slides if slide.name in ("section:many", "section:many/2")
             for shape in slide.shapes if shape.name == "bullets" for p in shape.text_frame.paragraphs]
    assert shown == written  # every bullet and point the narration reads, in order, none cut
    assert not any("…" in text for text in shown)


def test_a_comparison_column_longer_than_the_slide_continues_and_none_is_cut(hard):
    import yaml

    _, out, _ = hard
    script = yaml.safe_load((HARD / "script" / "hard.yaml").read_text())
    compared = next(s for s in script["sections"] if s["id"] == "long-columns")["subsections"]
    written = [text for beat in compared[0]["beats"] for text in (beat["bullet"], *beat.get("points", ()))]
    slides = Presentation(str(out / "slides.pptx")).slides
    for side in ("long-side", "short-side"):  # each subsection's slide, its column narrated or muted
        pages = [slide for slide in slides if slide.name.split("/")[0] == f"section:{side}"]
        assert len(pages) >= 2
        shown = [p.text.replace("\u200b", "") for slide in pages for shape in slide.shapes
                 if shape.name == "column-1" for p in shape.text_frame.paragraphs]
        assert shown == written  # every bullet and point the narration reads, in order, none cut
        assert not any("…" in text for text in shown)


def test_urls_and_paths_break_at_their_joints_as_libreoffice_draws_them(hard):
    _, out, words = hard
    names = [slide.name for slide in Presentation(str(out / "slides.pptx")).slides]
    page = names.index("section:long-title") + 1
    texts = [w.text.replace("\u200b", "") for w in words if w.page == page]
    for whole in ("https://pytorch.org/tutorials/beginner/basics/buildmodel_tutorial.html#define-the-class",
                  "tutorials/beginner_source/basics/buildmodel_tutorial.py:10"):
        start = next(i for i, text in enumerate(texts) if text and whole.startswith(text) and len(text) > 8)
        pieces, joined = [], ""
        for text in texts[start:]:
            if joined == whole:
                break
            pieces.append(text)
            joined += text
        assert joined == whole, pieces
        assert all(piece[-1] in "/._-#" for piece in pieces[:-1]), pieces  # never inside a word


def test_the_builds_of_a_section_keep_one_font_size(hard):
    _, out, _ = hard
    sizes = {}
    for slide in Presentation(str(out / "slides.pptx")).slides:
        if slide.name in ("section:builds", "section:builds+2"):
            [bullets] = [shape for shape in slide.shapes if shape.name == "bullets"]
            sizes[slide.name] = bullets.text_frame.paragraphs[0].runs[0].font.size
    assert len(sizes) == 2 and len(set(sizes.values())) == 1, sizes


def test_no_traceback_on_a_slide_in_the_video_terminal_or_in_the_notebook_holds_an_absolute_path(hard):
    from cuecast.runner import RunOptions, run_lesson
    from cuecast.script import load_lesson
    from cuecast.shown import shown_capture
    from cuecast.video.editor import terminal_lines

    root, out, _ = hard
    slides = _slide_texts(out / "slides.pptx")
    mistake = slides["cue:mistakes-2"]
    assert "Traceback" in mistake and 'File "snippets/mistakes.py", line 12' in mistake
    assert re.search(r"… \d+ frames in torch", mistake) and "RuntimeError: mat1 and mat2 shapes" in mistake
    for slide_id, text in slides.items():
        assert not ABSOLUTE.search(text) and str(root) not in text, slide_id

    lesson = load_lesson(root / "script" / "hard.yaml")
    captures = run_lesson(lesson, RunOptions(device="cpu"))
    terminal = {cue.id: "\n".join(line.text for line in terminal_lines(shown_capture(cue, captures)))
                for _, _, cue in lesson.cues("vscode")}
    assert "RuntimeError" in terminal["mistakes-2"] and "frames in torch" in terminal["mistakes-2"]
    assert not any(ABSOLUTE.search(text) for text in terminal.values()), terminal
    assert "site-packages" in captures["snippets/mistakes.py"].cells[2].exception.traceback  # check keeps it all

    notebook = nbformat.read(out / "code.ipynb", as_version=4)
    errors = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
              if output.output_type == "error"]
    assert len(errors) == 1 and errors[0].traceback[-1].startswith("RuntimeError")
    assert 'File "snippets/mistakes.py", line 12' in "\n".join(errors[0].traceback)
    everything = nbformat.writes(notebook)
    assert not ABSOLUTE.search(everything) and str(root) not in everything


def test_render_check_keeps_the_whole_traceback(tmp_path):
    root = _project(tmp_path / "hard", HARD)
    script = root / "script" / "hard.yaml"
    script.write_text(script.read_text().replace("        expect_error: true\n", ""))
    checked = run_render("check", "script/hard.yaml", "--device", "cpu", cwd=root)
    assert checked.returncode != 0
    assert "site-packages/torch/nn/modules/module.py" in checked.stdout  # every frame, for the author
    assert "frames in torch" not in checked.stdout


# --- imported tutorials ------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A notebook and a sphinx-gallery script, ``render import`` ed and
    their slides drawn."""
    root = tmp_path_factory.mktemp("imported")
    for name, lesson in (("autograd.ipynb", "autograd"), ("tensors_gallery.py", "tensors_gallery")):
        run_render("import", str(IMPORTS / name), cwd=root, timeout=60, check=True)
        run_render("slides", f"script/{lesson}.yaml", "--png", "--device", "cpu", cwd=root, check=True)
    return root


@pytest.mark.parametrize("lesson", ["autograd", "tensors_gallery"])
def test_imported_tutorials_have_no_overlapping_words(imported, lesson):
    check_lesson_deck(imported / "script" / f"{lesson}.yaml", imported / "build" / lesson / "slides.pptx")


def test_an_edit_to_one_cell_of_an_imported_tutorial_redraws_only_that_cells_slides(imported, tmp_path):
    root = tmp_path / "edited"
    shutil.copytree(imported, root)
    out = root / "build" / "autograd"
    before_images, before_texts = _pngs(out / "slides"), _slide_texts(out / "slides.pptx")
    snippet = root / "snippets" / "autograd.py"
    source = snippet.read_text()
    assert source.count("print(w.grad.shape)") == 1
    snippet.write_text(source.replace("print(w.grad.shape)", 'print("w:", w.grad.shape)'))
    run_render("slides", "script/autograd.yaml", "--png", "--device", "cpu", cwd=root, check=True)
    after_images, after_texts = _pngs(out / "slides"), _slide_texts(out / "slides.pptx")
    assert list(after_texts) == list(before_texts)  # the same slides
    changed = {slide_id for slide_id in after_texts if after_texts[slide_id] != before_texts[slide_id]}
    assert changed == {"cue:computing-gradients-2"}
    assert "w: torch.Size" in after_texts["cue:computing-gradients-2"]
    names = dict(zip(after_images, after_texts))  # PNGs are named in slide order
    redrawn = {names[name] for name in after_images if after_images[name] != before_images[name]}
    assert redrawn == changed


def test_a_lesson_of_cells_with_an_expected_error_has_no_overlapping_words(tmp_path):
    root = _project(tmp_path / "cells", paths.FIXTURES / "cells")
    run_render("slides", "script/cells.yaml", "--device", "cpu", cwd=root, check=True)
    check_lesson_deck(root / "script" / "cells.yaml", root / "build" / "cells" / "slides.pptx")
