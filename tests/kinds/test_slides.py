"""``show: slides``: a diagram of a snippet's run or a picture, never both,
and how the cue sheet names each."""

from __future__ import annotations

import pytest

from cuecast.kinds.slides import KIND
from cuecast.model import Cue, Location
from tests.test_script import beat, problems

WHERE = Location("script/x.yaml", 5, 9)


@pytest.mark.parametrize("lines, expected", [
    (("show: slides", "say: hi"), [(5, 15, "a slides cue needs a 'diagram' (e.g. autograd) or an 'image'")]),
    (("show: slides", "diagram: autograd", "snippet: snippets/ok.py", "image: pics/a.png"),
     [(8, 9, "give a slides cue either 'diagram' or 'image', not both")]),
    (("show: slides", "diagram: autograd"),
     [(6, 18, "diagram 'autograd' needs a 'snippet' (the code whose autograd graph it draws)")]),
])
def test_what_a_slides_cue_lacks_or_combines_wrongly_is_located(snippet_project, lines, expected):
    assert problems(snippet_project, beat(*lines)) == expected


def test_a_diagram_and_a_picture_each_load(snippet_project):
    from cuecast.script import load_lesson

    script = snippet_project / "script" / "ok.yaml"
    for lines in (("show: slides", "diagram: autograd", "snippet: snippets/ok.py"),
                  ("show: slides", "image: pics/a.png")):
        script.write_text(beat(*lines), encoding="utf-8")
        ((_, _, cue),) = list(load_lesson(script).cues())
        assert cue.kind == "slides"


def test_the_cue_sheet_names_the_diagram_or_the_picture():
    diagram = Cue(kind="slides", id="a-1", location=WHERE, diagram="autograd", snippet="snippets/tape.py")
    assert KIND.instruction(diagram) == "SHOW ON SLIDES: autograd diagram of snippets/tape.py"
    assert KIND.review(diagram) == "Slide: autograd" and KIND.capture_name(diagram) == "snippets/tape.py"
    picture = Cue(kind="slides", id="a-1", location=WHERE, image="pics/a.png")
    assert KIND.instruction(picture) == "SHOW ON SLIDES: pics/a.png"
    assert KIND.capture_name(picture) is None
    titled = Cue(kind="slides", id="a-1", location=WHERE, title="Recap")
    assert KIND.instruction(titled) == "SHOW ON SLIDES: Recap"
