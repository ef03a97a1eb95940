"""Offline forced alignment, measured against word times we know: the
"recording" is the text said by a voice that times its own words (Piper at
another pace and with longer pauses, or espeak-ng, another voice entirely),
aligned against Piper saying it at its own pace."""

from __future__ import annotations

import numpy as np
import pytest

from cuecast.narrate.align import MAX_STEP, align, features, warp
from cuecast.narrate.take_words import read_samples

pytest.importorskip("piper", reason="the cuecast[voice] extra is not installed")

from cuecast.narrate import get_voice, narrate_lesson  # noqa: E402
from tests.narrate.test_narrate import lesson_of  # noqa: E402

TEXTS = (
    "A tensor holds numbers, and autograd records every operation on it. "
    "Call backward on the loss, then read the gradient from each parameter.",
    "Move the model to the GPU with one line, two if you count the data.",
)


@pytest.fixture(scope="module")
def said(tmp_path_factory):
    """Each text said by the reference (Piper), by Piper slower with long
    pauses, by Piper faster, and by espeak: ``{name: {beat id: clip}}``."""
    cache = tmp_path_factory.mktemp("voices")
    lesson = lesson_of(*TEXTS)
    return {
        "reference": narrate_lesson(lesson, get_voice("piper"), cache),
        "slower": narrate_lesson(lesson, get_voice("piper", length_scale=1.3, sentence_pause=0.7), cache),
        "faster": narrate_lesson(lesson, get_voice("piper", length_scale=0.8), cache),
        "espeak": narrate_lesson(lesson, get_voice("espeak"), cache),
    }


def errors(said, name: str, lead: float = 0.0, tail: float = 0.0, rate: int = 0) -> np.ndarray:
    """The worst of start and end error (seconds) of each word of every text
    said by ``name``, after ``lead`` s of quiet before it and ``tail`` after
    (a noisy room, not digital silence), resampled to ``rate`` if given."""
    worst = []
    for beat_id, reference in said["reference"].items():
        truth = said[name][beat_id]
        take, take_rate = read_samples(truth.path)
        if rate:
            times = np.arange(int(len(take) / take_rate * rate)) / rate
            take, take_rate = np.interp(times, np.arange(len(take)) / take_rate, take), rate
        room = np.random.default_rng(7).normal(0, 0.002, int((lead + tail) * take_rate))
        take = np.concatenate([room[:int(lead * take_rate)], take, room[int(lead * take_rate):]])
        words = align(take, take_rate, *read_samples(reference.path), reference.words)
        assert [w.text for w in words] == [w.text for w in truth.words] == TEXTS[int(beat_id[2:]) - 1].split()
        starts = [w.start for w in words]
        assert starts == sorted(starts) and all(0 <= w.start <= w.end <= len(take) / take_rate for w in words)
        worst.extend(max(abs(w.start - lead - t.start), abs(w.end - lead - t.end)) for w, t in zip(words, truth.words))
    return np.array(worst)


@pytest.mark.parametrize("name", ["slower", "faster"])
def test_a_take_at_another_pace_is_timed_within_a_few_frames(said, name):
    worst = errors(said, name)
    print(f"{name}: median {np.median(worst):.3f} s, max {worst.max():.3f} s")
    assert np.mean(worst <= 0.15) >= 0.95 and np.median(worst) < 0.05


def test_a_take_with_quiet_before_and_after_is_timed_from_where_speech_starts(said):
    worst = errors(said, "slower", lead=1.5, tail=1.0, rate=48000)
    print(f"padded: median {np.median(worst):.3f} s, max {worst.max():.3f} s")
    assert np.mean(worst <= 0.15) >= 0.95 and np.median(worst) < 0.05


def test_another_voice_is_timed_within_a_syllable_for_most_words(said):
    worst = errors(said, "espeak", lead=0.8)
    print(f"espeak: median {np.median(worst):.3f} s, within 0.15 s {np.mean(worst <= 0.15):.0%}")
    assert np.mean(worst <= 0.15) >= 0.6 and np.median(worst) <= 0.15


def test_the_warp_is_monotone_from_first_frame_to_last_and_a_pause_holds_one_frame():
    rng = np.random.default_rng(1)
    reference = rng.normal(size=(50, 12))
    # the take says the reference slower (each frame twice), with a pause (frame 20 held) in the middle
    take = np.concatenate([np.repeat(reference[:20], 2, axis=0), np.repeat(reference[20:21], 15, axis=0),
                           np.repeat(reference[21:], 2, axis=0)])
    path = warp(take, reference)
    assert path[0] == 0 and path[-1] == 49 and np.all(np.diff(path) >= 0) and np.all(np.diff(path) <= MAX_STEP)
    assert np.array_equal(path[:40], np.repeat(np.arange(20), 2))
    assert np.all(path[40:55] == 20)


def test_a_take_far_faster_than_the_reference_is_refused():
    with pytest.raises(ValueError, match="times faster"):
        warp(np.zeros((10, 12)), np.zeros((100, 12)))


def test_features_do_not_depend_on_the_loudness_or_the_sample_rate():
    rate = 22050
    t = np.arange(rate) / rate
    sound = np.sin(2 * np.pi * 220 * t * (1 + t)) * (1.2 + np.sin(2 * np.pi * 3 * t))
    quiet = features(0.1 * sound, rate)
    assert np.allclose(features(sound, rate), quiet, atol=0.01)  # the 1e-8 floor of the log aside
    high = np.interp(np.arange(48000) / 48000, t, sound)
    loud = features(high, 48000)
    assert abs(len(loud) - len(quiet)) <= 1  # a frame every 10 ms at either rate
    frames = min(len(loud), len(quiet))
    assert np.corrcoef(loud[:frames].ravel(), quiet[:frames].ravel())[0, 1] > 0.9
