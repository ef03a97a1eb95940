"""``render slides``: the deck and one image per slide, a summary naming the
slide count and the files, and ``--pdf``/``--handout`` asking for
LibreOffice before any work (``--handout`` implies ``--pdf``)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from PIL import Image
from pptx import Presentation

from cuecast.cli import cli


def test_slides_writes_the_deck_and_an_image_per_slide_and_names_them(talk):
    result = CliRunner().invoke(cli, ["slides"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["talk: 2 slides", "build/talk/slides.pptx", "build/talk/slides"]
    deck = Presentation(str(talk / "build" / "talk" / "slides.pptx"))
    texts = [" ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) for slide in deck.slides]
    assert len(texts) == 2 and "A short talk" in texts[0]  # the title slide, then the section's bullets
    assert "Tensors are n-dimensional arrays" in texts[1] and "They live on a device" in texts[1]
    images = sorted((talk / "build" / "talk" / "slides").glob("*.png"))
    assert len(images) == 2 and Image.open(images[0]).tobytes() != Image.open(images[1]).tobytes()
    assert images[0].name.startswith("01-") and images[1].name.startswith("02-")


@pytest.mark.parametrize("flag", ["--pdf", "--handout"])
def test_a_pdf_without_libreoffice_is_refused_before_any_work(talk, tmp_path, monkeypatch, flag):
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    result = CliRunner().invoke(cli, ["slides", flag])
    assert result.exit_code == 2 and "--pdf needs LibreOffice (soffice)" in result.stderr, result.output
    assert not (talk / "build" / "talk").exists()
