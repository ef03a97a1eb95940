"""The default lesson, script/pytorch-intro.yaml, loads cleanly and holds
every section, subsection and cue of the seed."""

from __future__ import annotations

from pathlib import Path

from cuecast.script import find_lessons, load_lesson
from tests.support.paths import PROJECT



def test_default_lesson_loads_with_every_section_and_cue(monkeypatch):
    monkeypatch.chdir(PROJECT)
    assert Path("script/pytorch-intro.yaml") in find_lessons(None)
    lesson = load_lesson("script/pytorch-intro.yaml")
    assert (lesson.id, lesson.title, lesson.voice, lesson.source) == (
        "pytorch-intro", "Pytorch", None, "script/pytorch-intro.yaml")  # the default voice (piper when installed)
    assert lesson.root == str(PROJECT)
    assert len(lesson.sections) == 13
    assert [s.title for s in lesson.walk() if s.level == 2] == [
        "Pros of torch.nn", "Pros of torch.nn.functional", "Outro"]
    assert len(list(lesson.cues("vscode"))) == 12
    (slides,) = [cue for _, _, cue in lesson.cues("slides")]
    assert (slides.diagram, slides.snippet) == ("autograd", "snippets/autograd_tape.py")
    (browser,) = [cue for _, _, cue in lesson.cues("browser")]
    assert browser.url == "https://pytorch.org/docs/stable/nn.html"
    snippets = [cue.snippet for cue in lesson.snippet_cues()]
    assert snippets == [f"snippets/{name}.py" for name in (
        "casting", "device", "autograd_tape", "requires_grad", "backward", "grad_fn", "torch_functions",
        "layers", "nn_vs_functional", "softmax", "linear_regression", "parameters", "forward")]
    assert all((PROJECT / path).is_file() for path in snippets)


def test_softmax_cue_sits_in_the_pros_of_functional_subsection():
    lesson = load_lesson(PROJECT / "script" / "pytorch-intro.yaml")
    found = [(section.id, beat.id) for section, beat, cue in lesson.cues() if cue.snippet == "snippets/softmax.py"]
    assert found == [("pros-functional", "pros-functional-4")]
    section_ids = [s.id for s in lesson.walk()]
    assert len(section_ids) == len(set(section_ids)) == 16
    outro = [s for s in lesson.walk() if s.title == "Outro"][0]
    assert (outro.id, outro.beats) == ("outro", ())
    device_bullet = lesson.sections[3].beats[0]
    assert device_bullet.say == ("Pytorch can use multiple device types. CPU for data loading. specialized devices, "
                                 "GPU, TPU for running data through the neural network.")
