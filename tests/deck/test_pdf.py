"""``render slides --pdf``: LibreOffice converts the deck, and poppler reads
the PDF back (page count with ``pdfinfo``, text with ``pdftotext``); with
``--handout`` every page also carries its slide's speaker notes.  Without
LibreOffice the command says so before doing any work."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from cuecast.cli.slides import command as slides_command
from tests.test_build import copy_tiny

needs_tools = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdfinfo")),
    reason="needs LibreOffice and poppler-utils (installed by .ci/run)")


def render_slides(script: Path, *options: str):
    return CliRunner().invoke(slides_command, [str(script), "--device", "cpu", *options], catch_exceptions=False)


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))


def pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    text = subprocess.run(["pdftotext", *pages, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


@pytest.mark.slow
@needs_tools
def test_the_deck_and_the_handout_as_pdf(tmp_path):
    script = copy_tiny(tmp_path / "project")
    out = script.parent.parent / "build" / "tiny"

    result = render_slides(script, "--pdf")
    assert result.exit_code == 0, result.output
    assert "build/tiny/slides.pdf" in result.output
    slides = list(Presentation(str(out / "slides.pptx")).slides)
    pdf = out / "slides.pdf"
    assert pdf_pages(pdf) == len(slides)
    text = pdf_text(pdf)
    for expected in ("Tiny tensors", "Tensors are n-dimensional arrays", "They have a shape and a dtype",
                     "shape: (2, 3)", "https://pytorch.org/docs/stable/autograd.html"):
        assert expected in text
    assert "Tensor" in pdf_text(pdf, 2) and "shape: (2, 3)" in pdf_text(pdf, 3)  # one page a slide, in order
    notes_only = "Tensors are n-dimensional arrays. They have a shape and a dtype."  # the section's narration
    assert notes_only not in text

    result = render_slides(script, "--handout")
    assert result.exit_code == 0, result.output
    assert pdf_pages(pdf) == len(slides)
    second = pdf_text(pdf, 2)
    assert "Tensors are n-dimensional arrays" in second and notes_only in second  # the slide, then its notes
    assert not list(out.glob(".pdf-*"))  # LibreOffice's scratch folder is gone


def test_without_libreoffice_pdf_says_what_to_install(tmp_path, monkeypatch):
    script = copy_tiny(tmp_path / "project")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no soffice anywhere
    result = render_slides(script, "--pdf")
    assert result.exit_code == 2
    assert "error: --pdf needs LibreOffice (soffice), which is not installed" in result.output
    assert "apt-get install libreoffice-impress" in result.output
    assert not (script.parent.parent / "build" / "tiny" / "slides.pptx").exists()  # said before any work
