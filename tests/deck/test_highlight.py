"""Syntax colouring: each line's runs join back to exactly that line, and the
colours come from the Pygments style (the default colour where it has none)."""

from __future__ import annotations

from pygments.styles import get_style_by_name

from cuecast.deck.highlight import highlight_lines

CODE = [
    "import torch",
    "",
    "def double(x):  # twice",
    '    return x * 2, "two"',
    "",
]
DEFAULT = "#ABCDEF"


def style_colour(style: str, token) -> str:
    return "#" + get_style_by_name(style).style_for_token(token)["color"].upper()


def test_each_line_s_runs_join_back_to_that_line():
    lines = highlight_lines(CODE, "github-dark", DEFAULT, 14.0)
    assert len(lines) == len(CODE)
    assert ["".join(run.text for run in runs) for runs in lines] == CODE
    assert lines[1] == () and lines[4] == ()  # blank lines keep their place
    assert {(run.font, run.size) for runs in lines for run in runs} == {("mono", 14.0)}


def test_token_colours_come_from_the_style():
    from pygments.token import Keyword, Name, String

    for style in ("github-dark", "friendly"):
        runs = {run.text.strip(): run for line in highlight_lines(CODE, style, DEFAULT, 12.0) for run in line}
        assert runs["import"].color == style_colour(style, Keyword.Namespace)
        assert runs["def"].color == style_colour(style, Keyword)
        assert runs['"two"'].color == style_colour(style, String.Double)
        assert runs["double"].color == style_colour(style, Name.Function)


def test_neighbours_of_one_colour_are_one_run_and_unstyled_text_gets_the_default():
    from pygments.token import Text

    (line,) = highlight_lines(["a = b"], "github-dark", DEFAULT, 12.0)
    colours = [run.color for run in line]
    assert all(a != b for a, b in zip(colours, colours[1:]))  # merged where they agree
    (plain,) = highlight_lines(["just words here"], "friendly", DEFAULT, 12.0, lexer_name="text")
    assert [(run.text, run.color) for run in plain] == [("just words here", DEFAULT)]  # friendly has no text colour
    (styled,) = highlight_lines(["just words here"], "github-dark", DEFAULT, 12.0, lexer_name="text")
    assert [run.color for run in styled] == [style_colour("github-dark", Text)]


def test_another_language_is_lexed_as_that_language():
    (line,) = highlight_lines(["echo $HOME"], "github-dark", DEFAULT, 12.0, lexer_name="bash")
    assert "".join(run.text for run in line) == "echo $HOME"
    assert len({run.color for run in line}) > 1
