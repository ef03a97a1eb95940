"""The simulated VS Code screen: what each keyframe shows, checked on the
pixels drawn (colours of tokens, the terminal region); the browser's is in
``test_browser.py``."""

from __future__ import annotations

import numpy as np
import pytest

from cuecast.model import Capture, Cue, Location, SnippetException
from cuecast.video.browser import BrowserContent, BrowserScene
from cuecast.video.editor import (
    DARK,
    EditorContent,
    EditorScene,
    TerminalLine,
    terminal_lines,
    token_colours,
)
from cuecast.video.canvas import hex_rgb
from tests.support.frames import frames_by_index, has_colour, picture_at

SIZE = (640, 360)
FPS = 30
CODE = (
    "import torch",
    "",
    "def double(t):",
    "    return t * 2  # twice",
    'print(double(torch.tensor([1.5])), "done")',
)


def content(lines=CODE, output=("tensor([3.])", "done")) -> EditorContent:
    return EditorContent(
        file_name="double.py",
        snippet="snippets/double.py",
        numbers=tuple(range(3, 3 + len(lines))),
        lines=tuple(lines),
        output=tuple(TerminalLine(o) if isinstance(o, str) else o for o in output),
        title="double.py — Demo — Visual Studio Code",
        project="demo",
        files=("double.py", "other.py"),
    )


def test_token_colours_follow_dark_plus():
    colours = token_colours(CODE)
    assert colours[0][0] == "#c586c0"  # import
    assert colours[0][7] == "#4ec9b0"  # torch (a namespace)
    assert colours[2][0] == "#569cd6"  # def
    assert colours[2][4] == "#dcdcaa"  # double (a function name)
    assert colours[3][4] == "#c586c0"  # return
    assert colours[3][CODE[3].index("#")] == "#6a9955"  # the comment
    line = CODE[4]
    assert colours[4][line.index('"done"')] == "#ce9178"
    assert colours[4][line.index("1.5")] == "#b5cea8"
    assert [len(c) for c in colours] == [len(line) for line in CODE]


def scene(**kw) -> EditorScene:
    args = dict(content=content(), size=SIZE, fps=FPS, n_frames=180, type_seconds=2.0, output_at=3.0)
    args.update(kw)
    return EditorScene(**args)


def test_keyframes_are_the_frames_where_the_state_changes():
    s = scene()
    keys = s.keyframes()
    assert keys[0] == 0 and keys == sorted(set(keys)) and keys[-1] < s.n_frames
    for a, b in zip(keys, keys[1:]):
        assert s.state(a) != s.state(b)
        assert all(s.state(f) == s.state(a) for f in range(a, b))
    # typing changes the picture on most frames, the held end only on blinks
    assert len([k for k in keys if k < s.type_end]) > 30
    assert len([k for k in keys if k > s.prompt_frame]) <= (s.n_frames - s.prompt_frame) // s.blink + 1


def test_code_is_typed_in_then_the_output_appears():
    s = scene()
    frames = frames_by_index(s)
    code_region = (slice(s.code_top, s.panel_top - 2), slice(s.code_x, SIZE[0]))
    term_region = (slice(s.term_top + s.term_line_h, s.term_bottom), slice(s.term_x, SIZE[0]))

    start = picture_at(frames, 0)
    assert not has_colour(start[code_region], "#569cd6")
    assert not has_colour(start[term_region], DARK["terminal_text"], tolerance=40)

    typed = picture_at(frames, s.type_end)
    for colour in ("#c586c0", "#569cd6", "#dcdcaa", "#ce9178", "#6a9955"):
        assert has_colour(typed[code_region], colour), colour
    assert s.state(s.type_end).typed == len(s.units)

    end = picture_at(frames, s.n_frames - 1)
    assert has_colour(end[term_region], DARK["terminal_text"], tolerance=40)
    assert s.state(s.n_frames - 1).output_lines == 2 and s.state(s.n_frames - 1).prompt


def test_the_cursor_blinks_while_idle_and_is_erased_cleanly():
    s = scene(output_at=5.5)  # typing ends a pause before the output, so it starts late
    frames = frames_by_index(s)
    assert s.type_start > 2 * s.blink
    on = [k for k in frames if k < s.type_start and s.state(k).editor_cursor]
    off = [k for k in frames if k < s.type_start and not s.state(k).editor_cursor]
    assert on and off
    # between blinks only the cursor changes: off-frames are identical
    assert all(np.array_equal(frames[off[0]], frames[k]) for k in off[1:])
    diff = np.abs(frames[on[0]].astype(int) - frames[off[0]].astype(int)).sum(axis=-1)
    ys, xs = np.nonzero(diff)
    assert ys.size and xs.max() - xs.min() <= 3  # a thin bar, nothing else


def test_an_error_capture_shows_its_traceback_in_red():
    capture = Capture(
        "snippets/bad.py", "expected-error", "before\n",
        exception=SnippetException("RuntimeError", "boom",
                                   'Traceback (most recent call last):\n  File "snippets/bad.py", line 2\nRuntimeError: boom\n', 2),
    )
    lines = terminal_lines(capture)
    assert lines[0] == TerminalLine("before") and lines[-1] == TerminalLine("RuntimeError: boom", error=True)
    s = scene(content=content(output=lines))
    end = picture_at(frames_by_index(s), s.n_frames - 1)
    assert has_colour(end[s.term_top:s.term_bottom], DARK["terminal_error"], tolerance=30, at_least=20)


def test_timeouts_say_why_and_missing_captures_are_visible():
    capture = Capture("snippets/slow.py", "timeout", "", reason="killed after 3 s")
    assert terminal_lines(capture)[-1] == TerminalLine("killed after 3 s", error=True)
    assert terminal_lines(None)[0].error


def test_long_code_and_long_output_scroll_and_keep_the_end_visible():
    code = tuple(f"x{i} = {i}  # line {i}" for i in range(60))
    output = tuple(f"value {i}" for i in range(80)) + ("last line " + "z" * 200,)
    s = scene(content=content(lines=code, output=output), n_frames=300, type_seconds=4.0, output_at=5.0)
    frames = frames_by_index(s)
    end = picture_at(frames, s.n_frames - 1)
    assert s.code_scroll > 0 and s.term_scroll > 0
    bottom_row = end[s.term_top + (s.term_rows - 2) * s.term_line_h: s.term_top + (s.term_rows - 1) * s.term_line_h,
                     s.term_x:]
    assert has_colour(bottom_row, DARK["terminal_text"], tolerance=40)
    # the last typed line is on screen
    last_row_y = s.code_top + (len(code) - 1 - s.code_scroll) * s.line_h
    assert has_colour(end[last_row_y:last_row_y + s.line_h, s.code_x:], "#6a9955")


@pytest.mark.parametrize("n_frames", [1, 2, 7])
@pytest.mark.parametrize("lines,output", [((), ()), (CODE, ()), ((), ("only output",))])
def test_tiny_and_empty_segments_still_draw(n_frames, lines, output):
    s = scene(content=content(lines=lines, output=output), n_frames=n_frames, type_seconds=3.0, output_at=4.0)
    frames = frames_by_index(s)
    assert sorted(frames) == s.keyframes() and 0 in frames and max(frames) < n_frames
    b = BrowserScene(BrowserContent("", "", ""), SIZE, FPS, n_frames)
    assert 0 in frames_by_index(b)


def test_the_window_title_shows_a_code_title_without_backticks(tmp_path):
    from cuecast.model import Beat, Lesson, Section
    from cuecast.video.editor import editor_content

    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "grad.py").write_text("print(1)\n")
    loc = Location("grad.yaml", 3)
    cue = Cue("vscode", "g-1", loc, snippet="snippets/grad.py")
    lesson = Lesson("grad", "Differentiation with `torch.autograd`", "grad.yaml", str(tmp_path), Location("grad.yaml", 1),
                    (Section("g", "Grad", loc, beats=(Beat("g-1", loc, "Run it.", cue=cue),)),))
    title = editor_content(lesson, cue, Capture("snippets/grad.py", "ok", "1\n")).title
    assert title == "grad.py — Differentiation with torch.autograd — Visual Studio Code"


FULL_HD = (1920, 1080)
#: A 23-line file, as snippets/parameters.py in the default lesson: one row
#: taller than the editor's default share of a 1080p window.
TALL = ("import torch",) + tuple(f"w{i} = torch.zeros({i}, {i})  # weights of layer {i}".ljust(70) for i in range(1, 23))


def test_a_file_that_fits_the_window_shows_from_line_one():
    s = scene(content=content(lines=TALL, output=("torch.Size([4, 4])",)), size=FULL_HD, n_frames=150)
    end = picture_at(frames_by_index(s), s.n_frames - 1)
    assert s.code_scroll == 0
    first_row = end[s.code_top:s.code_top + s.line_h]
    assert has_colour(first_row[:, s.gutter_x:s.code_x], DARK["gutter_text"], tolerance=10, at_least=10)  # "3"
    assert has_colour(first_row[:, s.code_x:], "#c586c0", at_least=10)  # import
    last_y = s.code_top + (len(TALL) - 1) * s.line_h
    assert last_y + s.line_h <= s.panel_top and has_colour(end[last_y:last_y + s.line_h, s.code_x:], "#6a9955")
    # the terminal gave up rows it did not need, and still shows the run and the prompt
    assert s.term_rows >= 3
    prompt_y = s.term_top + 2 * s.term_line_h
    assert has_colour(end[prompt_y:prompt_y + s.term_line_h, s.term_x:s.term_x + 3 * round(s.term_char_w)],
                      DARK["prompt"], tolerance=30)


def test_the_terminal_keeps_its_share_when_both_panes_need_more():
    output = tuple(f"value {i}" for i in range(80))
    tall = TALL * 3
    long_both = scene(content=content(lines=tall, output=output), size=FULL_HD, n_frames=2)
    short = scene(content=content(), size=FULL_HD, n_frames=2)
    assert long_both.panel_top == short.panel_top  # the default 62 / 38 split
    long_code = scene(content=content(lines=tall, output=("done",)), size=FULL_HD, n_frames=2)
    assert long_code.panel_top > short.panel_top and long_code.term_rows == 3


def test_the_activity_bar_icons_are_drawn_not_empty_squares():
    s = scene(size=FULL_HD, n_frames=1)
    picture = picture_at(frames_by_index(s), 0)
    background = np.array(hex_rgb(DARK["activity"]), dtype=np.int16)
    masks = {}
    for name, (x0, y0, x1, y1) in s.icon_boxes():
        square = picture[y0:y1 + 1, x0:x1 + 1].astype(np.int16)
        ink = np.abs(square - background).max(axis=-1) > 40
        masks[name] = ink
        assert ink.sum() >= 30, name
        # an empty square is ink on its border only; every icon has ink inside
        assert ink[3:-3, 3:-3].sum() >= 10, name
        # and no icon is a filled block either
        assert ink.mean() < 0.5, name
    assert list(masks) == ["files", "search", "source control", "run"]
    names = list(masks)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert (masks[a] != masks[b]).mean() > 0.1, (a, b)  # four different shapes
