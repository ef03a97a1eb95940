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


# --- layout by what fits -------------------------------------------------------------

from cuecast.deck.boxes import EMU_PER_PT, pt_to_emu  # noqa: E402
from cuecast.deck.code_layout import MIN_PANEL_SHARE, arrange_code  # noqa: E402
from cuecast.deck.measure import line_height  # noqa: E402

#: The default slide's code area (13.33 × 7.5 in, under a cue's title and subtitle).
AREA = (inches(0.5), inches(1.37), inches(12.33), pt_to_emu(420))
GAP = inches(0.25)


def _arranged(theme, code: list[str], output: str, status: str = "ok"):
    numbered = list(enumerate(code, start=1))
    capture = Capture("snippets/x.py", status, output, (("stdout", output),), device="cpu", device_name="AMD EPYC")
    return arrange_code(numbered, capture, "x.py", AREA, GAP, theme, Measurer(theme))


def _named(page) -> dict:
    return {box.name: box for box in page}


def _rows(box) -> int:
    return len(box.paragraphs)


def _content_h(box) -> float:
    """Height in points the rows of a text box take, insets included."""
    return sum(p.line_height for p in box.paragraphs) + (box.inset[1] + box.inset[3]) / EMU_PER_PT


def _assert_readable(theme, pages):
    for page in pages:
        for box in page:
            if box.name == "code:code":
                assert {p.size for p in box.paragraphs} <= {s for s in range(14, 19)} and not box.wrap
            if box.name == "output:terminal":
                assert min(p.size for p in box.paragraphs) >= theme.size("output_min")


def test_short_code_and_output_sit_side_by_side_in_panels_sized_to_them(theme):
    pages = _arranged(theme, ["x = torch.ones(2, 3)", "print(x.sum())"], "tensor(6.)\n")
    [page] = pages
    boxes = _named(page)
    code, terminal = boxes["code:panel"], boxes["output:terminal"]
    assert terminal.x > code.x + code.w  # beside it
    assert boxes["code:tabbar"].y == boxes["output:bar"].y == AREA[1]  # tops aligned with the area's
    assert code.y + code.h == terminal.y + terminal.h  # one height for both
    height = boxes["output:bar"].h + terminal.h
    assert height == int(AREA[3] * MIN_PANEL_SHARE) < AREA[3]  # not the full height: the steady minimum
    assert boxes["code:code"].paragraphs[0].size == theme.size("code")  # as large as the theme allows
    _assert_readable(theme, pages)


def test_code_too_wide_to_share_the_slide_is_stacked_over_its_output_on_one_slide(theme):
    wide = "loss = torch.nn.functional.binary_cross_entropy_with_logits(model(inputs), targets)"
    pages = _arranged(theme, ["import torch", wide, "print(loss)"], "tensor(0.6931)\nsecond line\n")
    [page] = pages
    boxes = _named(page)
    code, bar, terminal = boxes["code:panel"], boxes["output:bar"], boxes["output:terminal"]
    assert bar.y > code.y + code.h and bar.x == code.x and bar.w == boxes["code:tabbar"].w == AREA[2]  # under it
    assert _rows(boxes["code:code"]) == 3 and not boxes["code:code"].wrap
    assert code.h / EMU_PER_PT < _content_h(boxes["code:code"]) + 4  # the code panel holds its rows, no more
    assert terminal.y + terminal.h < AREA[1] + AREA[3]  # the output panel does not run to the slide's foot
    assert terminal.h / EMU_PER_PT >= _content_h(terminal)
    _assert_readable(theme, pages)


def test_no_code_line_wraps_where_a_layout_without_wrapping_exists(theme):
    # 34 lines whose longest fits the full width at 14 pt but not 60% of it (the old choice wrapped 8 of them)
    code = [f"value_{i} = compute_something_long(argument_{i}, other_argument, keyword=value_{i - 1})  # note"
            for i in range(34)]
    pages = _arranged(theme, code, "".join(f"step {i}  loss 0.{i:04d}\n" for i in range(7)))
    assert len(pages) >= 2
    shown = [p.text for page in pages for box in page if box.name == "code:code" for p in box.paragraphs]
    assert shown == code  # every line once, none broken into rows
    assert not any(box.name == "code:gutter" and any(p.text == "↪" for p in box.paragraphs)
                   for page in pages for box in page)
    _assert_readable(theme, pages)


def test_output_that_would_wrap_beside_the_code_goes_where_it_does_not(theme):
    # casting.py's shape: code wide enough that side by side leaves the output a narrow column
    code = [f'print(".half():  ", x.half().dtype, x.half().tolist())  # a comment that widens line {i}'
            for i in range(19)]
    output = "".join(f".half():   torch.float16 [1.75, -2.5, 3.25] row {i}\n" for i in range(9))
    pages = _arranged(theme, code, output)
    terminals = [box for page in pages for box in page if box.name == "output:terminal"]
    assert [p.text for box in terminals for p in box.paragraphs] == output.splitlines()  # one row a line
    assert not any(p.continues for box in terminals for p in box.paragraphs)
    _assert_readable(theme, pages)


def test_output_too_long_for_a_slide_starts_under_short_code_and_continues(theme):
    output = "".join(f"output line {i}\n" for i in range(60))
    pages = _arranged(theme, ["for i in range(60):", "    print('output line', i)"], output)
    first = _named(pages[0])
    assert "code:panel" in first and "output:terminal" in first  # not a page for two lines of code
    assert all("code:panel" not in _named(page) for page in pages[1:])
    rows = [p.text for page in pages for box in page if box.name == "output:terminal" for p in box.paragraphs]
    assert [row for row in rows if not row.startswith("…")] == output.splitlines()  # every line, in order


def test_an_output_page_and_a_terminal_page_are_as_tall_as_what_they_hold(theme):
    code = [f"value_{i} = compute_something_long(argument_{i}, other_argument, keyword=value_{i - 1})  # note"
            for i in range(21)]  # a whole slide of code at code_min
    pages = _arranged(theme, code, "loss: 2.25\nw.grad: [-3.0, -9.0]\n")
    last = _named(pages[-1])
    assert "code:panel" not in last  # the output on a page of its own
    assert last["output:bar"].h + last["output:terminal"].h == int(AREA[3] * MIN_PANEL_SHARE)


def _blocks(sizes: list[int]) -> list[str]:
    """Blocks of ``sizes`` lines of code, a blank line after each but the last."""
    lines = []
    for block, size in enumerate(sizes):
        lines += [f"block_{block}_line_{i} = compute_something(block={block}, line={i}, scale=0.5)  # wide"
                  for i in range(size)]
        lines.append("")
    return lines[:-1]


def test_code_over_pages_breaks_at_a_blank_line_near_the_foot_of_a_page(theme):
    code = _blocks([8, 8, 8, 4])  # 31 lines: more than a slide holds at code_min
    pages = _arranged(theme, code, "done\n")
    shown = [[p.text for p in box.paragraphs] for page in pages for box in page if box.name == "code:code"]
    assert len(shown) == 2 and shown[0] + shown[1] == code
    assert shown[0][-1] == "" and shown[1][0].startswith("block_2_line_0 =")  # a block kept whole


def test_a_blank_line_break_that_would_cost_a_slide_gives_way(theme):
    # 33 lines (linear_regression.py's shape): a break at the blank line after the first block would leave
    # too little room for the output under the second page
    code = _blocks([14, 7, 10])
    output = "".join(f"step {i}  loss 0.{i:04d}\n" for i in range(7))
    pages = _arranged(theme, code, output)
    assert len(pages) == 2 and "output:terminal" in _named(pages[1])
    first = [p.text for p in _named(pages[0])["code:code"].paragraphs]
    assert first[-1] != "" and len(first) > 15  # filled where full, not at the blank line
