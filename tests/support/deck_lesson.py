"""A hand-built Lesson shaped like the seed (every cue kind, nested points,
subsections, a section with no bullets) over the project's real snippets,
and fake Captures for it (fast: no torch), including an autograd graph.

Used by the deck tests so they do not depend on the script parser; the
end-to-end test builds the real default lesson through the CLI instead.
"""

from __future__ import annotations

from pathlib import Path

from cuecast.model import AutogradGraph, Beat, Capture, Cue, GraphNode, Lesson, Location, Section
from tests.support.paths import PROJECT



def _loc(line: int) -> Location:
    return Location("script/deck-test.yaml", line, 1)


def _cue_beat(section_id: str, n: int, line: int, say: str, **cue) -> Beat:
    beat_id = f"{section_id}-{n}"
    return Beat(beat_id, _loc(line), say=say, cue=Cue(id=beat_id, location=_loc(line), **cue))


def _bullet(section_id: str, n: int, line: int, text: str, *points: str) -> Beat:
    return Beat(f"{section_id}-{n}", _loc(line), say=" ".join((text, *points)), bullet=text, points=points)


def seed_like_lesson(root: Path = PROJECT) -> Lesson:
    sections = (
        Section("intro", "Intro", _loc(5), beats=(
            _bullet("intro", 1, 6, "Open source machine learning framework that accelerates the path from research "
                    "to prototyping to production deployment"),
            _bullet("intro", 2, 7, "Used for neural networks, uses hardware acceleration, based on `numpy`."),
        )),
        Section("casting", "Casting", _loc(10), beats=(
            _cue_beat("casting", 1, 11, "Casting various torch objects to different datatypes",
                      kind="vscode", snippet="snippets/casting.py"),
        )),
        Section("device", "Device", _loc(14), beats=(
            _bullet("device", 1, 15, "Pytorch can use multiple device types", "CPU for data loading",
                    "specialized devices, GPU, TPU for running data through the neural network."),
            _cue_beat("device", 2, 19, "How to check GPU available", kind="vscode", snippet="snippets/device.py"),
        )),
        Section("autograd", "Automatic differentiation on {{ device }}", _loc(22), beats=(
            _cue_beat("autograd", 1, 23, "Differentiation graph also known as a tape", kind="slides",
                      diagram="autograd", snippet="snippets/autograd_tape.py"),
            _cue_beat("autograd", 2, 26, "Creating tensors with requires_grad", kind="vscode",
                      snippet="snippets/requires_grad.py"),
        )),
        Section("modules", "Modules", _loc(30), beats=(
            _bullet("modules", 1, 31, "Torch basically acts like a Numpy high level namespace"),
            _cue_beat("modules", 2, 32, "Pytorch documentation", kind="browser",
                      url="https://pytorch.org/docs/stable/nn.html", title="torch.nn — PyTorch documentation"),
            _cue_beat("modules", 3, 34, "Examples of various Torch functions", kind="vscode",
                      snippet="snippets/torch_functions.py"),
        )),
        Section("functional", "torch.nn.functional as F", _loc(40), beats=(
            _bullet("functional", 1, 41, "Neural network components provided as functions instead of objects"),
        ), subsections=(
            Section("pros-of-torch-nn", "Pros of torch.nn", _loc(44), level=2, beats=(
                _bullet("pros-of-torch-nn", 1, 45, "You can create stateful objects"),
            )),
            Section("outro", "Outro", _loc(48), level=2, beats=(
                Beat("outro-1", _loc(49), say="Thanks for watching {{ lesson.title }}."),
            )),
        )),
    )
    return Lesson("deck-test", "PyTorch", "script/deck-test.yaml", str(root), _loc(1), sections,
                  prepare=("install torch",))


def fake_captures(lesson: Lesson) -> dict:
    graph = AutogradGraph(
        nodes=(GraphNode("n0", "loss", "root"), GraphNode("n1", "PowBackward0", "function"),
               GraphNode("n2", "AddBackward0", "function"), GraphNode("n3", "MulBackward0", "function"),
               GraphNode("n4", "b", "leaf"), GraphNode("n5", "w", "leaf")),
        edges=(("n1", "n0"), ("n2", "n1"), ("n3", "n2"), ("n4", "n2"), ("n5", "n3")),
    )
    captures = {}
    for cue in lesson.snippet_cues():
        output = "".join(f"{cue.snippet} line {i}: tensor([1., 2., 3.])\n" for i in range(6))
        captures[cue.snippet] = Capture(cue.snippet, "ok", output, (("stdout", output),), duration=0.25,
                                        device="cpu", device_name="cpu", torch_version="2.13.0",
                                        graph=graph if cue.diagram else None)
    return captures

