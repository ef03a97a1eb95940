"""``show: terminal``: a command typed at a prompt, run in the project as a
snippet is, shown in every output (slide, video, notebook, cue sheet, OTIO
marker, review page) and checked by ``render check``."""

from __future__ import annotations

import shutil
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cuecast.deck.boxes import inches
from cuecast.model import Capture
from cuecast.runner import RunOptions, run_lesson
from cuecast.script import load_lesson
from tests.test_build import TINY
from tests.support.script_errors import problems

PRINT = 'python -c "print(6 * 7)"'
FAIL = 'python -c "import sys; sys.exit(3)"'
CPU = RunOptions(device="cpu", jobs=1)


def terminal_script(tmp_path: Path, *beats: str) -> Path:
    """A project of one section whose beats are ``beats`` (YAML, indented
    under ``beats:``), with the tiny lesson's snippets."""
    shutil.copytree(TINY / "snippets", tmp_path / "snippets")
    (tmp_path / "script").mkdir()
    body = "".join(textwrap.indent(textwrap.dedent(beat).strip("\n") + "\n", "      ") for beat in beats)
    script = tmp_path / "script" / "t.yaml"
    script.write_text(f"lesson: Terminal\nsections:\n  - title: Shell\n    beats:\n{body}", encoding="utf-8")
    return script


def terminal_beat(command: str = PRINT, *more: str) -> str:
    lines = ["- show: terminal", f"  command: '{command}'", "  say: Ask Python for the answer", *more]
    return "\n".join(lines)


# --- the script --------------------------------------------------------------


def test_a_terminal_cue_parses_to_its_command(tmp_path):
    lesson = load_lesson(terminal_script(tmp_path, terminal_beat(PRINT, "  timeout: 5", "  output: 1-1")))
    (_, _, cue), = lesson.cues()
    assert (cue.kind, cue.command, cue.timeout, cue.output_lines) == ("terminal", PRINT, 5.0, (1, 1))


def test_a_terminal_cue_without_command_is_located(tmp_path):
    script = terminal_script(tmp_path, "- show: terminal\n  say: Nothing to type")
    assert problems(script) == [(5, 15, "a terminal cue needs a 'command' (what is typed at the prompt)",
                                 "for example: command: pip --version")]


def test_command_on_another_kind_says_which_kind_takes_it(tmp_path):
    script = terminal_script(tmp_path, "- show: vscode\n  snippet: snippets/shapes.py\n  command: ls")
    assert problems(script) == [(7, 9, "'command' does not apply to a vscode cue (it is used by: terminal)", "")]


def test_snippet_keys_on_a_terminal_cue_are_reported(tmp_path):
    script = terminal_script(tmp_path, terminal_beat(PRINT, "  cell: 2"))
    found = [message for _, _, message, _ in problems(script)]
    assert found == ["'cell' does not apply to a terminal cue (it is used by: vscode, slides)",
                     "'cell' picks part of a snippet; this cue has no 'snippet'"]


def test_misspellings_get_a_did_you_mean(tmp_path):
    script = terminal_script(tmp_path, "- show: termnal\n  comand: ls")
    assert problems(script) == [
        (5, 15, "unknown cue kind 'termnal' (expected one of: vscode, slides, browser, terminal)",
         "did you mean 'terminal'?"),
        (6, 9, "unknown key 'comand' in a beat (did you mean 'command'?)", ""),
    ]


def test_a_command_is_one_line(tmp_path):
    script = terminal_script(tmp_path, "- show: terminal\n  command: |\n    ls\n    pwd")
    (line, col, message, _), = problems(script)
    assert (line, message) == (6, "'command' must be one line (what is typed at the prompt)")


def test_command_without_show_asks_for_show_terminal(tmp_path):
    script = terminal_script(tmp_path, "- say: hi\n  command: ls")
    assert problems(script) == [(6, 9, "'command' belongs to a cue; add 'show:' (terminal) to this beat", "")]


# --- running -----------------------------------------------------------------


def test_the_command_runs_in_the_project_and_is_cached_by_command(tmp_path):
    lesson = load_lesson(terminal_script(tmp_path, terminal_beat(PRINT), terminal_beat("pwd")))
    captures = run_lesson(lesson, CPU)
    answer = captures[f"$ {PRINT}"]
    assert (answer.status, answer.output, answer.cached) == ("ok", "42\n", False)
    assert captures["$ pwd"].output.strip() == str(tmp_path.resolve())  # run in the project folder
    again = run_lesson(lesson, CPU)
    assert again[f"$ {PRINT}"].cached and again[f"$ {PRINT}"].output == "42\n"


def test_a_failing_command_fails_unless_expected(tmp_path):
    lesson = load_lesson(terminal_script(tmp_path, terminal_beat(FAIL)))
    failed = run_lesson(lesson, CPU)[f"$ {FAIL}"]
    assert failed.status == "error" and failed.exception.message == "exit status 3" and not failed.passed
    lesson = load_lesson(terminal_script(tmp_path / "expected", terminal_beat(FAIL, "  expect_error: true")))
    assert run_lesson(lesson, CPU)[f"$ {FAIL}"].status == "expected-error"


def test_a_command_is_stopped_at_its_timeout_with_everything_it_started(tmp_path):
    marker = tmp_path / "orphan-ran"
    command = f"(sleep 3; touch {marker}) & sleep 30"
    lesson = load_lesson(terminal_script(tmp_path, terminal_beat(command, "  timeout: 1")))
    started = time.monotonic()
    capture = run_lesson(lesson, RunOptions(device="cpu", use_cache=False))[f"$ {command}"]
    assert capture.status == "timeout" and capture.reason == "did not finish within 1 s"
    assert time.monotonic() - started < 8
    time.sleep(3.5)
    assert not marker.exists()  # the background job died with the command


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_the_memory_limit_applies_to_the_command(tmp_path):
    command = 'python -c "b = bytearray(2_000_000_000)"'
    lesson = load_lesson(terminal_script(tmp_path, terminal_beat(command)))
    capture = run_lesson(lesson, RunOptions(device="cpu", use_cache=False, memory_limit=500_000_000))[f"$ {command}"]
    assert capture.status == "error" and "MemoryError" in capture.output


def test_render_check_counts_the_command(tmp_path):
    from cuecast.check.report import check_results

    lesson = load_lesson(terminal_script(tmp_path, terminal_beat(PRINT), terminal_beat(FAIL)))
    results = check_results([lesson], [run_lesson(lesson, CPU)], cwd=tmp_path)
    assert {result.snippet: result.passed for result in results} == {f"$ {PRINT}": True, f"$ {FAIL}": False}


def test_render_check_names_a_failed_command_and_its_exit_status(tmp_path):
    from tests.support.cli import run_render

    script = terminal_script(tmp_path, terminal_beat(PRINT), terminal_beat(FAIL))
    done = run_render("check", str(script), cwd=tmp_path)
    assert done.returncode == 1
    assert f"FAILED $ {FAIL}: [exit status 3]" in done.stdout  # the reason is text, not markup
    assert "1 failed, 1 passed, of 2 commands" in done.stdout


# --- every output --------------------------------------------------------------


def _ran(tmp_path: Path):
    lesson = load_lesson(terminal_script(tmp_path, "- bullet: Shells", terminal_beat(PRINT)))
    captures = {f"$ {PRINT}": Capture(snippet=f"$ {PRINT}", status="ok", output="42\n", streams=(("stdout", "42\n"),),
                                      duration=0.05)}
    return lesson, captures


def test_the_slide_shows_the_prompt_the_command_and_its_output(tmp_path):
    from cuecast.deck.layout import layout_deck
    from cuecast.deck.theme import load_theme

    lesson, captures = _ran(tmp_path)
    deck = layout_deck(lesson, captures, load_theme(None))
    slide = next(s for s in deck.slides if s.id == "cue:shell-2")
    terminal = next(b for b in slide.boxes if b.name == "output:terminal")
    assert [p.text for p in terminal.paragraphs] == [f"$ {PRINT}", "42"]
    area_bottom = deck.height - inches(0.3)
    assert terminal.y + terminal.h < area_bottom  # as tall as its two rows (and the steady minimum), not the slide


def test_the_plan_gives_it_a_typed_terminal_segment(tmp_path):
    from cuecast.plan import plan_timeline

    lesson, captures = _ran(tmp_path)
    segment = plan_timeline(lesson, {}, captures).segments[-1]
    assert (segment.kind, segment.cue_id) == ("terminal", "shell-2")
    assert segment.type_seconds > 0 and segment.output_at > segment.type_seconds


def test_the_video_types_the_command_in_the_terminal(tmp_path):
    from cuecast.video.editor import EditorScene, terminal_content

    lesson, captures = _ran(tmp_path)
    (_, _, cue), = lesson.cues()
    content = terminal_content(lesson, cue, captures[f"$ {PRINT}"])
    assert content.command == PRINT and [line.text for line in content.output] == ["42"]
    scene = EditorScene(content, (320, 180), 10, 30, 0.5, 1.0)
    frames = list(scene.render())
    typing = [scene._term_rows_text(scene.state(frame))[0].text for frame in range(30)]
    assert "$ pyth" in typing and typing[-1] == f"$ {PRINT}"  # typed at the prompt, a few keys at a time
    last = scene.state(29)
    assert frames and last.command and last.output_lines == 1 and last.prompt


def test_the_cue_sheet_otio_notebook_and_review_page_name_it(tmp_path):
    from cuecast.export.cuesheet import cue_rows as sheet_rows
    from cuecast.export.otio_writer import build_otio
    from cuecast.notebook import build_notebook
    from cuecast.plan import plan_timeline
    from cuecast.review import review_rows, snippet_views

    lesson, captures = _ran(tmp_path)
    timeline = plan_timeline(lesson, {}, captures)
    row = sheet_rows(timeline, lesson)[-1]
    assert (row["kind"], row["show"]) == ("terminal", f"SHOW IN TERMINAL: {PRINT}")
    assert row["type_seconds"] != "" and row["output_at"] != ""
    clip = list(build_otio(timeline, lesson, tmp_path).tracks[0])[-1]
    (marker,) = clip.markers
    assert (marker.name, marker.color) == (f"SHOW IN TERMINAL: {PRINT}", "YELLOW")
    cell = build_notebook(lesson, captures).cells[-1]
    assert cell.source == f"!{PRINT}" and cell.outputs[0]["text"] == "42\n"
    assert review_rows(timeline, lesson)[-1].show == f"Terminal: $ {PRINT}"
    (view,) = snippet_views(lesson, captures)
    assert (view.path, view.output, view.status) == (f"$ {PRINT}", "42", "ok")


def test_a_show_in_terminal_line_imports_as_a_terminal_cue():
    from cuecast.importers.video_script import import_video_script

    text = ("# Lesson\n\n## Setup\n\n__`[SHOW IN TERMINAL]`__ `pip --version` Check which pip runs\n\n"
            "__`[SHOW IN TERMINAL]`__ Install it\n")
    imported = import_video_script(text, "lesson.md", "lesson")
    first, second = imported.data["sections"][0]["beats"]
    assert first == {"show": "terminal", "say": "Check which pip runs", "command": "pip --version"}
    assert second["command"] == "echo TODO" and "fill in 'command:'" in imported.todos[0].message


@pytest.mark.slow
def test_a_build_shows_the_command_in_every_output_and_runs_it_once(tmp_path):
    import json

    import nbformat
    import opentimelineio as otio

    from tests.support.overlap import check_deck
    from tests.test_build import build, pptx_text, statuses

    script = terminal_script(tmp_path, "- bullet: Shells", terminal_beat(PRINT))
    first, ran = build(script)
    assert statuses(first) == {stage: "built" for stage in
                               ("check", "slides", "timeline", "video", "notebook", "review")}
    assert ran == [f"$ {PRINT}"]
    out = tmp_path / "build" / "t"
    assert f"$ {PRINT}" in pptx_text(out / "slides.pptx") and "42" in pptx_text(out / "slides.pptx")
    check_deck(out / "slides.pptx")  # LibreOffice draws no word over another
    cues = json.loads((out / "cues.json").read_text())["cues"]
    assert cues[-1]["show"] == f"SHOW IN TERMINAL: {PRINT}" and cues[-1]["kind"] == "terminal"
    markers = [m for clip in otio.adapters.read_from_file(str(out / "timeline.otio")).video_tracks()[0].find_clips()
               for m in clip.markers]
    assert markers[-1].name == f"SHOW IN TERMINAL: {PRINT}"
    assert (out / "media" / f"{cues[-1]['segment']}.mp4").stat().st_size > 0
    cell = nbformat.read(out / "code.ipynb", as_version=4).cells[-1]
    assert cell.source == f"!{PRINT}" and cell.outputs[0].text == "42\n"
    assert f"Terminal: $ {PRINT}" in (out / "index.html").read_text().replace("&#34;", '"').replace("&quot;", '"')
    _, again = build(script)
    assert again == []  # cached by its command
