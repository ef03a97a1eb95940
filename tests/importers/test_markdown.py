"""``importers.markdown``: Markdown prose → blocks, each at its input line."""

from __future__ import annotations

from cuecast.importers.blocks import Code, Heading, Listing, Picture, Prose, Text, Todo
from cuecast.importers.markdown import parse_markdown
from tests.support.numbered import numbered


def test_markdown_blocks():
    blocks = parse_markdown(numbered(
        "# T\n\nText with ![alt](a.png) inside.\n\n1. one\n2. two\n   - nested\n\n- other list\n\n"
        "> [!TIP]\n> Be brief.\n\n```bash\nls\n```\n\n| a | b |\n|---|---|\n\n$$\nE = mc^2\n$$\n"))
    assert blocks[:2] == [Heading(1, Text("T", "T"), 1), Prose(Text("Text with inside.", "Text with inside."), 3)]
    assert blocks[2] == Picture("a.png", 3, "alt")
    assert [(i.text.slide, [p.slide for p in i.points]) for i in blocks[3].items] == [("one", []), ("two", ["nested"])]
    assert [i.text.slide for i in blocks[4].items] == ["other list"]
    assert blocks[5:] == [
        Prose(Text("Tip: Be brief.", "Tip: Be brief."), 12),
        Listing("ls", (15,), "bash"),
        Todo("a table was left out; say what it shows, or make it an image", 18),
        Prose(Text("E = mc²", "$E = mc^2$"), 21, display_math=True),
    ]


def test_executable_fences_are_code_without_their_cell_options_and_others_are_listings():
    """The caller decides which fences run; a Quarto ``#|`` option line is
    metadata, not code, and another fence is shown but not run."""
    blocks = parse_markdown(numbered(
        "```{python}\n#| echo: false\nx = 1\n```\n\n```python\ny = 2\n```\n"),
        lambda info: info.startswith("{python"))
    assert blocks == [Code("x = 1", (3,)), Listing("y = 2", (7,), "python")]


def test_without_a_caller_test_no_fence_runs():
    assert parse_markdown(numbered("```python\nx = 1\n```\n")) == [Listing("x = 1", (2,), "python")]


def test_setext_headings_callouts_and_unknown_directives():
    blocks = parse_markdown(numbered(
        "Setext\n======\n\nSub\n---\n\n::: {.callout-warning}\nHot.\n:::\n\n```{mystery}\nz\n```\n"))
    assert blocks == [
        Heading(1, Text("Setext", "Setext"), 1),
        Heading(2, Text("Sub", "Sub"), 4),
        Prose(Text("Warning: Hot.", "Warning: Hot."), 8),
        Todo("unknown directive '{mystery}' was left out", 11),
    ]


def test_an_html_image_keeps_its_alt_text():
    [picture] = [b for b in parse_markdown(numbered('<img src="fig/a.png" alt="A plot">\n'))
                 if isinstance(b, Picture)]
    assert (picture.path, picture.alt, picture.line) == ("fig/a.png", "A plot", 1)
