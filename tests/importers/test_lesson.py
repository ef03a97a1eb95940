"""``importers.lesson``: blocks → the lesson, its cells and its to-dos, the
same for every reader (blocks here come from Markdown, the shortest to write)."""

from __future__ import annotations

from cuecast.importers.blocks import Code, Document, Heading, Picture, Prose, Text
from cuecast.importers.fenced import read_fenced
from cuecast.importers.lesson import build_lesson

TUTORIAL = '''# Tensors

Tensors hold numbers. They live on a device.

## Making them

```{python}
import torch
```

**Ones**

```{python}
x = torch.ones(2)
print(x)
```

The result is two ones.

```bash
ls
```

![A plot](fig.png)

##

## Making them

There are three kinds:

- one
- two
- three
'''


def built(text: str, resolve=lambda picture: (picture.path, None)):
    return build_lesson(read_fenced(text, "t.qmd"), lesson_id="t", snippet="snippets/t.py",
                        fallback_title="From the name", resolve_image=resolve)


def test_sections_beats_and_cues_from_a_tutorial():
    lesson = built(TUTORIAL)
    data = lesson.data
    assert (data["lesson"], data["id"]) == ("Tensors", "t")
    intro, making, again = data["sections"]
    assert intro == {"title": "Introduction", "beats": [
        {"bullet": "Tensors hold numbers.", "say": "Tensors hold numbers. They live on a device."}]}
    assert [beat.get("show") for beat in making["beats"] if "show" in beat] == ["vscode", "vscode", "slides"]
    cue, listing, picture = [beat for beat in making["beats"] if "show" in beat]
    assert (cue["cell"], cue["then"]) == ("Ones", "The result is two ones.")
    assert (listing["output"], listing["cell"]) == ("none", "Making them")
    assert picture == {"show": "slides", "image": "fig.png", "caption": "A plot"}
    # the empty '##' heading is dropped; the repeated title gets an id of its own
    assert (again["title"], again["id"]) == ("Making them", "making-them-2")
    assert again["beats"] == [{"bullet": "There are three kinds:", "points": ["one", "two", "three"],
                               "say": "There are three kinds: one; two; three."}]


def test_imports_before_any_shown_code_run_unshown_and_cells_are_listed_in_order():
    lesson = built(TUTORIAL)
    assert [code.code for code in lesson.glue] == ["import torch"]
    assert [(cell.title, cell.code.code) for cell in lesson.cells] == [
        ("Ones", "x = torch.ones(2)\nprint(x)"), ("Making them", "# ls")]
    assert [(todo.line, todo.message.split(" in the prose")[0]) for todo in lesson.todos] == [(21, "a 'bash' block")]


def test_cells_under_one_heading_get_unique_titles():
    lesson = built("# T\n\n## Part\n\n```{python}\nx = 1\n```\n\n```{python}\ny = 2\n```\n")
    assert [cell.title for cell in lesson.cells] == ["Part", "Part (2)"]
    assert [beat["cell"] for beat in lesson.data["sections"][0]["beats"] if "cell" in beat] == ["Part", "Part (2)"]


def test_a_picture_that_cannot_be_used_leaves_its_caption_said_and_a_todo():
    doc = Document([Heading(1, Text("T", "T"), 1),
                    Picture("https://x.org/a.png", 3, "alt", Text("A caption.", "A caption.")),
                    Prose(Text("After.", "After."), 5)])
    lesson = build_lesson(doc, lesson_id="t", snippet="snippets/t.py", fallback_title="F",
                          resolve_image=lambda picture: (None, "download it"))
    assert lesson.data["sections"][0]["beats"][0] == {"say": "A caption."}
    assert [(todo.line, todo.message) for todo in lesson.todos] == [(3, "download it")]


def test_no_heading_takes_the_title_from_the_file_name_and_a_raised_cell_expects_its_error():
    lead = "Now we divide by zero to see the error."
    doc = Document([Prose(Text(lead, lead), 1), Code("1 / 0", (3,), raised=True)])
    lesson = build_lesson(doc, lesson_id="t", snippet="snippets/t.py", fallback_title="From the name",
                          resolve_image=lambda picture: (None, None))
    assert lesson.data["lesson"] == "From the name"
    [section] = lesson.data["sections"]
    assert section["title"] == "From the name"  # with no heading, the one section is the lesson's
    [cue] = [beat for beat in section["beats"] if "show" in beat]
    assert cue["expect_error"] is True and cue["say"] == lead
    assert "'expect_error: true'" in lesson.todos[0].message and lesson.todos[0].line == 3


def test_template_marks_in_prose_are_kept_literal():
    lesson = built("# T\n\nA dict {{'a': 1}} here.\n")
    assert lesson.data["sections"][0]["beats"][0]["bullet"] == "{% raw %}A dict {{'a': 1}} here.{% endraw %}"
