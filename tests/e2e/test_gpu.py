"""The default lesson on a CUDA GPU.

These run only where torch sees a CUDA device: CI has none, so there they are
reported as skipped with the reason.  ``bench/device_check.sh`` runs them (with
the rest of the runner and golden tests) on a GPU machine.  They prove what a
CPU cannot: ``--device auto`` really picks the GPU, the snippets that move
tensors print ``cuda:0``, the committed golden files hold on the GPU (device
suffixes normalised, float noise within tolerance, ``device.cuda.txt`` where
the device snippet legitimately prints differently), and the deck names the
GPU its outputs came from.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.support.paths import PROJECT
from tests.support.cli import render_in_process

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA GPU (torch.cuda.is_available() is False here)"
)



@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """A scratch copy of the project, so runs here share no cache with others."""
    root = tmp_path / "course"
    for name in ("script", "snippets", "slides"):
        shutil.copytree(PROJECT / name, root / name)
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


def test_auto_runs_every_course_snippet_on_the_gpu(course):
    from cuecast.runner import RunOptions, run_lesson
    from cuecast.script import load_lesson

    lesson = load_lesson(course / "script" / "pytorch-intro.yaml", root=course)
    captures = run_lesson(lesson, RunOptions(device="auto", use_cache=False))
    assert len(captures) == 13
    failed = {path: c.reason or c.status for path, c in captures.items() if not c.passed}
    assert failed == {}
    gpu = torch.cuda.get_device_name(0)
    assert {(c.device, c.device_name) for c in captures.values()} == {("cuda", gpu)}
    device = captures["snippets/device.py"].output
    assert "CUDA available: True" in device
    assert "x is on:        cpu" in device  # created on the CPU, as the lesson says
    assert "x moved to:     cuda:0" in device


def test_committed_golden_files_hold_on_the_gpu(course, capsys):
    code, out = render_in_process(capsys, "check", "--device", "cuda", "--golden", "--no-cache", "script/pytorch-intro.yaml")
    assert code == 0, out
    assert "golden: 13 match" in out
    golden = course / "script" / "pytorch-intro.golden"
    device_golden = (golden / "device.cuda.txt").read_text()
    assert "CUDA available: True" in device_golden and "x moved to:     cuda:0" in device_golden
    assert "CUDA available: False" in (golden / "device.txt").read_text()


def test_deck_names_the_gpu_its_outputs_came_from(course, capsys):
    from pptx import Presentation

    code, out = render_in_process(capsys, "slides", "--device", "cuda", "script/pytorch-intro.yaml")
    assert code == 0, out
    deck = Presentation(str(course / "build" / "pytorch-intro" / "slides.pptx"))
    title = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert f"torch {torch.__version__} on {torch.cuda.get_device_name(0)}" in title
    gpu = torch.cuda.get_device_name(0)
    badges = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.name == "output:badge"]
    assert len(badges) >= 12  # a device badge on every code slide (the run time is off by default)
    assert all(badge == gpu or badge.endswith("…") and gpu.startswith(badge[:-1]) for badge in badges), badges
