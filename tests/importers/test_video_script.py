"""The Markdown video-script importer on a realistic script, as a new user
writes one (tests/fixtures/import/tensors_video.script.md): each of the five
failures found trying it is covered here."""

from __future__ import annotations

import shutil

import pytest

from cuecast.importers import import_file
from cuecast.importers.video_script import parse_markdown
from cuecast.script import load_lesson
from tests.support import paths

FIXTURES = paths.FIXTURES / "import"
SCRIPT = FIXTURES / "tensors_video.script.md"


@pytest.fixture
def imported(tmp_path):
    return import_file(SCRIPT, tmp_path)


def test_an_intro_paragraph_before_the_first_section_is_accepted(imported):
    data = imported.data
    assert data["prepare"] == ["install torch"]
    assert data["sections"][0] == {"title": "Introduction", "beats": [
        {"say": "In this video we look at what a tensor is and how to create one."},
        {"say": "By the end you will know two ways to make a tensor."}]}


def test_intro_text_joins_a_first_section_called_intro():
    _, _, sections = parse_markdown("# T\n\nHello there.\n\n## Intro\n\n- first point\n", "x.md")
    assert [s.title for s in sections] == ["Intro"]
    assert [(b.say, b.bullet) for b in sections[0].beats] == [("Hello there.", None), (None, "first point")]


def test_a_path_on_the_cue_line_names_the_snippet(imported):
    creating, shapes, autograd = imported.data["sections"][1:]
    cue = creating["beats"][2]
    assert cue["snippet"] == "snippets/create.py"
    assert "snippets/" not in cue.get("say", "")  # the path is not read out or captioned
    casting = shapes["beats"][2]
    assert (casting["snippet"], casting["lines"], casting["say"]) == ("snippets/dtypes.py", "4-5", "Casting between dtypes")
    assert autograd["beats"][0]["snippet"] == "snippets/autograd.py"


def test_vo_and_narrator_labels_are_not_spoken(imported):
    said = [beat.get("say", "") for section in imported.data["sections"] for beat in section.get("beats", [])]
    assert said and not any("VO" in text or "Narrator" in text for text in said)


def test_voice_over_after_a_code_cue_is_that_cue_s_narration(imported):
    creating = imported.data["sections"][1]
    assert creating["beats"] == [
        {"bullet": "From data with `torch.tensor`"},
        {"bullet": "From a shape with `torch.zeros`"},
        {"show": "vscode", "snippet": "snippets/create.py",
         "say": "Here we build a tensor from a nested list, then print its shape."},
    ]
    autograd = imported.data["sections"][3]["beats"]
    assert autograd == [{"show": "slides", "diagram": "autograd", "snippet": "snippets/autograd.py",
                         "say": "The autograd graph of `loss`. Every operation on a tensor that requires grad "
                                "is recorded on the tape."}]


def test_a_slides_cue_is_a_diagram_only_when_it_talks_about_the_autograd_graph(imported):
    shapes = imported.data["sections"][2]
    assert shapes["beats"][0] == {"bullet": "Table of common dtypes and their sizes"}
    assert any("tensors_video.script.md:19  a [SHOW ON SLIDES] cue with no picture cuecast can draw" in line
               for line in imported.todos)
    _, _, sections = parse_markdown("# T\n## S\n__`[SHOW ON SLIDES]`__ img/flow.png The data flow\n", "x.md")
    beat = sections[0].beats[0]
    assert (beat.show, beat.image, beat.diagram, beat.say) == ("slides", "img/flow.png", None, "The data flow")


def test_the_realistic_script_passes_the_parser_once_its_snippets_exist(tmp_path):
    shutil.copytree(FIXTURES / "snippets", tmp_path / "snippets")
    imported = import_file(SCRIPT, tmp_path)
    assert not any("snippets/" in line for line in imported.todos)  # the named files exist
    path = tmp_path / "script" / "tensors_video.yaml"
    path.parent.mkdir()
    path.write_text(imported.yaml_text(), encoding="utf-8")
    lesson = load_lesson(path)
    assert [cue.kind for _, _, cue in lesson.cues()] == ["vscode", "vscode", "slides"]
    assert [section.title for section in lesson.sections][0] == "Introduction"


def test_missing_named_snippets_are_to_dos_with_their_lines(imported):
    assert [line.split("tensors_video.script.md:", 1)[1] for line in imported.todos] == [
        "13  snippets/create.py, named on the cue line, does not exist yet",
        "19  a [SHOW ON SLIDES] cue with no picture cuecast can draw: its text is a bullet on the section "
        "slide for now; add 'show: slides' and 'image: PATH' when you have the picture",
        "23  snippets/dtypes.py, named on the cue line, does not exist yet",
        "27  snippets/autograd.py, named on the cue line, does not exist yet",
    ]
