"""The tiny lesson with its browser cue pointed at a page of the test's
choosing, built as a user builds it: what the capture tests and the page
tests share (``tests/web/``)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from pptx import Presentation

from cuecast.build import BuildOptions
from cuecast.deck import base_slide_id
from cuecast.web import WebWarning
from tests.support.cdp import find_chromium
from tests.test_build import build, copy_tiny

SIZE = (640, 360)
FPS = 10
OPTIONS = BuildOptions(size=SIZE, fps=FPS, device="cpu", voice="none")
TINY_URL = "https://pytorch.org/docs/stable/autograd.html"

needs_chromium = pytest.mark.skipif(find_chromium() is None,
                                    reason="needs Debian's chromium (installed by .ci/run)")


def browser_project(tmp_path: Path, url: str) -> Path:
    """The tiny lesson, its browser cue pointed at ``url``."""
    script = copy_tiny(tmp_path / "project")
    text = script.read_text(encoding="utf-8")
    assert TINY_URL in text
    script.write_text(text.replace(TINY_URL, url), encoding="utf-8")
    return script


def build_warning(script: Path, options: BuildOptions = OPTIONS):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result, _ = build(script, options)
    return result, [str(w.message) for w in caught if issubclass(w.category, WebWarning)]


def browser_slide(out: Path):
    """The browser cue's slide in the pptx, its number, and its PNG."""
    prs = Presentation(str(out / "slides.pptx"))
    for number, slide in enumerate(prs.slides, start=1):
        if base_slide_id(slide.name) == "cue:gradients-2":
            png = sorted((out / "slides").glob(f"{number:02d}-*.png"))
            assert len(png) == 1
            return prs, slide, png[0]
    raise AssertionError("no slide for the browser cue")
