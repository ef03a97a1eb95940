"""Held stretches: which frames repeat (``hold``), how a segment is split into
pieces, and the encoded clip read back frame by frame against the frames
drawn: the same count and duration, and the typed code as sharp as drawn."""

from __future__ import annotations

import functools

import imageio_ffmpeg
import numpy as np
import pytest

from cuecast.video.canvas import Caption, CaptionedScene, StillScene
from cuecast.video.compose import encode_scene
from cuecast.video.editor import EditorContent, EditorScene, TerminalLine
from cuecast.video.encode import EncodeSettings, ProcessRegistry, probe
from cuecast.video.hold import Pieces, hold_of, plan_pieces, window
from PIL import Image

FPS = 30
SIZE = (640, 360)
CODE = ("import torch", "", "def double(t):", "    return t * 2  # twice", 'print(double(torch.ones(2)), "done")')


def content(lines=CODE, output=("tensor([2., 2.]) done",), shell="") -> EditorContent:
    return EditorContent(file_name="double.py", snippet="snippets/double.py", numbers=tuple(range(1, len(lines) + 1)),
                         lines=tuple(lines), output=tuple(TerminalLine(o) for o in output), title="double.py",
                         project="demo", files=("double.py",), shell=shell)


def editor(n_frames=200, size=SIZE, highlights=(), **kw) -> EditorScene:
    return EditorScene(content(**kw), size, FPS, n_frames, type_seconds=1.2, output_at=1.8, highlights=highlights)


def drawn_frames(scene) -> list[np.ndarray]:
    """Every frame of ``scene`` as drawn: each keyframe's picture, held."""
    pictures = {index: np.asarray(picture).copy() for index, picture in scene.render()}
    frames, current = [], None
    for index in range(scene.n_frames):
        current = pictures.get(index, current)
        frames.append(current)
    return frames


def decoded_frames(video) -> list[np.ndarray]:
    reader = imageio_ffmpeg.read_frames(str(video))
    meta = next(reader)
    width, height = meta["size"]
    return [np.frombuffer(raw, np.uint8).reshape(height, width, 3) for raw in reader]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


@pytest.fixture
def one_second_units(monkeypatch):
    import cuecast.video.hold as hold

    monkeypatch.setattr(hold, "UNIT_SECONDS", 1.0)


def test_pieces_cover_the_segment_with_one_unit_of_whole_periods(one_second_units):
    assert plan_pieces(200, 90, 30, FPS) == Pieces(200, 90, 30, 3, 20)
    assert plan_pieces(367, 0, 1, FPS) == Pieces(367, 0, 30, 12, 7)
    assert plan_pieces(100, 0, 7, FPS) == Pieces(100, 0, 35, 2, 30)  # a unit is whole periods: 5 × 7
    for n, first, period in [(200, 90, 30), (367, 0, 1), (100, 0, 7), (61, 0, 1)]:
        p = plan_pieces(n, first, period, FPS)
        assert p.head + p.unit * p.repeats + p.rest == n and p.unit % period == 0
        assert p.encoded_frames < n


@pytest.mark.parametrize("n, first", [(30, 0), (25, 0), (100, 75), (10, 10)])
def test_a_short_hold_is_encoded_as_it_comes(n, first, one_second_units):
    """No unit when the held stretch does not outlast one by a period."""
    assert plan_pieces(n, first, 1, FPS) == Pieces(n, n, 0, 0, 0)


@pytest.mark.parametrize("kw", [{}, {"output": ()}, {"lines": (), "shell": "ls -l"}, {"output": ("x",) * 40},
                                {"highlights": ((150, 190, 2), (210, 260, 3))}])
def test_an_editor_repeats_its_blink_cycle_from_its_hold_on(kw):
    scene = editor(n_frames=300, **kw)
    first, period = hold_of(scene)
    assert 0 < first < 300 and period == 2 * scene.blink
    assert any(scene.state(f) != scene.state(first) for f in range(first, first + period))  # it does blink
    for frame in range(first + period, 300):
        assert scene.state(frame) == scene.state(frame - period), frame
    assert scene.state(first - 1) != scene.state(first - 1 + period)  # and not earlier


def test_a_still_holds_at_once_and_captions_hold_from_their_last_change():
    still = StillScene(Image.new("RGB", SIZE), 90)
    assert hold_of(still) == (0, 1)
    captioned = CaptionedScene(still, [Caption(10, 40, "hello")], SIZE)
    assert hold_of(captioned) == (40, 1)
    assert hold_of(CaptionedScene(editor(), [Caption(0, 500, "long")], SIZE)) == hold_of(editor())


def test_a_window_is_the_frames_of_its_span_counted_from_its_start():
    scene = editor()
    frames = drawn_frames(editor())
    first = hold_of(scene)[0]
    keys, pictures = window(scene, first, first + 30)
    assert keys[0] == 0 and all(0 < k < 30 for k in keys[1:])
    got = list(pictures)
    assert [index for index, _ in got] == keys
    for index, data in got:
        assert np.array_equal(np.frombuffer(data, np.uint8).reshape(frames[0].shape), frames[first + index])


@pytest.mark.parametrize("size, n_frames, highlights", [
    (SIZE, 200, ()),
    (SIZE, 275, ((120, 170, 2),)),  # a spoken line lit late: the held end starts after it
    pytest.param((1920, 1080), 200, (), marks=pytest.mark.slow),
])
def test_the_encoded_clip_shows_every_drawn_frame_of_typed_code(tmp_path, size, n_frames, highlights):
    """Frame by frame, the decoded clip against the frames drawn: the code
    pane as sharp as drawn (PSNR, and no pixel of a glyph far off), the
    held end's blink in step, and the clip exactly as long as the segment."""
    scene = editor(n_frames, size, highlights)
    pieces = plan_pieces(n_frames, *hold_of(scene), FPS)
    assert pieces.unit and pieces.repeats >= 2 and pieces.rest  # the held end is a repeated, cut unit
    settings = EncodeSettings(size[0], size[1], FPS)
    out = encode_scene(functools.partial(editor, n_frames, size, highlights), [], size, n_frames, settings,
                       tmp_path / "clip.mp4", tmp_path / "pieces", ProcessRegistry())
    assert not (tmp_path / "pieces").exists()
    info = probe(out)
    assert (info["video"]["width"], info["video"]["height"], info["video"]["fps"]) == (*size, FPS)
    assert info["duration"] == pytest.approx(n_frames / FPS, abs=0.5 / FPS)
    decoded = decoded_frames(out)
    drawn = drawn_frames(editor(n_frames, size, highlights))
    assert len(decoded) == n_frames
    code = (slice(scene.code_top, scene.panel_top), slice(scene.gutter_x, size[0]))
    worst = min(psnr(d[code], e[code]) for d, e in zip(decoded, drawn))
    assert worst > 38, worst
    for index, (d, e) in enumerate(zip(decoded, drawn)):
        wrong = np.abs(d.astype(np.int16) - e.astype(np.int16)).max(axis=-1) > 96  # a glyph lost or misplaced
        assert wrong.sum() <= 0.0005 * wrong.size, index
        # where the blink phases differ (the cursor), each frame shows its own phase
        other = drawn[index - scene.blink] if index >= pieces.head + scene.blink else None
        if other is not None:
            blink = np.abs(other.astype(np.int16) - e).max(axis=-1) > 0
            if blink.any():
                own = np.abs(d[blink].astype(np.int16) - e[blink]).mean()
                assert own * 4 < np.abs(d[blink].astype(np.int16) - other[blink]).mean(), index


def test_an_editor_change_its_hold_was_not_told_of_only_shortens_the_hold():
    import dataclasses

    class LateChange(EditorScene):
        def state(self, frame):
            state = super().state(frame)
            return dataclasses.replace(state, output_lines=state.output_lines + (frame >= 250))

    scene = LateChange(content(), SIZE, FPS, 300, type_seconds=1.2, output_at=1.8)
    first, period = hold_of(scene)
    assert period == 1 and first >= 250
    assert all(scene.state(frame) == scene.state(first) for frame in range(first, 300))
