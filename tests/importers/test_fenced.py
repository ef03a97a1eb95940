"""``importers.fenced``: Quarto, MyST and plain Markdown tutorials → blocks."""

from __future__ import annotations

from cuecast.importers.blocks import Code, Listing
from cuecast.importers.fenced import has_executable_fences, has_python_fences, read_fenced

QUARTO = '---\ntitle: "Tensors *fast*"\nformat: html\n---\n\n```{python}\nx = 1\n```\n\n```python\ny = 2\n```\n'


def test_front_matter_names_the_lesson_and_only_executable_fences_run():
    doc = read_fenced(QUARTO, "t.qmd")
    assert (doc.title.slide, doc.title.say) == ("Tensors fast", "Tensors fast")
    assert doc.blocks == [Code("x = 1", (7,)), Listing("y = 2", (11,), "python")]


def test_a_file_with_no_executable_fence_runs_its_python_fences():
    doc = read_fenced("# T\n\n```python\ny = 2\n```\n\n```bash\nls\n```\n", "t.md")
    assert doc.title is None
    assert doc.blocks[1:] == [Code("y = 2", (4,)), Listing("ls", (8,), "bash")]


def test_front_matter_that_is_not_a_mapping_or_not_yaml_gives_no_title():
    assert read_fenced("---\n- a list\n---\n\nText.\n", "t.md").title is None
    assert read_fenced("---\ntitle: [unclosed\n---\n\nText.\n", "t.md").title is None


def test_which_fences_are_executable():
    for info in ("{python}", "{python} #| echo: false", "{code-cell} python", "{code-cell} ipython3", "{.python}"):
        assert has_executable_fences(f"```{info}\nx = 1\n```\n"), info
    for info in ("python", "{r}", "{code-cell} r", "bash"):
        assert not has_executable_fences(f"```{info}\nx = 1\n```\n"), info
    assert has_python_fences("~~~ py\nx\n~~~\n") and has_python_fences("```pycon\n>>> x\n```\n")
    assert not has_python_fences("```{python}\nx\n```\n")
