"""Emoji and right-to-left text in a script are content, not errors: they
reach the slides, the notes, the captions, the notebook and the video."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
import srt
from pptx import Presentation

from cuecast.build import BuildOptions
from cuecast.catalogue import build_lessons
from cuecast.script import load_lesson
from cuecast.video.encode import probe
from tests.test_build import TINY

EMOJI = "Tensors 🔥 are fast 🚀"
HEBREW = "טנזור הוא מערך"
ARABIC = "الموتر مصفوفة"


@pytest.mark.slow
def test_emoji_and_right_to_left_text_render_everywhere(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(TINY, project, ignore=shutil.ignore_patterns("build"))
    script = project / "script" / "tiny.yaml"
    script.write_text(
        script.read_text(encoding="utf-8")
        .replace("Tensors are n-dimensional arrays", EMOJI)
        .replace("They have a shape and a dtype", HEBREW)
        .replace("Making a tensor and printing its shape.", ARABIC),
        encoding="utf-8",
    )
    (build,) = build_lessons([load_lesson(script)],
                             BuildOptions(size=(320, 180), fps=10, device="cpu", voice="none"))
    assert {r.status for r in build.results} <= {"built"}
    out = project / "build" / "tiny"

    deck = Presentation(str(out / "slides.pptx"))
    shown = "\n".join(s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame)
    notes = "\n".join(slide.notes_slide.notes_text_frame.text for slide in deck.slides)
    for text in (EMOJI, HEBREW):
        assert text in shown
    for text in (EMOJI, HEBREW, ARABIC):
        assert text in notes

    captions = " ".join(c.content.replace("\n", " ") for c in srt.parse((out / "captions.srt").read_text(encoding="utf-8")))
    for text in (EMOJI, HEBREW, ARABIC):
        assert text in captions

    notebook = nbformat.read(out / "code.ipynb", as_version=4)
    assert any(HEBREW in cell.source for cell in notebook.cells)
    assert ARABIC in (out / "index.html").read_text(encoding="utf-8")
    info = probe(out / "video.mp4")
    assert info["video"]["width"] == 320 and info["audio"] is not None
    planned = json.loads((out / "cues.json").read_text(encoding="utf-8"))["duration"]
    assert abs(info["duration"] - planned) < 0.2
