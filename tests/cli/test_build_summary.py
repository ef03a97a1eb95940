"""What ``render build`` prints at the end (``cli/build_summary.py``),
drawn from plain data: the same from a build and from its record."""

from __future__ import annotations

from cuecast.cli.build_summary import stage_lines, summary_text
from cuecast.cli.text_table import ansi

SUMMARY = {
    "rows": [["intro", "check", "skipped", 0.012, "2 snippets, 2 cached"],
             ["intro", "slides", "built", 1.5, "9 slides; slides.pptx, slides"],
             ["intro", "video", "failed", 0.25, ""]],
    "lessons": [{"title": "Intro", "source": "script/intro.yaml",
                 "outputs": [["deck", "build/intro/slides.pptx"], ["slide images", "build/intro/slides"]]}],
}


def test_each_stage_is_a_row_and_each_output_a_line():
    text = summary_text(SUMMARY, color=False, width=100)
    lines = text.splitlines()
    assert lines[0] == "render build"
    assert "│ intro  │ check  │ skipped │ 0.01 s │ 2 snippets, 2 cached" in text
    assert "│ intro  │ slides │ built   │ 1.50 s │ 9 slides; slides.pptx, slides" in text
    assert lines[-3:] == ["Intro (script/intro.yaml)", "  deck          build/intro/slides.pptx",
                          "  slide images  build/intro/slides"]


def test_a_terminal_gets_the_statuses_and_the_title_styled():
    plain, styled = summary_text(SUMMARY, False, 100), summary_text(SUMMARY, True, 100)
    assert "\x1b[" not in plain
    assert ansi("built  ", fg="green") in styled and ansi("failed ", fg="red") in styled
    assert ansi("skipped", fg="green") not in styled
    assert ansi("Intro", bold=True) in styled


def test_a_log_gets_a_line_per_stage():
    assert stage_lines(SUMMARY) == ["intro: check skipped", "intro: slides built", "intro: video failed"]
