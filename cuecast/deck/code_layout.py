"""The code slide's panels: the shown code (tab with the file name, line
numbers, token colours) and the captured output in a terminal with a badge.

Code keeps every character: it shrinks to the theme's ``code_min`` and then
continues on further pages, never cut.  Output is what the snippet printed,
shrunk to ``output_min`` and then trimmed with an explicit "… N more lines"
(the first lines for a passing snippet; the last lines — where the error
is — for a failing one).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable, Optional

from cuecast.deck.boxes import EMU_PER_PT, Paragraph, Rect, Run, TextBox, inches, pt_to_emu
from cuecast.deck.fit import inner_size
from cuecast.deck.highlight import highlight_lines
from cuecast.deck.measure import Measurer, line_height
from cuecast.model import STATUS_EXPECTED_ERROR, STATUS_NOT_RUN, Capture
from cuecast.check.report import format_duration
from cuecast.shown import output_lines, wrap_terminal_line
from cuecast.kinds import RUNS_COMMAND, capture_runs

TAB_H = inches(0.42)
PANEL_INSET = (pt_to_emu(10), pt_to_emu(8), pt_to_emu(10), pt_to_emu(8))
GUTTER_GAP = pt_to_emu(10)

#: The smallest badge text (device · run time): still readable projected.
BADGE_MIN = 10
#: Padding either side of the badge's text.
BADGE_INSET = pt_to_emu(10)

#: In the gutter beside the rows of a wrapped code line.
CONTINUED_MARK = "↪"

#: The line that ends output continued on the next slide.
MORE_LINES = "… {n} more lines on the next slide"


def more_lines_note(count: int) -> str:
    return MORE_LINES.format(n=count) if count != 1 else "… 1 more line on the next slide"


@dataclass(frozen=True)
class CodePlan:
    """How a snippet's shown lines are split over pages, at which size."""

    size: float
    wrap: bool
    pages: tuple[tuple[tuple[int, str], ...], ...]


def _mono_advance(measurer: Measurer, size: float) -> float:
    return measurer.width(Run("0", "mono", size))


def _gutter_width(measurer: Measurer, numbered: list[tuple[int, str]], size: float) -> int:
    digits = max((len(str(n)) for n, _ in numbered), default=1)
    return pt_to_emu(_mono_advance(measurer, size) * digits / 0.96) + pt_to_emu(2)


def _visual_lines(measurer: Measurer, text: str, size: float, width: float) -> int:
    return len(measurer.wrap((Run(text, "mono", size),), width)) if text else 1


def plan_code(numbered: list[tuple[int, str]], w: int, h: int, theme, measurer: Measurer,
              wrap_first: bool = True, at_blank_lines: bool = True) -> CodePlan:
    """Pick the largest code size (``code`` down to ``code_min``) at which the
    lines fit the panel ``w`` × ``h`` EMU without wrapping (``wrap_first``:
    or with a long line wrapped, before the size shrinks); failing that, use
    ``code_min`` (wrapping only if some line is wider than the panel even
    then) and split the lines over as many pages as needed, a page ending
    at a blank line near its foot where there is one (``at_blank_lines``)."""
    chosen: Optional[tuple[float, bool]] = None
    widest_fit: Optional[float] = None
    for size in _code_sizes(theme):
        text_w, text_h = _code_area(numbered, w, h, size, measurer)
        widest = _widest_code(numbered, size, measurer)
        fits_w = widest <= text_w * 0.96
        if fits_w and widest_fit is None:
            widest_fit = size
        if fits_w and len(numbered) * line_height(size) <= text_h:
            chosen = (size, False)
            break
        # A long line wraps (a continuation mark in the gutter) before it makes the whole panel smaller.
        if wrap_first and not fits_w and sum(_visual_lines(measurer, t, size, text_w) for _, t in numbered) * line_height(size) <= text_h:
            chosen = (size, True)
            break
    if chosen is not None:
        return CodePlan(chosen[0], chosen[1], (tuple(numbered),))
    size = theme.size("code_min")  # shrunk to the readable minimum, then continued over pages
    wrap = widest_fit is None
    text_w, text_h = _code_area(numbered, w, h, size, measurer)
    capacity = max(1, int(text_h // line_height(size)))

    def rows(text: str) -> int:
        return _visual_lines(measurer, text, size, text_w) if wrap else 1

    pages: list[list[tuple[int, str]]] = [[]]
    used = 0
    for number, text in numbered:
        need = rows(text)
        if used + need > capacity and pages[-1]:
            carried = _after_last_blank(pages[-1]) if at_blank_lines else []
            del pages[-1][len(pages[-1]) - len(carried):]
            pages.append(carried)
            used = sum(rows(t) for _, t in carried)
        pages[-1].append((number, text))
        used += need
    return CodePlan(size, wrap, tuple(tuple(page) for page in pages if page))


def _after_last_blank(page: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The lines of a full ``page`` after its last blank line, where that
    line is in the page's last third: they go on to the next page with the
    block they start, so a page breaks where the code does (a blank line
    ends the page, none starts the next).  Else none."""
    for index in range(len(page) - 2, len(page) * 2 // 3 - 1, -1):
        if not page[index][1].strip():
            return page[index + 1:]
    return []


def _code_area(numbered, w: int, h: int, size: float, measurer: Measurer) -> tuple[float, float]:
    gutter = _gutter_width(measurer, numbered, size)
    body_w = w - gutter - GUTTER_GAP
    return inner_size(body_w, h - TAB_H, PANEL_INSET)


def code_panel(
    name: str,
    x: int, y: int, w: int, h: int,
    tab: str,
    lines: tuple[tuple[int, str], ...],
    all_numbered: list[tuple[int, str]],
    plan: CodePlan,
    theme,
    measurer: Measurer,
) -> list:
    """The boxes of one page of a code panel: background, tab, gutter, code."""
    size = plan.size
    lh = line_height(size)
    gutter_w = _gutter_width(measurer, all_numbered, size)
    body_y = y + TAB_H
    body_h = h - TAB_H
    tab_w = min(w, pt_to_emu(measurer.width(Run(tab, "sans", theme.size("small"))) / 0.96) + pt_to_emu(28))
    boxes: list = [
        Rect(f"{name}:panel", x, body_y, w, body_h, fill=theme.color("code_background")),
        Rect(f"{name}:tabbar", x, y, w, TAB_H, fill=theme.color("tab_background")),
        TextBox(
            f"{name}:tab", x, y, tab_w, TAB_H,
            (Paragraph((Run(tab, "sans", theme.size("small"), False, theme.color("tab_text")),),
                       theme.size("small"), line_height(theme.size("small"))),),
            role="tab", fill=theme.color("code_background"),
            inset=(pt_to_emu(14), 0, pt_to_emu(14), 0), anchor="middle", wrap=False,
        ),
    ]
    text_w, _ = _code_area(all_numbered, w, h, size, measurer)
    gutter_paragraphs = []
    for number, text in lines:
        rows = _visual_lines(measurer, text, size, text_w) if plan.wrap else 1
        gutter_paragraphs.append(Paragraph(
            (Run(str(number), "mono", size, False, theme.color("gutter")),), size, lh, align="right", font="mono",
        ))
        # A wrapped code line takes more rows; a continuation mark in the gutter keeps numbers beside their lines.
        gutter_paragraphs.extend(Paragraph((Run(CONTINUED_MARK, "mono", size, False, theme.color("gutter")),), size, lh,
                                           align="right", font="mono") for _ in range(rows - 1))
    boxes.append(TextBox(
        f"{name}:gutter", x, body_y, PANEL_INSET[0] + gutter_w, body_h, tuple(gutter_paragraphs),
        role="gutter", inset=(PANEL_INSET[0], PANEL_INSET[1], 0, PANEL_INSET[3]), wrap=False,
    ))
    highlighted = highlight_lines([t for _, t in lines], theme.code_style, theme.color("code_text"), size)
    code_paragraphs = tuple(Paragraph(runs, size, lh, font="mono") for runs in highlighted)
    code_x = x + PANEL_INSET[0] + gutter_w + GUTTER_GAP
    boxes.append(TextBox(
        f"{name}:code", code_x, body_y, x + w - code_x, body_h, code_paragraphs,
        role="code", inset=(0, PANEL_INSET[1], PANEL_INSET[2], PANEL_INSET[3]), wrap=plan.wrap,
    ))
    return boxes


def _terminal_paragraphs(lines: list[tuple], size: float, theme, note: Optional[str], note_first: bool):
    """A paragraph a row; ``(text, is_error[, continues])`` rows that continue
    a wrapped line are marked so the pptx keeps one paragraph a line."""
    lh = line_height(size)
    paragraphs = [
        Paragraph((Run(row[0], "mono", size, False, theme.color("error" if row[1] else "terminal_text")),), size, lh,
                  font="mono", continues=len(row) > 2 and row[2])
        for row in lines
    ]
    if note is not None:
        marker = Paragraph((Run(note, "mono", size, False, theme.color("gutter")),), size, lh, font="mono")
        paragraphs.insert(0, marker) if note_first else paragraphs.append(marker)
    return tuple(paragraphs)


@dataclass(frozen=True)
class TerminalText:
    """What a terminal of a given size will hold: its paragraphs, how many
    output lines were left off (0: none) and how many lines had to wrap."""

    paragraphs: tuple[Paragraph, ...]
    size: float
    lost: int
    wrapped: int


def terminal_text(capture: Optional[Capture], w: int, h: int, theme, measurer: Measurer,
                  lines: Optional[list[tuple[str, bool]]] = None) -> TerminalText:
    """The output (or ``lines`` of it) as it will sit in a terminal ``w`` ×
    ``h`` EMU (header included): the largest size at which every line fits
    unwrapped; else the size at which it fits with the fewest wrapped lines;
    else ``output_min`` with the first lines that fit, and a note saying how
    many more follow on the next slide (``output_pages``)."""
    if lines is None:
        lines, _ = output_lines(capture)
    text_w, text_h = inner_size(w, h - TAB_H, PANEL_INSET)
    biggest, smallest = theme.size("output"), theme.size("output_min")
    wrapped_fit: Optional[TerminalText] = None
    size = biggest
    # Every line takes at least one row: more lines than rows at the smallest size means trimming.
    if len(lines) * line_height(smallest) > text_h:
        size = smallest
    while True:
        rows = _wrapped_rows(lines, text_w, size, measurer)
        wrapped = sum(1 for line in rows if len(line) > 1)
        if len(_flat(rows)) * line_height(size) <= text_h:
            paragraphs = _terminal_paragraphs(_flat(rows), size, theme, None, False)
            if not wrapped:
                return TerminalText(paragraphs, size, 0, 0)
            if wrapped_fit is None or wrapped < wrapped_fit.wrapped:  # fewest wrapped lines, then largest
                wrapped_fit = TerminalText(paragraphs, size, 0, wrapped)
        if size <= smallest:
            break
        size = max(smallest, size - 1)
    if wrapped_fit is not None:
        return wrapped_fit
    rows = _wrapped_rows(lines, text_w, smallest, measurer)
    paragraphs, lost = _trimmed(rows, smallest, theme, text_h)
    return TerminalText(paragraphs, smallest, lost, sum(1 for line in rows if len(line) > 1))


def _wrapped_rows(lines: list[tuple[str, bool]], text_w: float, size: float,
                  measurer: Measurer) -> list[list[tuple[str, bool]]]:
    """Each output line as the rows it takes in a terminal ``text_w`` pt wide
    at ``size``: cuecast wraps it (``wrap_terminal_line``: between values,
    columns kept), so no renderer breaks a number."""
    columns = int(text_w * 0.96 // _mono_advance(measurer, size))
    return [[(row, is_error, index > 0) for index, row in enumerate(wrap_terminal_line(text, columns))]
            for text, is_error in lines]


def _flat(rows: list[list[tuple[str, bool]]]) -> list[tuple[str, bool]]:
    return [row for line in rows for row in line]


def code_height(lines: int, size: float) -> int:
    """Height of a code panel showing ``lines`` rows at ``size``."""
    return TAB_H + PANEL_INSET[1] + PANEL_INSET[3] + pt_to_emu(lines * line_height(size)) + pt_to_emu(0.5)


def terminal_height(text: TerminalText) -> int:
    """Height of a terminal panel holding ``text`` (its header is as tall
    as a code panel's tab, its inset the same)."""
    return code_height(len(text.paragraphs), text.size)


#: A panel is at least this share of the code area's height: short code
#: does not sit in a thin strip, and code slides keep one steady look.
MIN_PANEL_SHARE = 0.45
#: Side by side is chosen over stacked (at equal sizes) only where the
#: output keeps at least this share of the width.
SIDE_OUTPUT_SHARE = 0.4


def _panel_height(content: int, h: int) -> int:
    """A panel's height: its content, at least ``MIN_PANEL_SHARE`` of the
    area's ``h``, never more than ``h``."""
    return min(h, max(content, int(h * MIN_PANEL_SHARE)))


def _code_panel_height(plan: "CodePlan", lines, text_w: float, h: int, measurer: Measurer) -> int:
    """A code panel's height for one page's ``lines`` (``_panel_height``)."""
    return _panel_height(code_height(_code_rows(plan, lines, text_w, measurer), plan.size), h)


def _height_under_code(text: TerminalText, code_h: int, room: int, h: int, gap: int) -> int:
    """A terminal's height under a code panel ``code_h`` tall: its rows, the
    two panels together at least ``MIN_PANEL_SHARE`` of ``h``, at most the
    ``room`` left; all of it when the output continues on later pages."""
    if text.lost:
        return room
    return min(room, max(terminal_height(text), int(h * MIN_PANEL_SHARE) - code_h - gap))


def _terminal_min_h(theme) -> int:
    """The least room a terminal is put in under code: its header and four
    rows at ``output_min``."""
    return TAB_H + PANEL_INSET[1] + PANEL_INSET[3] + pt_to_emu(4 * line_height(theme.size("output_min")))


@dataclass(frozen=True)
class _Candidate:
    """One way to lay out a code cue: its rank (lower is better; see
    ``_arrange_code``) and how to make its pages."""

    key: tuple
    make: Callable[[], list[list]]


def _rank(code_wrapped: int, output_wrapped: int, pages: int, code_size: float, output_size: float,
          shape: int, mid_block: int = 0) -> tuple:
    """Candidates sort by wrapped code lines, wrapped output lines, pages
    (output continued on pages of its own counted), then the smaller of the
    code's size and the output's (output reads a little smaller), the code's
    size, the shape (0: side by side, 1: stacked or over pages), and last
    whether code continued over pages breaks mid-block (1) or, where it
    costs no page, at a blank line (0)."""
    return (code_wrapped, output_wrapped, pages, -min(code_size, 1.2 * output_size), -code_size, shape, mid_block)


def _rows_fit(rows: int, size: float, h: int) -> bool:
    """Whether ``rows`` rows at ``size`` fit a code panel ``h`` EMU tall."""
    return rows * line_height(size) <= (h - TAB_H - PANEL_INSET[1] - PANEL_INSET[3]) / EMU_PER_PT


def _widest_code(numbered, size: float, measurer: Measurer) -> float:
    return max((measurer.width(Run(t, "mono", size)) for _, t in numbered), default=0.0)


def _code_sizes(theme) -> list[float]:
    sizes, size = [], theme.size("code")
    while True:
        sizes.append(size)
        if size <= theme.size("code_min"):
            return sizes
        size = max(theme.size("code_min"), size - 1)


def _side_by_side(numbered, capture, tab: str, area, gap: int, theme, measurer: Measurer) -> list[_Candidate]:
    """Code (unwrapped, one page) beside output that all fits, both panels
    as tall as the taller one's content: for each code size, the code panel
    half the width (or as wide as its longest line) and the output the rest."""
    x, y, w, h = area
    found = []
    for size in _code_sizes(theme):
        needed = (_gutter_width(measurer, numbered, size) + GUTTER_GAP + PANEL_INSET[0] + PANEL_INSET[2]
                  + pt_to_emu(_widest_code(numbered, size, measurer) / 0.96) + pt_to_emu(2))
        if not _rows_fit(len(numbered), size, h) or needed >= w - gap:
            continue
        plan = CodePlan(size, False, (tuple(numbered),))
        for code_w in dict.fromkeys((max(needed, int((w - gap) * 0.5)), needed)):
            term_w = w - gap - code_w
            if term_w <= inches(2.5):
                continue
            text = terminal_text(capture, term_w, h, theme, measurer)
            if text.lost:
                continue
            panel_h = _panel_height(max(code_height(len(numbered), size), terminal_height(text)), h)
            shape = 0 if term_w >= w * SIDE_OUTPUT_SHARE else 1

            def make(code_w=code_w, term_w=term_w, panel_h=panel_h, plan=plan, text=text) -> list[list]:
                return [code_panel("code", x, y, code_w, panel_h, tab, plan.pages[0], numbered, plan, theme, measurer)
                        + terminal_panel("output", x + code_w + gap, y, term_w, panel_h, capture, theme, measurer,
                                         text=text)]

            found.append(_Candidate(_rank(0, text.wrapped, 1, size, text.size, shape), make))
    return found


def _stacked(numbered, capture, tab: str, area, gap: int, theme, measurer: Measurer) -> list[_Candidate]:
    """Code (unwrapped) across the width with all its output under it on one
    slide, each panel as tall as its content (together at least the
    minimum): for each code size at which the lines fit the width."""
    x, y, w, h = area
    found = []
    for size in _code_sizes(theme):
        text_w, _ = _code_area(numbered, w, h, size, measurer)
        if _widest_code(numbered, size, measurer) > text_w * 0.96:
            continue
        code_h = code_height(len(numbered), size)
        room = h - code_h - gap
        if room <= TAB_H + PANEL_INSET[1] + PANEL_INSET[3]:
            continue
        text = terminal_text(capture, w, room, theme, measurer)
        if text.lost:
            continue
        term_h = _height_under_code(text, code_h, room, h, gap)
        plan = CodePlan(size, False, (tuple(numbered),))

        def make(code_h=code_h, term_h=term_h, plan=plan, text=text) -> list[list]:
            return [code_panel("code", x, y, w, code_h, tab, plan.pages[0], numbered, plan, theme, measurer)
                    + terminal_panel("output", x, y + code_h + gap, w, term_h, capture, theme, measurer, text=text)]

        found.append(_Candidate(_rank(0, text.wrapped, 1, size, text.size, 1), make))
    return found


def _code_rows(plan: CodePlan, lines, text_w: float, measurer: Measurer) -> int:
    """The rows ``lines`` take in a panel whose text is ``text_w`` pt wide."""
    return sum(_visual_lines(measurer, t, plan.size, text_w) if plan.wrap else 1 for _, t in lines)


def _full_width_pages(numbered, capture, tab: str, area, gap: int, theme, measurer: Measurer,
                      at_blank_lines: bool) -> _Candidate:
    """Code across the whole width, continued over pages if it is long, so
    its lines keep their length, its pages ending at blank lines or not
    (``plan_code``); the output goes under the last page's code where all of
    it fits there, else on a page of its own."""
    x, y, w, h = area
    plan = plan_code(numbered, w, h, theme, measurer, wrap_first=False, at_blank_lines=at_blank_lines)
    text_w, _ = _code_area(numbered, w, h, plan.size, measurer)
    last = plan.pages[-1]
    code_h = code_height(_code_rows(plan, last, text_w, measurer), plan.size)
    room = h - code_h - gap
    below = terminal_text(capture, w, room, theme, measurer) if room >= _terminal_min_h(theme) else None
    alone = None  # the output on a page of its own: laid out only when it does not all fit below
    if below is None or below.lost:
        alone = terminal_text(capture, w, h, theme, measurer)
        if below is not None and not alone.lost:
            below = None  # all of it fits a page of its own, but not under the code
    text = below or alone
    key = _rank(_wrapped_code_lines(plan, measurer, numbered, w, h), text.wrapped,
                len(plan.pages) + (0 if below else 1) + len(_continued(capture, text.lost, area, theme, measurer)),
                plan.size, text.size, 1, 0 if at_blank_lines or len(plan.pages) == 1 else 1)

    def make() -> list[list]:
        made = [code_panel("code", x, y, w, _code_panel_height(plan, lines, text_w, h, measurer), tab, lines, numbered,
                           plan, theme, measurer) for lines in plan.pages[:-1]]
        if below is not None:
            term_h = _height_under_code(below, code_h, room, h, gap)
            made.append(code_panel("code", x, y, w, code_h, tab, last, numbered, plan, theme, measurer)
                        + terminal_panel("output", x, y + code_h + gap, w, term_h, capture, theme, measurer, text=below))
        else:
            made.append(code_panel("code", x, y, w, _panel_height(code_h, h), tab, last, numbered, plan, theme,
                                   measurer))
            made.append(fitted_terminal_panel("output", x, y, w, h, capture, theme, measurer, text=alone))
        return made

    return _Candidate(key, make)


def _beside_over_pages(numbered, capture, tab: str, area, gap: int, theme, measurer: Measurer) -> _Candidate:
    """Code in 60% of the width, wrapped or continued over pages, the output
    beside its last page."""
    x, y, w, h = area
    code_w = int((w - gap) * 0.6)
    term_x, term_w = x + code_w + gap, w - code_w - gap
    plan = plan_code(numbered, code_w, h, theme, measurer)
    text = terminal_text(capture, term_w, h, theme, measurer)
    text_w, _ = _code_area(numbered, code_w, h, plan.size, measurer)
    key = _rank(_wrapped_code_lines(plan, measurer, numbered, code_w, h), text.wrapped,
                len(plan.pages) + len(_continued(capture, text.lost, area, theme, measurer)), plan.size, text.size, 0)

    def make() -> list[list]:
        pages = []
        for page, lines in enumerate(plan.pages, start=1):
            code_h = code_height(_code_rows(plan, lines, text_w, measurer), plan.size)
            if page < len(plan.pages):
                pages.append(code_panel("code", x, y, code_w, _panel_height(code_h, h), tab, lines, numbered, plan,
                                        theme, measurer))
                continue
            panel_h = h if text.lost else _panel_height(max(code_h, terminal_height(text)), h)
            pages.append(code_panel("code", x, y, code_w, panel_h, tab, lines, numbered, plan, theme, measurer)
                         + terminal_panel("output", term_x, y, term_w, panel_h, capture, theme, measurer, text=text))
        return pages

    return _Candidate(key, make)


def _wrapped_code_lines(plan: CodePlan, measurer: Measurer, numbered, w: int, h: int) -> int:
    """How many of the plan's code lines wrap (0 when it does not wrap)."""
    if not plan.wrap:
        return 0
    text_w, _ = _code_area(numbered, w, h, plan.size, measurer)
    return sum(1 for page in plan.pages for _, t in page if _visual_lines(measurer, t, plan.size, text_w) > 1)


#: Code cues laid out earlier in this process, by everything their layout
#: depends on: ``render preview`` and ``render watch`` lay out again only the
#: cues whose code or output changed (the search below is most of a deck's
#: layout time).
_ARRANGED: "OrderedDict[str, list[list]]" = OrderedDict()
_ARRANGED_MAX = 512
_ARRANGED_LOCK = threading.Lock()


def arrange_code(
    numbered: list[tuple[int, str]], capture: Optional[Capture], tab: str,
    area: tuple[int, int, int, int], gap: int, theme, measurer: Measurer, show_output: bool = True,
) -> list[list]:
    """The boxes of each page of a code cue inside ``area``: its code, then
    the output, which continues on pages of its own when it does not fit
    (never cut); ``show_output=False`` (``output: none``) shows code only.
    (The measurer follows from the theme, so it is not part of the memo's key.)"""
    key = repr((numbered, capture, tab, area, gap, theme, show_output))
    with _ARRANGED_LOCK:
        if key in _ARRANGED:
            _ARRANGED.move_to_end(key)
            return [list(page) for page in _ARRANGED[key]]
    pages = _arrange_pages(numbered, capture, tab, area, gap, theme, measurer, show_output)
    with _ARRANGED_LOCK:
        _ARRANGED[key] = [list(page) for page in pages]
        while len(_ARRANGED) > _ARRANGED_MAX:
            _ARRANGED.popitem(last=False)
    return pages


def _arrange_pages(
    numbered: list[tuple[int, str]], capture: Optional[Capture], tab: str,
    area: tuple[int, int, int, int], gap: int, theme, measurer: Measurer, show_output: bool,
) -> list[list]:
    x, y, w, h = area
    if not show_output:
        plan = plan_code(numbered, w, h, theme, measurer)
        text_w, _ = _code_area(numbered, w, h, plan.size, measurer)
        return [code_panel("code", x, y, w, _code_panel_height(plan, lines, text_w, h, measurer), tab, lines, numbered,
                           plan, theme, measurer) for lines in plan.pages]
    pages = _arrange_code(numbered, capture, tab, area, gap, theme, measurer)
    return pages + output_pages(pages[-1], capture, area, theme, measurer)


def output_pages(last: list, capture: Optional[Capture], area: tuple[int, int, int, int], theme,
                 measurer: Measurer) -> list[list]:
    """Pages that continue the output the ``last`` code page could not hold,
    each a terminal across ``area``, so long output is read, not cut."""
    x, y, w, h = area
    terminal = next((b for b in last if b.name == "output:terminal"), None)
    if terminal is None:
        return []
    lost = terminal_text(capture, terminal.w, terminal.h + TAB_H, theme, measurer).lost
    return [fitted_terminal_panel("output", x, y, w, h, capture, theme, measurer, lines=rest, continued=True)
            for rest in _continued(capture, lost, area, theme, measurer)]


def _continued(capture: Optional[Capture], lost: int, area: tuple[int, int, int, int], theme,
               measurer: Measurer) -> list[list[tuple[str, bool]]]:
    """The output lines each continuation page starts from, when the last
    ``lost`` lines did not fit under or beside the code."""
    _, _, w, h = area
    lines, _ = output_lines(capture)
    rest = lines[len(lines) - lost:] if lost else []
    starts = []
    while rest:
        starts.append(rest)
        rest = rest[max(1, len(rest) - terminal_text(capture, w, h, theme, measurer, lines=rest).lost):]
    return starts


def _arrange_code(
    numbered: list[tuple[int, str]], capture: Optional[Capture], tab: str,
    area: tuple[int, int, int, int], gap: int, theme, measurer: Measurer,
) -> list[list]:
    """Candidates: code beside its output; code over its output (stacked);
    code across the full width over pages (ending at blank lines, or where
    full), the output under its last page or on a page of its own; code in 60% of the width, wrapped or over
    pages, the output beside its last page.  Every size is tried from
    ``code``/``output`` down to ``code_min``/``output_min``.  The best by
    ``_rank`` wins: no code line wraps where a layout without wrapping
    exists, then the fewest wrapped output lines (which keep their indent),
    the fewest pages, the largest sizes.  Panels are as tall as their content."""
    candidates = [
        *_side_by_side(numbered, capture, tab, area, gap, theme, measurer),
        *_stacked(numbered, capture, tab, area, gap, theme, measurer),
        _full_width_pages(numbered, capture, tab, area, gap, theme, measurer, at_blank_lines=True),
        _full_width_pages(numbered, capture, tab, area, gap, theme, measurer, at_blank_lines=False),
        _beside_over_pages(numbered, capture, tab, area, gap, theme, measurer),
    ]
    return min(candidates, key=lambda candidate: candidate.key).make()


def fitted_terminal_panel(name: str, x: int, y: int, w: int, h: int, capture: Optional[Capture], theme,
                          measurer: Measurer, lines: Optional[list[tuple[str, bool]]] = None,
                          continued: bool = False, text: Optional[TerminalText] = None) -> list:
    """A terminal panel at the top of ``w`` × ``h``, as tall as what it holds
    (at least ``MIN_PANEL_SHARE`` of ``h``); all of ``h`` when output continues.
    ``text``: ``terminal_text`` of this panel, when already laid out."""
    text = text if text is not None else terminal_text(capture, w, h, theme, measurer, lines=lines)
    panel_h = h if text.lost else _panel_height(terminal_height(text), h)
    return terminal_panel(name, x, y, w, panel_h, capture, theme, measurer, lines=lines, continued=continued, text=text)


def terminal_panel(name: str, x: int, y: int, w: int, h: int, capture: Optional[Capture], theme, measurer: Measurer,
                   lines: Optional[list[tuple[str, bool]]] = None, continued: bool = False,
                   text: Optional[TerminalText] = None) -> list:
    """Header (``Output``, or ``Terminal`` for a command, and a badge: ``badge_text``), then the
    terminal box holding what the snippet printed (or ``lines`` of it, on a
    ``continued`` page), up to a note saying how much follows; ``text``:
    as ``terminal_text`` laid it out already for this size of panel."""
    small = theme.size("small")
    boxes: list = [Rect(f"{name}:bar", x, y, w, TAB_H, fill=theme.color("tab_background"))]
    # a terminal cue's capture is named by its command: its panel is the terminal itself
    label = "Terminal" if capture is not None and capture_runs(capture.snippet) == RUNS_COMMAND else "Output"
    _, failed = output_lines(capture)
    if capture is not None and capture.status == STATUS_EXPECTED_ERROR:
        label += " — expected error"
    elif failed and capture is not None:
        label += f" — {capture.status}"
    if continued:
        label += " (continued)"
    label_run = Run(label, "sans", small, failed, theme.color("error" if failed else "tab_text"))
    label_inset = pt_to_emu(14)
    label_w = min(w, label_inset + pt_to_emu(measurer.width(label_run) / 0.96) + pt_to_emu(4))
    boxes.append(TextBox(
        f"{name}:label", x, y, label_w, TAB_H, (Paragraph((label_run,), small, line_height(small)),),
        role="tab", inset=(label_inset, 0, 0, 0), anchor="middle", wrap=False,
    ))
    badge = _badge(capture, theme, measurer, w - label_w - pt_to_emu(16))
    if badge is not None:
        run, badge_w = badge
        boxes.append(TextBox(
            f"{name}:badge", x + w - badge_w - pt_to_emu(8), y + pt_to_emu(5), badge_w, TAB_H - pt_to_emu(10),
            (Paragraph((run,), run.size, line_height(run.size), align="center"),),
            role="badge", fill=theme.color("badge_background"), rounded=True,
            inset=(BADGE_INSET, 0, BADGE_INSET, 0), anchor="middle", wrap=False,
        ))
    text = text or terminal_text(capture, w, h, theme, measurer, lines=lines)
    boxes.append(TextBox(
        f"{name}:terminal", x, y + TAB_H, w, h - TAB_H, text.paragraphs, role="terminal",
        fill=theme.color("terminal_background"), inset=PANEL_INSET, wrap=True,
    ))
    return boxes


def badge_text(capture: Optional[Capture], theme) -> str:
    """The badge of a code slide's output: the device it ran on, and its
    run time only where the theme asks (``run_time: true``) and it ran."""
    if capture is None:
        return ""
    text = capture.device_name or capture.device or ""
    if text and theme.run_time and capture.status != STATUS_NOT_RUN:
        text += f" · {format_duration(capture.duration)}"
    return text


def _badge(capture: Optional[Capture], theme, measurer: Measurer, room: int) -> Optional[tuple[Run, int]]:
    """The badge's run and width in the ``room`` EMU the label leaves: its
    text shrinks to ``BADGE_MIN``, then the end gives way to "…"; no badge
    where not even a few letters fit, so it never covers the label."""
    text = badge_text(capture, theme)
    if not text:
        return None

    def width(run: Run) -> int:
        return pt_to_emu(measurer.width(run) / 0.96) + 2 * BADGE_INSET

    size = theme.size("small")
    run = Run(text, "sans", size, False, theme.color("badge_text"))
    while size > BADGE_MIN and width(run) > room:
        size -= 1
        run = Run(text, "sans", size, False, theme.color("badge_text"))
    while width(run) > room and len(run.text) > 4:
        run = Run(run.text[:-2].rstrip() + "…", "sans", size, False, theme.color("badge_text"))
    return (run, width(run)) if width(run) <= room else None


def _trimmed(rows: list[list[tuple[str, bool]]], size: float, theme, text_h: float):
    """The first whole output lines (with their wrapped rows) that fit with
    the "… N more lines" note, and N."""
    budget = text_h - line_height(size)  # the note takes one row
    kept, used = 0, 0
    for line in rows:
        if (used + len(line)) * line_height(size) > budget + 0.01:
            break
        used += len(line)
        kept += 1
    if kept == 0 and rows:  # one line longer than the whole terminal: as many of its rows as fit
        room = max(1, int(budget // line_height(size)))
        return _terminal_paragraphs(rows[0][:room], size, theme, more_lines_note(len(rows) - 1), False), len(rows) - 1
    lost = len(rows) - kept
    return _terminal_paragraphs(_flat(rows[:kept]), size, theme, more_lines_note(lost), False), lost


def tab_name(snippet: str) -> str:
    return PurePosixPath(snippet).name
