"""The ffmpeg pipeline: keyframe schedules, exact frame counts, concat + mux,
read back with the ffmpeg that imageio-ffmpeg ships."""

from __future__ import annotations

import wave

import imageio_ffmpeg
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from cuecast.video.encode import (
    EncodeSettings,
    concat_and_mux,
    encode_frames,
    frame_count,
    probe,
    pts_expression,
)

W, H = 64, 36


def evaluate(expression: str, n: int) -> int:
    """Evaluate an ffmpeg ``setpts`` expression of ours in Python."""
    python = expression.replace("if(", "iff(")
    return eval(python, {"iff": lambda c, a, b: a if c else b, "lt": lambda a, b: a < b, "N": n})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=0, max_size=60))
def test_pts_expression_maps_each_piped_frame_to_its_keyframe(gaps):
    keyframes = [0]
    for gap in gaps:
        keyframes.append(keyframes[-1] + gap)
    expression = pts_expression(keyframes)
    assert [evaluate(expression, n) for n in range(len(keyframes))] == keyframes


def test_pts_expression_compresses_even_runs():
    typing = list(range(0, 300)) + [315, 330, 345, 360]
    expression = pts_expression(typing)
    assert len(expression) < 120  # two runs, not 304 leaves
    assert evaluate(expression, 299) == 299 and evaluate(expression, 303) == 360


@pytest.mark.parametrize("fps", [24, 25, 30, 60])
def test_frame_count_never_drifts_across_segments(fps):
    bounds = [0.0]
    for i in range(200):
        bounds.append(bounds[-1] + 0.37 + (i % 7) * 0.1234567)
    frames = sum(frame_count(b, fps) - frame_count(a, fps) for a, b in zip(bounds, bounds[1:]))
    assert frames == frame_count(bounds[-1], fps)
    assert abs(frames / fps - bounds[-1]) <= 0.5 / fps


def solid(rgb) -> bytes:
    return bytes(rgb) * (W * H)


def decoded_frames(path):
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    frames = [np.frombuffer(f, np.uint8).reshape(meta["size"][1], meta["size"][0], 3) for f in reader]
    return meta, frames


def test_clip_holds_each_picture_until_the_next_keyframe(tmp_path):
    red, blue, green = solid((220, 20, 20)), solid((20, 20, 220)), solid((20, 200, 20))
    keyframes = [0, 5, 6, 20]
    frames = zip(keyframes, [red, blue, red, green])
    out = encode_frames(frames, keyframes, 30, tmp_path / "clip.mp4", EncodeSettings(W, H, 30))
    assert imageio_ffmpeg.count_frames_and_secs(str(out)) == (30, 1.0)
    _, decoded = decoded_frames(out)
    dominant = ["rgb"[int(np.argmax(f.reshape(-1, 3).mean(axis=0)))] for f in decoded]
    assert "".join(dominant) == "r" * 5 + "b" + "r" * 14 + "g" * 10
    info = probe(out)
    assert info["video"]["codec"] == "h264" and info["video"]["pix_fmt"] == "yuv420p"
    assert (info["video"]["width"], info["video"]["height"]) == (W, H)


def test_one_still_frame_makes_a_whole_clip(tmp_path):
    out = encode_frames([(0, solid((90, 90, 90)))], [0], 47, tmp_path / "still.mp4", EncodeSettings(W, H, 25))
    assert imageio_ffmpeg.count_frames_and_secs(str(out))[0] == 47


def test_a_scene_that_breaks_its_promise_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="announced"):
        encode_frames([(0, solid((1, 2, 3)))], [0, 4], 10, tmp_path / "x.mp4", EncodeSettings(W, H, 30))
    with pytest.raises(ValueError, match="bytes"):
        encode_frames([(0, b"short")], [0], 10, tmp_path / "y.mp4", EncodeSettings(W, H, 30))


def test_concat_and_mux_joins_clips_and_adds_aac(tmp_path):
    s = EncodeSettings(W, H, 30)
    a = encode_frames([(0, solid((200, 0, 0)))], [0], 15, tmp_path / "a.mp4", s)
    b = encode_frames([(0, solid((0, 0, 200))), (10, solid((0, 200, 0)))], [0, 10], 20, tmp_path / "b.mp4", s)
    wav = tmp_path / "a.wav"
    with wave.open(str(wav), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(48000)
        handle.writeframes(np.zeros(int(48000 * 35 / 30), "<i2").tobytes())
    out = concat_and_mux([a, b, a], wav, tmp_path / "joined.mp4", tmp_path)
    info = probe(out)
    assert info["video"]["codec"] == "h264" and info["audio"]["codec"] == "aac"
    frames, secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 50
    assert abs(info["duration"] - 50 / 30) < 1 / 30
    _, decoded = decoded_frames(out)
    dominant = "".join("rgb"[int(np.argmax(f.reshape(-1, 3).mean(axis=0)))] for f in decoded)
    assert dominant == "r" * 15 + "b" * 10 + "g" * 10 + "r" * 15
