"""Word times for recorded takes, as a build gets them: a take in
``recorded:DIR`` or among a synthetic voice's takes carries its words,
aligned once and then read from the cache until the take changes; without
Piper, takes are untimed and the voice says so.  End to end, a take's words
reach cues.json and captions.vtt."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from cuecast.narrate import get_voice, narrate_lesson
from cuecast.narrate.take_words import UNTIMED, take_words

pytest.importorskip("piper", reason="the cuecast[voice] extra is not installed")

from cuecast.narrate.takes import WithTakes  # noqa: E402
from tests.narrate.test_narrate import lesson_of  # noqa: E402

TEXTS = ("Autograd records every operation on a tensor, then backward reads the tape in reverse.",
         "The optimiser steps each parameter against its gradient.")


@pytest.fixture(scope="module")
def takes(tmp_path_factory):
    """Each text recorded as ``s-N.wav`` (Piper, slower and with long pauses,
    standing in for the author) and the true word times of each take."""
    folder = tmp_path_factory.mktemp("takes")
    slow = narrate_lesson(lesson_of(*TEXTS), get_voice("piper", length_scale=1.3, sentence_pause=0.8),
                          tmp_path_factory.mktemp("author"))
    for beat_id, clip in slow.items():
        shutil.copyfile(clip.path, folder / f"{beat_id}.wav")
    return folder, {beat_id: clip.words for beat_id, clip in slow.items()}


def assert_timed_like(words, truth):
    assert [w.text for w in words] == [w.text for w in truth]
    worst = np.array([max(abs(w.start - t.start), abs(w.end - t.end)) for w, t in zip(words, truth)])
    assert np.mean(worst <= 0.15) >= 0.9, worst


def test_recorded_takes_carry_their_aligned_words_and_a_second_narration_aligns_nothing(takes, tmp_path):
    folder, truth = takes
    voice = get_voice(f"recorded:{folder}")
    assert voice.reference is not None and UNTIMED not in voice.describe()
    clips = narrate_lesson(lesson_of(*TEXTS), voice, tmp_path)
    for beat_id, clip in clips.items():
        assert_timed_like(clip.words, truth[beat_id])
        assert clip.words[-1].end <= clip.duration
    aligned = sorted(tmp_path.glob("*.aligned.json"))
    assert len(aligned) == 2
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert narrate_lesson(lesson_of(*TEXTS), get_voice(f"recorded:{folder}"), tmp_path) == clips
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == stamps  # nothing said, aligned or written


def test_a_new_take_is_aligned_again(takes, tmp_path):
    folder, truth = takes
    mine = tmp_path / "takes"
    shutil.copytree(folder, mine)
    before = narrate_lesson(lesson_of(*TEXTS), get_voice(f"recorded:{mine}"), tmp_path / "cache")["s-1"]
    # the new take has a second of quiet before it: every word moves by that second
    import wave

    with wave.open(str(mine / "s-1.wav"), "rb") as handle:
        rate, frames = handle.getframerate(), handle.readframes(handle.getnframes())
    with wave.open(str(mine / "s-1.wav"), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(b"\x00\x00" * rate + frames)
    after = narrate_lesson(lesson_of(*TEXTS), get_voice(f"recorded:{mine}"), tmp_path / "cache")["s-1"]
    assert after.path != before.path
    assert_timed_like([w.__class__(w.text, w.start - 1.0, w.end - 1.0) for w in after.words], truth["s-1"])
    assert len(list((tmp_path / "cache").glob("*.aligned.json"))) == 3


@pytest.mark.parametrize("spec", ["espeak", "piper"])
def test_takes_over_a_synthetic_voice_are_timed_like_its_own_clips(takes, tmp_path, spec):
    """Over espeak, the packaged Piper voice is the reference; over Piper,
    the lesson's own voice, which says the take's text with the rest."""
    folder, truth = takes
    only_one = tmp_path / "recordings"
    only_one.mkdir()
    shutil.copyfile(folder / "s-2.wav", only_one / "s-2.wav")
    voice = WithTakes(get_voice(spec), only_one)
    assert (voice.takes.reference is voice.voice) == (spec == "piper")
    clips = narrate_lesson(lesson_of(*TEXTS), voice, tmp_path / "cache")
    assert clips["s-2"].take == str(only_one / "s-2.wav")
    assert_timed_like(clips["s-2"].words, truth["s-2"])
    assert clips["s-1"].take is None and [w.text for w in clips["s-1"].words] == TEXTS[0].split()  # espeak's own


def test_without_piper_takes_are_untimed_and_the_voice_says_so(takes, tmp_path, monkeypatch):
    import cuecast.narrate.piper as piper

    folder, _ = takes
    monkeypatch.setattr(piper, "piper_installed", lambda: False)
    voice = get_voice(f"recorded:{folder}")
    assert voice.reference is None and voice.describe() == f"recordings in {folder} ({UNTIMED})"
    clips = narrate_lesson(lesson_of(*TEXTS), voice, tmp_path)
    assert all(clip.path and clip.words == () for clip in clips.values())
    assert UNTIMED in WithTakes(get_voice("espeak"), folder).describe()
    assert take_words(Path(clips["s-1"].path), lesson_of(*TEXTS).sections[0].beats[0], TEXTS[0], None, tmp_path) == ()


@pytest.mark.slow
def test_a_take_in_a_built_lesson_has_its_words_in_cues_json_and_captions(tmp_path):
    from cuecast.build import BuildOptions
    from cuecast.catalogue import build_lessons
    from cuecast.narrate import narration_text
    from cuecast.script import load_lesson
    from tests.test_build import copy_tiny

    script = copy_tiny(tmp_path / "project")
    lesson = load_lesson(script)
    beat = next(beat for _, beat in lesson.beats() if beat.say)
    text = narration_text(beat)
    author = narrate_lesson(lesson_of(text), get_voice("piper", length_scale=1.25), tmp_path / "author")["s-1"]
    (script.parent.parent / "recordings").mkdir()
    take = script.parent.parent / "recordings" / f"{beat.id}.wav"
    shutil.copyfile(author.path, take)
    options = BuildOptions(size=(320, 180), fps=10, device="cpu", voice="none", only=("timeline",))
    (result,) = build_lessons([lesson], options)
    out = script.parent.parent / "build" / "tiny"
    cues = json.loads((out / "cues.json").read_text())
    clip = next(c for c in cues["clips"] if c["beat_id"] == beat.id)
    words = clip["words"]
    assert [w[0] for w in words] == text.split()
    assert all(clip["start"] <= s <= e <= clip["end"] + 1e-3 for _, s, e in words)
    shifted = [(t, s - clip["start"], e - clip["start"]) for t, s, e in words]
    assert_timed_like([type(author.words[0])(*w) for w in shifted], author.words)
    # captions.vtt: the take's cues carry a timestamp tag before every word but the first
    vtt = (out / "captions.vtt").read_text()
    mine = re.findall(rf"^{re.escape(beat.id)}(?:\.\d+)?\n.+ --> .+\n((?:.+\n)+)", vtt, flags=re.M)
    assert mine and sum(len(re.findall(r"<\d\d:\d\d:\d\d\.\d{3}>", p)) for p in mine) == len(words) - len(mine)
    # the spoken-code highlight: while the take says a word, the line holding it is lit, when the take says it
    from cuecast.model import Narration, Word
    from cuecast.video.spoken_code import code_highlights

    said = Narration(beat.id, "s", text, clip["start"], clip["end"], None, tuple(Word(*w) for w in words))
    term = max(text.split(), key=len).strip(".,")
    fps = 100
    ((first, end, row),) = code_highlights([term], [said], ["x = 1", f"y = {term}"], clip["start"], fps, 10_000)
    truth = next(w for w in author.words if w.text.strip(".,") == term)
    assert row == 1 and abs(first / fps - truth.start) <= 0.15 and abs(end / fps - truth.end) <= 0.15


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_a_take_in_any_pcm_width_and_stereo_is_read_as_its_mixed_samples(tmp_path, width):
    import wave

    from cuecast.narrate.take_words import read_samples

    left, right = np.array([0.5, -0.25, 0.0, 0.75]), np.array([0.25, -0.25, 0.5, -0.75])
    scale = float(1 << (8 * width - 1))
    frames = np.column_stack([left, right]).ravel()
    if width == 1:
        raw = (np.round(frames * scale) + 128).astype(np.uint8).tobytes()
    else:
        ints = np.round(frames * scale).astype("<i8")
        raw = b"".join(int(v).to_bytes(width, "little", signed=True) for v in ints)
    with wave.open(str(tmp_path / "take.wav"), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(width)
        handle.setframerate(16000)
        handle.writeframes(raw)
    samples, rate = read_samples(tmp_path / "take.wav")
    assert rate == 16000 and np.allclose(samples, (left + right) / 2, atol=2 / scale)
