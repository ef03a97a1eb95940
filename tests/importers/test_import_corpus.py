"""``render import`` on a corpus of tutorial-shaped inputs (tests/importers/corpus/):
one folder per case, ``input.*`` and ``expected.yaml``.

Each case is imported with the real CLI into a fresh project, as an author
would, and the written script is read back by the real parser; the
narration checked is what the voice is handed and the captions show
(``narration_text``).  ``expected.yaml`` keys:

* ``says``: narrations that must each be spoken by some beat;
* ``bullets``: texts that must each be on a slide (a bullet or a point);
* ``no_bullets``: texts no bullet may be (a lone ")" or a picture's caption);
* ``lesson``, ``titles`` (sections and subsections, in order), ``cells``
  (the cells the cues show, in order), ``sections`` (section → its cells);
* ``cell_code``: cell title → its exact code; ``shown_only``: cells whose cue
  hides output (code shown, not run);
* ``todos``: to-dos the import must list (``LINE  message`` where the
  message names a line, else a part of the message);
* ``error``: the import is refused (exit 2, no traceback) with this message.

Every case also checks that no narration holds markup or power words for
indices, and that no title holds backticks or ends in a colon.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cuecast.cli import cli
from cuecast.narrate import spoken_lines
from cuecast.narrate.base import narration_text
from cuecast.script import load_lesson
from tests.support.watchability import leaks

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(path.name for path in CORPUS.iterdir() if (path / "expected.yaml").is_file())
KEYS = {"says", "bullets", "no_bullets", "lesson", "titles", "cells", "sections", "cell_code", "shown_only",
        "todos", "error"}



def import_case(case: str, tmp_path: Path):
    folder = CORPUS / case
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    assert set(expected) <= KEYS, f"{case}: unknown keys {set(expected) - KEYS}"
    (source,) = folder.glob("input.*")
    shutil.copy(source, tmp_path / source.name)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(cli, ["import", source.name, "--project", "course"])
    finally:
        os.chdir(old)
    return expected, result, tmp_path / "course"


def walk(sections, depth=0):
    for section in sections:
        yield depth, section
        yield from walk(section.subsections, depth + 1)


@pytest.mark.parametrize("case", CASES)
def test_import_corpus(case, tmp_path):
    expected, result, project = import_case(case, tmp_path)
    assert "Traceback" not in result.output
    if "error" in expected:
        assert result.exit_code == 2, result.output
        assert expected["error"] in result.output
        assert not (project / "script").exists()
        return
    assert result.exit_code == 0, result.output
    todos = [line.strip()[4:] for line in result.output.splitlines() if line.strip().startswith("[ ]")]
    for todo in expected.get("todos", []):
        assert any(f":{todo}" in line if todo[0].isdigit() else todo in line for line in todos), (todo, todos)

    (script,) = (project / "script").glob("*.yaml")
    lesson = load_lesson(script, root=project)
    beats = [beat for _, beat in lesson.beats()]
    said = [narration_text(line) for beat in beats for line in spoken_lines(beat)]
    for text in said:
        # no markup nor power word (no case here holds a real power): bench_watchability's rules
        assert not leaks(text) and "see bridge" not in text, text
    for beat in beats:  # no imported code cue is left silent
        if beat.cue is not None:
            assert narration_text(beat).strip(), (beat.id, beat.cue)
    for text in expected.get("says", []):
        assert text in said, (text, said)

    on_slides = [b.bullet for b in beats if b.bullet] + [p for b in beats for p in b.points]
    for text in expected.get("bullets", []):
        assert text in on_slides, (text, on_slides)
    for text in expected.get("no_bullets", []):
        assert text not in on_slides

    titles = [section.title for _, section in walk(lesson.sections)]
    for title in [lesson.title, *titles]:
        assert "`" not in title and not title.endswith(":"), title
    if "lesson" in expected:
        assert lesson.title == expected["lesson"]
    if "titles" in expected:
        assert titles == expected["titles"]

    cues = [beat.cue for beat in beats if beat.cue is not None and beat.cue.kind == "vscode"]
    if "cells" in expected:
        assert [cue.cell_title for cue in cues] == expected["cells"]
    for title, cells in expected.get("sections", {}).items():
        section = next(s for _, s in walk(lesson.sections) if s.title == title)
        assert [b.cue.cell_title for b in section.beats if b.cue is not None] == cells
    if "cell_code" in expected or "shown_only" in expected:
        text = (project / cues[0].snippet).read_text(encoding="utf-8")
        for title, code in expected.get("cell_code", {}).items():
            assert f"# %% {title}\n{code}\n" in text, (title, text)
    for cue in cues:
        assert cue.output_hidden == (cue.cell_title in expected.get("shown_only", [])), cue.cell_title
