"""Voices: espeak-ng gives real speech whose length follows the text; clips
are cached by everything that shapes them; recordings are checked and missing
ones listed; the silent voice estimates from words per minute."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

import pytest

from cuecast.errors import ConfigError, ScriptError
from cuecast.model import Beat, Cue, Lesson, Location, Section
from cuecast.narrate import get_voice, narrate_lesson, narration_text
from cuecast.narrate.base import MIN_SILENT_SECONDS, estimate_seconds, wav_duration, write_wav

SHORT = "Casting tensors."
LONG = "Casting various torch objects to different data types, then moving them to the best device available."


def loc(line=0):
    return Location("script/l.yaml", line, 1)


def lesson_of(*texts: str) -> Lesson:
    beats = tuple(Beat(f"s-{n}", loc(n + 3), say=text, bullet=text) for n, text in enumerate(texts, start=1))
    return Lesson("l", "L", "script/l.yaml", "/nonexistent", loc(), sections=(Section("s", "S", loc(2), beats=beats),))


def rms(path: Path) -> float:
    with wave.open(str(path), "rb") as handle:
        assert handle.getnchannels() == 1 and handle.getsampwidth() == 2
        samples = array.array("h", handle.readframes(handle.getnframes()))
    return math.sqrt(sum(s * s for s in samples) / len(samples))


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


def test_silent_voice_estimates_from_words_per_minute(tmp_path):
    text = " ".join(["word"] * 40)
    clips = narrate_lesson(lesson_of(text, "Hi."), get_voice("none", rate=120), tmp_path)
    assert clips["s-1"].path is None
    assert clips["s-1"].duration == pytest.approx(20.0)
    assert clips["s-2"].duration == MIN_SILENT_SECONDS
    assert estimate_seconds(text) == pytest.approx(15.0)
    assert list(tmp_path.iterdir()) == []


def test_recorded_voice_reads_real_lengths(tmp_path):
    write_wav(tmp_path / "s-1.wav", b"\x10\x00" * 44100, 22050)
    write_wav(tmp_path / "s-2.wav", b"\x10\x00" * 11025, 22050)
    clips = narrate_lesson(lesson_of(SHORT, LONG), get_voice(f"recorded:{tmp_path}"), tmp_path / "cache")
    assert clips["s-1"].duration == pytest.approx(2.0)
    assert clips["s-2"].duration == pytest.approx(0.5)
    assert clips["s-1"].path == str((tmp_path / "s-1.wav").resolve())


def test_recorded_voice_lists_every_missing_beat(tmp_path):
    write_wav(tmp_path / "s-2.wav", b"\x10\x00" * 100, 22050)
    lesson = lesson_of("one", "two", "three")
    with pytest.raises(ScriptError) as info:
        narrate_lesson(lesson, get_voice(f"recorded:{tmp_path}"), tmp_path)
    diagnostics = info.value.diagnostics
    assert [d.message for d in diagnostics] == ["no recording for beat 's-1'", "no recording for beat 's-3'"]
    assert [d.location.line for d in diagnostics] == [4, 6]
    assert diagnostics[0].hint == f"expected {tmp_path / 's-1.wav'}"


def test_recorded_allow_missing_uses_the_silent_estimate(tmp_path):
    write_wav(tmp_path / "s-2.wav", b"\x10\x00" * 22050, 22050)
    events = []
    voice = get_voice(f"recorded:{tmp_path.name}", base=tmp_path.parent, allow_missing=True)
    clips = narrate_lesson(lesson_of("one two", "three"), voice, tmp_path, on_event=lambda *e: events.append(e))
    assert clips["s-1"].path is None and clips["s-1"].duration == MIN_SILENT_SECONDS
    assert clips["s-2"].duration == pytest.approx(1.0)
    assert events[0][:2] == ("missing", "s-1")


def test_recording_that_is_not_a_wav_names_the_file(tmp_path):
    (tmp_path / "s-1.wav").write_bytes(b"ID3 this is an mp3")
    with pytest.raises(ConfigError) as info:
        narrate_lesson(lesson_of(SHORT), get_voice(f"recorded:{tmp_path}"), tmp_path)
    assert str(tmp_path / "s-1.wav") in info.value.message
    assert "not a valid WAV" in info.value.message
    assert info.value.location.line == 4


def test_bad_voice_specs_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="unknown voice 'espeek'.*espeak, none, recorded:DIR"):
        get_voice("espeek")
    with pytest.raises(ConfigError, match="does not exist"):
        get_voice(f"recorded:{tmp_path / 'nope'}")
    with pytest.raises(ConfigError, match="--rate 10"):
        get_voice("espeak", rate=10)


def test_narration_text_adds_cue_points_and_drops_code_ticks():
    cue = Cue("vscode", "c-1", loc(), snippet="snippets/x.py")
    beat = Beat("c-1", loc(), say="Calling the model", points=("Use `__call__` on a batch", "batch size = 64"), cue=cue)
    assert narration_text(beat) == "Calling the model. Use __call__ on a batch. batch size = 64"
    bullet = Beat("b-1", loc(), say="Uses **numpy**", bullet="Uses numpy", points=("ignored: folded into say",))
    assert narration_text(bullet) == "Uses numpy"
    assert narration_text(Beat("e", loc(), say="  ")) == ""


def test_beats_with_nothing_to_say_get_no_clip(tmp_path):
    cue = Cue("browser", "s-1", loc(), url="https://example.com")
    lesson = Lesson("l", "L", "l.yaml", "/", loc(), sections=(Section("s", "S", loc(), beats=(Beat("s-1", loc(), cue=cue),)),))
    assert narrate_lesson(lesson, get_voice("none"), tmp_path) == {}
