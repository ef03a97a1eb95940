"""The output panel's header: the label and the badge reserve their space,
and the badge shows the device, with the run time only where the theme
asks for it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cuecast.deck.boxes import inches
from cuecast.deck.code_layout import terminal_panel
from cuecast.deck.measure import Measurer
from cuecast.deck.theme import load_theme
from cuecast.errors import ScriptError
from cuecast.model import Capture


@pytest.fixture(scope="module")
def theme():
    return load_theme(None)


def _header(capture, theme, width):
    boxes = {box.name: box for box in terminal_panel("output", 0, 0, width, inches(3), capture, theme, Measurer(theme))}
    return boxes["output:label"], boxes.get("output:badge")


RAN = Capture("snippets/x.py", "ok", "1\n", (("stdout", "1\n"),), duration=0.011, device="cuda",
              device_name="NVIDIA H100 80GB HBM3")


def test_the_badge_shows_the_device_and_no_run_time_by_default(theme):
    _, badge = _header(RAN, theme, inches(6))
    assert badge.text == "NVIDIA H100 80GB HBM3"
    _, timed = _header(RAN, replace(theme, run_time=True), inches(6))
    assert timed.text == "NVIDIA H100 80GB HBM3 · 11 ms"


def test_a_cell_that_was_not_run_has_no_run_time_and_its_label_is_not_covered(theme):
    not_run = replace(RAN, status="not-run", output="", streams=(), reason="not run: an earlier cell failed")
    label, badge = _header(not_run, replace(theme, run_time=True), inches(3.2))
    assert label.text == "Output — not-run"
    assert badge is None or ("ms" not in badge.text and label.x + label.w <= badge.x)


@pytest.mark.parametrize("width", [2.6, 3.0, 3.5, 4.5, 6.0, 12.0])
@pytest.mark.parametrize("status", ["ok", "error", "expected-error", "timeout"])
def test_the_label_and_the_badge_never_share_space(theme, width, status):
    capture = replace(RAN, status=status, device_name="AMD EPYC 7B13 64-Core Processor with a long name")
    label, badge = _header(capture, replace(theme, run_time=True), inches(width))
    measured = Measurer(theme).width(label.paragraphs[0].runs[0]) * 12_700 + label.inset[0]
    assert measured <= label.w  # the label's box holds its words
    if badge is not None:
        assert label.x + label.w <= badge.x and badge.x + badge.w <= inches(width)
        assert Measurer(theme).width(badge.paragraphs[0].runs[0]) * 12_700 <= badge.w - badge.inset[0] - badge.inset[2]


def test_the_theme_option_is_read_and_checked(tmp_path):
    path = tmp_path / "theme.yaml"
    path.write_text("run_time: true\n")
    assert load_theme(path).run_time is True
    assert load_theme(None).run_time is False
    path.write_text("colors: {}\nrun_time: sometimes\n")
    with pytest.raises(ScriptError) as caught:
        load_theme(path)
    [problem] = caught.value.diagnostics
    assert problem.location.line == 2 and "'run_time' must be true or false" in problem.message
