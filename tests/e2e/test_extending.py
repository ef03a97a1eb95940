"""Adding an output format and a cue kind, as ARCHITECTURE.md says to: the
format is one module (``tests/support/outline_output.py``) plus its entry in
``cuecast.outputs.OUTPUTS``; the kind is one module
(``tests/support/notepad_kind.py``) plus its entry in ``kinds.KINDS`` and
one in each stage's table.  Both are registered with ``monkeypatch`` and a
small lesson is built with them, through the same ``build_lessons`` as
``render build``."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest
from pptx import Presentation

from cuecast import outputs
from cuecast.catalogue import build_lessons
from cuecast.errors import ScriptError
from cuecast.script import load_lesson
from tests.support import notepad_kind, outline_output
from tests.support.small_build import SMALL


SCRIPT = """\
lesson: Extending
id: extending
voice: none
sections:
  - title: Notes
    beats:
      - bullet: A plain editor shows the code
      - show: notepad
        snippet: snippets/hello.py
        say: The notepad runs the snippet and shows what it printed.
"""


def write_project(root: Path) -> Path:
    (root / "snippets").mkdir(parents=True)
    (root / "snippets" / "hello.py").write_text("print('notepad says', 6 * 7)\n")
    script = root / "script" / "extending.yaml"
    script.parent.mkdir()
    script.write_text(SCRIPT)
    return script


def test_an_unregistered_kind_is_a_located_script_error(tmp_path):
    script = write_project(tmp_path)
    with pytest.raises(ScriptError) as raised:
        load_lesson(script)
    assert "extending.yaml:8:15: unknown cue kind 'notepad'" in str(raised.value)


@pytest.mark.slow
def test_a_new_format_and_a_new_kind_are_built_recorded_and_shown(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs, "OUTPUTS", [*outputs.OUTPUTS, outline_output.ENTRY])
    notepad_kind.register(monkeypatch)
    script = write_project(tmp_path)

    (build,) = build_lessons([load_lesson(script)], SMALL)
    out = tmp_path / "build" / "extending"

    # the kind ran its snippet
    assert {r.stage: r.status for r in build.results} == {
        stage: "built" for stage in ("check", "slides", "timeline", "video", "notebook", "review")}
    assert build.captures["snippets/hello.py"].output == "notepad says 42\n"
    # ... and shows on the slides, in the cue sheet and on the OTIO timeline with its own marker
    deck = "\n".join(shape.text_frame.text for slide in Presentation(str(out / "slides.pptx")).slides
                     for shape in slide.shapes if shape.has_text_frame)
    assert "notepad says 42" in deck
    rows = json.loads((out / "cues.json").read_text())["cues"]
    (row,) = [row for row in rows if row["kind"] == "notepad"]
    assert row["show"] == "SHOW IN NOTEPAD: snippets/hello.py"
    timeline = otio.adapters.read_from_file(str(out / "timeline.otio"))
    colours = {marker.name: marker.color for clip in timeline.video_tracks()[0].find_clips() for marker in clip.markers}
    assert "PINK" in colours.values()
    assert (out / "video.mp4").stat().st_size > 0

    # the format was written by its stage, recorded, and linked on the review page under its label
    outline = (out / "outline.md").read_text()
    assert "- SHOW IN NOTEPAD: snippets/hello.py" in outline and "## Notes" in outline
    timeline_result = next(r for r in build.results if r.stage == "timeline")
    assert timeline_result.outputs["outline.md"] == out / "outline.md"
    record = json.loads((out / ".build.json").read_text())
    assert record["stages"]["timeline"]["outputs"]["outline.md"] == "outline.md"
    assert "outline.md" in record["stages"]["timeline"]["files"]
    page = (out / "index.html").read_text()
    assert "outline (Markdown)" in page and 'href="outline.md"' in page

    # a second build finds everything current, the new file included
    (again,) = build_lessons([load_lesson(script)], SMALL)
    assert {r.status for r in again.results} == {"skipped"}
