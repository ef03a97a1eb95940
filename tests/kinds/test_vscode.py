"""``show: vscode``: what its cue must give, and how the cue sheet names it."""

from __future__ import annotations

from cuecast.kinds.vscode import KIND
from cuecast.model import Cue, Location
from tests.test_script import beat, problems

WHERE = Location("script/x.yaml", 5, 9)


def test_a_vscode_cue_needs_a_snippet(snippet_project):
    assert problems(snippet_project, beat("show: vscode", "say: hi")) == [
        (5, 15, "a vscode cue needs a 'snippet' (the file shown in the editor)")]


def test_the_cue_sheet_names_the_file_and_what_of_it_is_shown():
    whole = Cue(kind="vscode", id="a-1", location=WHERE, snippet="snippets/ok.py")
    assert KIND.instruction(whole) == "SHOW IN VS CODE: snippets/ok.py"
    lines = Cue(kind="vscode", id="a-1", location=WHERE, snippet="snippets/ok.py", lines=(3, 9))
    assert KIND.instruction(lines) == "SHOW IN VS CODE: snippets/ok.py lines 3-9"
    cell = Cue(kind="vscode", id="a-1", location=WHERE, snippet="snippets/nb.py", cell=2, cell_title="Train")
    assert KIND.instruction(cell) == "SHOW IN VS CODE: snippets/nb.py cell 2 — Train"
    untitled = Cue(kind="vscode", id="a-1", location=WHERE, snippet="snippets/nb.py", cell=2)
    assert KIND.instruction(untitled) == "SHOW IN VS CODE: snippets/nb.py cell 2"
    assert KIND.review(whole) == "VS Code: snippets/ok.py" and KIND.capture_name(whole) == "snippets/ok.py"


def test_a_loaded_cue_is_named_as_the_script_gives_it(snippet_project):
    script = snippet_project / "script" / "ok.yaml"
    script.write_text(beat("show: vscode", "snippet: snippets/ok.py", "lines: 1-2"), encoding="utf-8")
    from cuecast.script import load_lesson

    ((_, _, cue),) = list(load_lesson(script).cues())
    assert KIND.instruction(cue) == "SHOW IN VS CODE: snippets/ok.py lines 1-2"
