"""The default lesson's deck, built through ``render slides`` and read back
with python-pptx: every snippet's code and output, notes, the real tape, the
link; and (slow) LibreOffice opens it, draws no word over another and breaks
lines where the PNG does."""

from __future__ import annotations

import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from cuecast.cli.slides import command as slides_command
from cuecast.deck import base_slide_id, cue_slide_id, section_slide_id
from cuecast.deck.code_layout import MORE_LINES, output_lines
from cuecast.shown import unwrap_terminal_text
from cuecast.runner import RunOptions, run_lesson
from cuecast.script import load_lesson
from cuecast.snippet_source import shown_code
from tests.support.overlap import check_lesson_deck, needs_tools, pptx_to_pdf
from tests.support.paths import PROJECT

SCRIPT = PROJECT / "script" / "pytorch-intro.yaml"


@pytest.fixture(scope="module")
def lesson():
    return load_lesson(SCRIPT)


@pytest.fixture(scope="module")
def captures(lesson):
    return run_lesson(lesson, RunOptions(device="cpu"))


@pytest.fixture(scope="module")
def built(lesson, captures, tmp_path_factory):
    """``render slides --png`` on a scratch copy of the project."""
    root = tmp_path_factory.mktemp("project")
    for name in ("script", "snippets", "slides"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copytree(PROJECT / "build" / ".cache", root / "build" / ".cache", dirs_exist_ok=True) \
        if (PROJECT / "build" / ".cache").is_dir() else None
    result = CliRunner().invoke(slides_command, [str(root / "script" / "pytorch-intro.yaml"), "--png",
                                                 "--device", "cpu"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    pptx_path = root / "build" / lesson.id / "slides.pptx"
    assert str(Path("build") / lesson.id / "slides.pptx") in result.output.replace(str(root) + "/", "")
    return root, pptx_path, Presentation(str(pptx_path))


def _slides(prs, slide_id):
    return [s for s in prs.slides if base_slide_id(s.name) == slide_id]


def _text(slides, name):
    return [sh.text_frame.text for s in slides for sh in s.shapes if sh.name == name]


def test_a_slide_per_section_and_cue(built, lesson):
    _, _, prs = built
    names = [s.name for s in prs.slides]
    assert names[0] == "title"
    for section in lesson.walk():
        assert names.count(section_slide_id(section)) == 1
    for _, beat, _ in lesson.cues():
        assert cue_slide_id(beat) in names


def test_every_snippet_shows_its_code_and_real_output(built, lesson, captures):
    _, _, prs = built
    for _, beat, cue in lesson.cues():
        if not cue.snippet:
            continue
        slides = _slides(prs, cue_slide_id(beat))
        assert "\n".join(_text(slides, "code:code")) == shown_code(lesson, cue)
        [terminal] = _text(slides, "output:terminal")
        expected = [text for text, _ in output_lines(captures[cue.snippet])[0]]
        shown = unwrap_terminal_text(terminal)
        prefix = MORE_LINES.split("{")[0]
        if shown[-1].startswith(prefix):  # trimmed: the lines shown are the first ones
            shown = shown[:-1]
        assert shown == expected[: len(shown)]
        assert len(shown) == len(expected) or terminal.split("\n")[-1].startswith(prefix)


def test_notes_on_every_slide(built):
    _, _, prs = built
    for slide in prs.slides:
        assert slide.notes_slide.notes_text_frame.text.strip(), slide.name


def test_no_shape_beyond_the_slide(built):
    _, _, prs = built
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (slide.name, shape.name)
            assert shape.left + shape.width <= prs.slide_width, (slide.name, shape.name)
            assert shape.top + shape.height <= prs.slide_height, (slide.name, shape.name)


def test_the_autograd_slide_draws_the_real_tape(built, lesson):
    from cuecast.runner.autograd import autograd_graph

    _, _, prs = built
    [(_, beat, cue)] = [c for c in lesson.cues() if c[2].diagram == "autograd"]
    namespace = runpy.run_path(str(PROJECT / cue.snippet), run_name="__main__")
    graph = autograd_graph(namespace)
    [slide] = [s for s in prs.slides if s.name == cue_slide_id(beat)]
    labels = sorted(sh.text_frame.text for sh in slide.shapes if sh.name.startswith("node:"))
    assert labels == sorted(node.label for node in graph.nodes)
    assert sum(1 for sh in slide.shapes if sh.name.startswith("edge:")) == len(graph.edges)


def test_the_browser_slide_has_the_link(built, lesson):
    _, _, prs = built
    for _, beat, cue in lesson.cues("browser"):
        [slide] = _slides(prs, cue_slide_id(beat))
        links = {r.hyperlink.address for sh in slide.shapes if sh.has_text_frame
                 for p in sh.text_frame.paragraphs for r in p.runs}
        assert cue.url in links


def test_png_per_slide(built):
    from PIL import Image

    root, _, prs = built
    images = sorted((root / "build" / "pytorch-intro" / "slides").glob("*.png"))
    assert len(images) == len(prs.slides)
    assert images[0].name == "01-title.png"
    with Image.open(images[1]) as image:
        assert image.size == (1920, 1080)


@pytest.mark.slow
@needs_tools
def test_libreoffice_converts_the_deck_and_draws_no_word_over_another(built, tmp_path):
    root, pptx_path, prs = built
    pdf = pptx_to_pdf(pptx_path, tmp_path)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert re.search(rf"^Pages:\s+{len(prs.slides)}$", info, re.M), info
    check_lesson_deck(root / "script" / "pytorch-intro.yaml", pptx_path)


#: The smallest text a projected 16:9 slide (13.33 in wide) can show, by shape.
MINIMUM_PT = {"code:code": 14, "code:gutter": 14, "output:terminal": 12, "subtitle": 16}


def test_every_text_run_is_readable_projected(built):
    _, _, prs = built
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            least = MINIMUM_PT.get(shape.name, 10)  # badges, captions and everything else: 10 pt
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    assert run.font.size is not None and run.font.size.pt >= least, (slide.name, shape.name, run.text)
