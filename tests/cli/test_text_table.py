"""The build summary drawn as plain text is the table rich drew before, line
for line (rich renders the same rows here as the reference), and styles
only a terminal's output."""

from __future__ import annotations

import io

import click
import pytest
from rich.console import Console
from rich.table import Table

from cuecast.cli.text_table import draw_table, output_width

HEADER = ("lesson", "stage", "status", "time", "details")
OUTPUTS = ("timeline.otio, timeline.edl, timeline.xml, timeline.kdenlive, captions.srt, captions.vtt, "
           "chapters.vtt, cues.csv, cues.json, narration.csv")
ROWS = [
    ("pytorch-intro", "check", "skipped", "0.02 s", "13 snippets, 13 cached"),
    ("pytorch-intro", "slides", "built", "1.02 s", "45 slides; slides.pptx, slides"),
    ("pytorch-intro", "timeline", "skipped", "0.04 s",
     "236.2 s, voice piper en_US-joe-medium (length scale 1, pause 0.25 s); " + OUTPUTS),
    ("a-much-longer-lesson-id", "video", "failed", "12.50 s", "1920x1080 @ 30 fps; video.mp4, media"),
    ("l", "review", "skipped", "0.01 s", ""),
]


def rich_table(rows, width: int) -> str:
    out = io.StringIO()
    table = Table(title="render build", show_lines=False)
    for column in HEADER:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console(file=out, soft_wrap=True, width=width).print(table)
    return out.getvalue().rstrip("\n")


@pytest.mark.parametrize(("rows", "width"), [(ROWS[:1], 80), (ROWS[:3], 80), (ROWS[:3], 120), (ROWS, 120),
                                             (ROWS[3:], 120)])
def test_the_table_is_the_one_rich_drew(rows, width):
    """Where only the details wrap (every lesson's summary at 80 columns
    with ids of up to 15 characters), the table is rich's, character for
    character."""
    assert draw_table("render build", HEADER, rows, width=width) == rich_table(rows, width)


@pytest.mark.parametrize("width", [80, 64, 40])
def test_a_narrow_table_wraps_its_details_and_keeps_every_word(width):
    """Where rich would narrow other columns too, the details wrap alone;
    the table fits down to the other columns' own width, and no letter is lost."""
    drawn = draw_table("render build", HEADER, ROWS, width=width).splitlines()
    fixed = sum(max(len(r[i]) for r in ROWS + [HEADER]) for i in range(4)) + 16
    assert max(len(line) for line in drawn) <= max(width, fixed + 10)
    assert len({len(line) for line in drawn[1:]}) == 1  # a rectangle
    details = " ".join(line.split("│")[5].strip() for line in drawn if line.startswith("│"))
    assert "".join(details.split()) == "".join("".join(row[4] for row in ROWS).split())  # long words fold


def test_only_a_terminal_gets_styles():
    styles = [[None, None, {"fg": "green"}, None, None]] * 2
    plain = draw_table("render build", HEADER, ROWS[:2], styles, color=False)
    styled = draw_table("render build", HEADER, ROWS[:2], styles, color=True)
    assert "\x1b[" not in plain
    assert click.unstyle(styled) == plain
    assert click.style("built  ", fg="green") in styled


def test_the_width_is_columns_else_80_off_a_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "132")
    assert output_width(False) == 132
    monkeypatch.delenv("COLUMNS")
    assert output_width(False) == 80


@pytest.mark.parametrize("width", [1, 3, 7, 10, 31])
def test_the_wrap_is_textwrap_s(width):
    import textwrap

    text = "236.2 s, voice piper en_US-joe-medium (length scale 1, pause 0.25 s); " + OUTPUTS + " x" * 3
    from cuecast.cli.text_table import wrap

    # textwrap leaves a space after a cut word at times; a cell pads it anyway
    assert wrap(text, width) == [line.rstrip() for line in textwrap.wrap(text, width, break_on_hyphens=False)]
    assert wrap("", width) == [""]
