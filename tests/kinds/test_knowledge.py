"""What a kind knows, the stages ask it: what it runs, how its capture is
named and typed, whether it shows a page, the word a video script uses for
it, and the keys only it reads.  A kind given another prompt is followed by
every stage that shows or counts a command, and no stage outside
``cuecast/kinds/`` names a prompt or picks cues by a kind's name."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from cuecast import kinds
from cuecast.check.report import count_units, display_path
from cuecast.kinds import CUE_KINDS, KINDS, RUNS_COMMAND, RUNS_NOTHING, RUNS_SNIPPET, capture_runs, script_kind
from cuecast.model import STATUS_OK, Capture, Cue, Location
from cuecast.shown import typed_command

PACKAGE = Path(__file__).resolve().parents[2] / "cuecast"
WHERE = Location("script/x.yaml", 5, 15)


def test_each_kind_says_what_it_runs():
    assert {name: kind.runs for name, kind in KINDS.items()} == {
        "vscode": RUNS_SNIPPET, "slides": RUNS_SNIPPET, "browser": RUNS_NOTHING, "terminal": RUNS_COMMAND}


def test_a_capture_name_says_what_made_it():
    assert capture_runs("$ pip --version") == RUNS_COMMAND
    assert capture_runs("snippets/tensors.py") == RUNS_SNIPPET
    assert capture_runs("snippets/$ odd name.py") == RUNS_SNIPPET  # only a name that starts with the prompt


@pytest.mark.parametrize("words, kind", [
    ("IN VS CODE", "vscode"), ("on slides", "slides"), ("ON SLIDE", "slides"), ("IN THE BROWSER", "browser"),
    ("IN A TERMINAL", "terminal"), ("ON A WHITEBOARD", None),
])
def test_a_video_scripts_wording_names_a_kind(words, kind):
    assert script_kind(words) == kind


def test_every_kind_has_its_own_script_word():
    words = [kind.script_word for kind in KINDS.values()]
    assert all(words) and len(set(words)) == len(words) == len(CUE_KINDS)


@pytest.fixture
def percent_prompt(monkeypatch):
    """The terminal kind as a shell whose prompt is ``% ``, in every place
    the kind is looked up."""
    terminal = KINDS["terminal"]
    other = dataclasses.replace(terminal, capture_prefix="% ", typed=lambda cue: f"% {cue.command}\n",
                                capture_name=lambda cue: f"% {cue.command}")
    monkeypatch.setitem(kinds.KINDS, "terminal", other)
    return other


def test_a_kind_with_another_prompt_is_followed_by_the_stages(percent_prompt, tmp_path):
    cue = Cue(kind="terminal", id="s-1", location=WHERE, command="pip --version")
    ran = Capture(snippet="% pip --version", status=STATUS_OK, output="pip 24\n", streams=(("stdout", "pip 24\n"),))
    assert typed_command(cue, ran).output == "% pip --version\npip 24\n"
    assert count_units([ran, Capture(snippet="snippets/a.py", status=STATUS_OK, output="")]) == \
        "1 snippet and 1 command"
    assert display_path(str(tmp_path), "% pip --version", tmp_path) == "% pip --version"
    # the old prompt now names a file like any other
    assert count_units([Capture(snippet="$ pip --version", status=STATUS_OK, output="")]) == "1 snippet"


def kind_name_uses(package: Path) -> list[str]:
    """Places outside ``kinds/`` that pick cues by a kind's name
    (``lesson.cues("browser")``, ``cue.kind == "terminal"``) or read the
    terminal's prompt (``kinds.terminal.PROMPT``)."""
    names = set(CUE_KINDS)
    found = []
    for path in sorted(package.rglob("*.py")):
        if "kinds" in path.relative_to(package).parts[:1]:
            continue
        where = path.relative_to(package.parent)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "cues" \
                    and any(isinstance(a, ast.Constant) and a.value in names for a in node.args):
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
            elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "kind" \
                    and any(isinstance(c, ast.Constant) and c.value in names for c in node.comparators):
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
            elif isinstance(node, ast.ImportFrom) and node.module == "cuecast.kinds.terminal" \
                    and any(a.name == "PROMPT" for a in node.names):
                found.append(f"{where}:{node.lineno}: imports PROMPT")
    return found


def test_no_stage_picks_cues_by_kind_name_or_prompt():
    assert kind_name_uses(PACKAGE) == []


def test_a_stage_picking_cues_by_name_is_found(tmp_path):
    package = tmp_path / "cuecast"
    (package / "kinds").mkdir(parents=True)
    (package / "kinds" / "terminal.py").write_text('PROMPT = "$ "\nx = [c for c in lesson.cues("terminal")]\n')
    (package / "stage.py").write_text(
        "from cuecast.kinds.terminal import PROMPT\n"
        "pages = [c for _, _, c in lesson.cues('browser')]\n"
        "shells = [c for c in cues if c.kind == 'terminal']\n")
    assert kind_name_uses(package) == [
        "cuecast/stage.py:1: imports PROMPT",
        "cuecast/stage.py:2: lesson.cues('browser')",
        "cuecast/stage.py:3: c.kind == 'terminal'",
    ]
