"""The espeak voice: real speech whose length follows the text, cached by
everything that shapes it, the same samples whatever was said before, every
word timed inside its clip, and a silent fallback (with a warning) when the
library cannot load."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from cuecast.errors import ConfigError
from cuecast.narrate import get_voice, narrate_lesson
from cuecast.model import Word
from cuecast.narrate.base import wav_duration
from cuecast.narrate.espeak import EspeakVoice, word_times
from tests.support.narration import LONG, SHORT, lesson_of, rms


@pytest.fixture
def espeak():
    return get_voice("espeak")


def test_espeak_clip_is_real_speech_and_longer_text_is_longer(espeak, tmp_path):
    clips = narrate_lesson(lesson_of(SHORT, LONG), espeak, tmp_path)
    short, long = clips["s-1"], clips["s-2"]
    for clip in (short, long):
        path = Path(clip.path)
        assert path.parent == tmp_path
        with wave.open(str(path), "rb") as handle:
            assert handle.getframerate() == 22050
            assert clip.duration == pytest.approx(handle.getnframes() / 22050)
        assert rms(path) > 300  # silence is ~0; speech is in the thousands
    assert long.duration > short.duration * 2


def test_espeak_rate_and_voice_change_the_clip_and_its_cache_key(tmp_path):
    lesson = lesson_of(LONG)
    normal = narrate_lesson(lesson, get_voice("espeak"), tmp_path)["s-1"]
    fast = narrate_lesson(lesson, get_voice("espeak", rate=320), tmp_path)["s-1"]
    british = narrate_lesson(lesson, get_voice("espeak", name="en"), tmp_path)["s-1"]
    assert len({normal.path, fast.path, british.path}) == 3
    assert fast.duration < normal.duration * 0.75


def test_cached_clip_is_reused_and_a_corrupt_one_rebuilt(espeak, tmp_path):
    lesson = lesson_of(SHORT)
    events = []
    first = narrate_lesson(lesson, espeak, tmp_path)["s-1"]
    path = Path(first.path)
    stamp = path.stat().st_mtime_ns
    again = narrate_lesson(lesson, espeak, tmp_path, on_event=lambda *e: events.append(e))["s-1"]
    assert again == first and path.stat().st_mtime_ns == stamp
    assert events == [("clip", "s-1", f"{first.duration:.2f} s")]
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])  # truncated write
    with pytest.raises(ValueError):
        wav_duration(path)
    rebuilt = narrate_lesson(lesson, espeak, tmp_path)["s-1"]
    # espeak-ng varies a clip by a few samples from call to call
    assert rebuilt.duration == pytest.approx(first.duration, abs=0.01)
    assert wav_duration(path) == rebuilt.duration
    path.write_bytes(b"garbage")
    assert narrate_lesson(lesson, espeak, tmp_path)["s-1"].duration == pytest.approx(first.duration, abs=0.01)
    assert wav_duration(path) > 0


def test_unknown_espeak_voice_is_a_config_error(tmp_path):
    voice = get_voice("espeak", name="no-such-voice")
    with pytest.raises(ConfigError, match="no voice named 'no-such-voice'"):
        narrate_lesson(lesson_of(SHORT), voice, tmp_path)


def test_espeak_unavailable_falls_back_to_silent_with_a_warning(monkeypatch):
    from cuecast.narrate import VoiceWarning, espeak as espeak_module

    monkeypatch.setattr(espeak_module, "_engine", None)
    monkeypatch.setattr(espeak_module, "_engine_error", "libespeak-ng.so: cannot open shared object file")
    with pytest.warns(VoiceWarning, match="cannot open shared object"):
        voice = get_voice("espeak")
    assert voice.kind == "none"


def test_espeak_says_the_same_words_with_the_same_samples_whatever_came_before(espeak):
    """espeak-ng's static state used to make a sentence's length depend on
    what was said before it, so an incremental build differed from a fresh one."""
    sentence = "Casting various torch objects to different datatypes."
    takes = []
    for before in ("", "Hello there.", "A much longer sentence, said first, to move espeak's state along."):
        if before:
            espeak.engine.synthesise(before, espeak.name, espeak.rate, espeak.pitch)
        takes.append(espeak.engine.synthesise(sentence, espeak.name, espeak.rate, espeak.pitch)[0])
    assert len(takes[0]) > 10_000 and takes[0] == takes[1] == takes[2]


def test_espeak_times_every_word_in_order_inside_the_clip(espeak, tmp_path):
    text = "Welcome to PyTorch 2.13 — a tensor, like torch.zeros(3), holds numbers."
    clip = narrate_lesson(lesson_of(text), espeak, tmp_path)["s-1"]
    assert [w.text for w in clip.words] == text.split()
    starts = [w.start for w in clip.words]
    assert starts == sorted(starts) and all(0 <= w.start <= w.end <= clip.duration + 1e-3 for w in clip.words)
    assert clip.words[-1].end == pytest.approx(clip.duration, abs=1e-3)
    # a number said as four words takes longer than "to"; the dash is said as nothing
    number, to, dash = clip.words[3], clip.words[1], clip.words[4]
    assert number.end - number.start > 2 * (to.end - to.start) and dash.start == dash.end
    # the words were said where they are timed: each spoken word's stretch is not silence
    with wave.open(clip.path, "rb") as handle:
        samples = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2").astype(float)
    for word in clip.words:
        if word.end - word.start > 0.15:
            piece = samples[int(word.start * 22050):int(word.end * 22050)]
            assert np.sqrt(np.mean(piece ** 2)) > 300, word


def test_a_word_runs_from_its_first_event_to_the_next_words_and_a_silent_one_takes_an_instant():
    text = "Hello — big world"
    # espeak's word events: (1-based character position, milliseconds); "—" said as nothing
    events = [(1, 20), (3, 90), (9, 400), (13, 700)]
    assert word_times(text, events, 1.5) == (Word("Hello", 0.02, 0.4), Word("—", 0.4, 0.4),
                                             Word("big", 0.4, 0.7), Word("world", 0.7, 1.5))
    # an event past the clip's end (a rounding in espeak) is held inside it
    assert word_times("Hi there", [(1, 0), (4, 2000)], 1.0)[-1] == Word("there", 1.0, 1.0)


def test_pitch_out_of_range_is_a_config_error_and_pitch_keys_the_clip():
    with pytest.raises(ConfigError, match="--pitch 101 is out of range"):
        EspeakVoice(pitch=101)
    assert EspeakVoice(pitch=40).key(SHORT) != EspeakVoice(pitch=60).key(SHORT)
    assert EspeakVoice(pitch=40).record()["settings"]["pitch"] == 40
