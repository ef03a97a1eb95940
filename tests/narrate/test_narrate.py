"""Voices: espeak-ng gives real speech whose length follows the text; clips
are cached by everything that shapes them; recordings are checked and missing
ones listed; the silent voice estimates from words per minute."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

import numpy as np
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
    assert Path(clips["s-1"].path).read_bytes() == (tmp_path / "s-1.wav").read_bytes()
    assert Path(clips["s-1"].path).parent == tmp_path / "cache"


def test_recorded_voice_decodes_other_formats_and_float_wavs(tmp_path):
    """An MP3, a FLAC and a 32-bit float WAV (Audacity's default), made by the
    shipped ffmpeg, become clips of their real length."""
    import subprocess

    from cuecast.ffmpeg import ffmpeg_exe

    folder = tmp_path / "rec"
    folder.mkdir()
    for beat_id, name, seconds, codec in (("s-1", "s-1.mp3", 1.5, []), ("s-2", "s-2.flac", 0.75, []),
                                          ("s-3", "s-3.wav", 1.0, ["-c:a", "pcm_f32le"])):
        subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                        *codec, str(folder / name)], check=True)
    cache = tmp_path / "cache"
    clips = narrate_lesson(lesson_of(SHORT, LONG, "three"), get_voice(f"recorded:{folder}"), cache)
    assert clips["s-1"].duration == pytest.approx(1.5, abs=0.06)  # MP3 pads by a frame or so
    assert clips["s-2"].duration == pytest.approx(0.75, abs=0.001)
    assert clips["s-3"].duration == pytest.approx(1.0, abs=0.001)
    decoded = {beat: wave.open(clip.path, "rb") for beat, clip in clips.items()}
    assert {(w.getnchannels(), w.getsampwidth(), w.getframerate()) for w in decoded.values()} == {(1, 2, 48000)}
    tone = np.frombuffer(decoded["s-2"].readframes(4800), "<i2")
    assert np.abs(tone).max() > 3000  # the sine (lavfi plays it at 1/8 of full scale), not silence

    # Served from the cache until the take changes; a new take is decoded again.
    assert narrate_lesson(lesson_of(SHORT, LONG, "three"), get_voice(f"recorded:{folder}"), cache) == clips
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
                    str(folder / "s-2.flac")], check=True)
    again = narrate_lesson(lesson_of(SHORT, LONG, "three"), get_voice(f"recorded:{folder}"), cache)
    assert again["s-2"].duration == pytest.approx(2.0, abs=0.001)
    assert again["s-2"].path != clips["s-2"].path


def test_two_takes_of_one_beat_are_an_error_at_the_beat(tmp_path):
    write_wav(tmp_path / "s-1.wav", b"\x10\x00" * 100, 22050)
    (tmp_path / "s-1.mp3").write_bytes(b"ID3")
    with pytest.raises(ConfigError) as info:
        narrate_lesson(lesson_of(SHORT), get_voice(f"recorded:{tmp_path}"), tmp_path / "cache")
    assert info.value.message == "beat 's-1' has 2 recordings: s-1.wav, s-1.mp3"
    assert info.value.location.line == 4


def test_undecodable_recording_names_the_file_and_ffmpegs_reason(tmp_path):
    (tmp_path / "s-1.m4a").write_bytes(b"this is not audio at all")
    with pytest.raises(ConfigError) as info:
        narrate_lesson(lesson_of(SHORT), get_voice(f"recorded:{tmp_path}"), tmp_path / "cache")
    assert info.value.message.startswith(f"{tmp_path / 's-1.m4a'} could not be decoded as audio (")
    assert "Invalid data" in info.value.message
    assert info.value.location.line == 4
    # nothing decoded landed; what is there is the Piper reference a take is aligned with (its words beside it)
    from cuecast.narrate.cache import words_path

    assert all(words_path(p).is_file() for p in (tmp_path / "cache").glob("*.wav"))


def test_recorded_voice_lists_every_missing_beat(tmp_path):
    write_wav(tmp_path / "s-2.wav", b"\x10\x00" * 100, 22050)
    lesson = lesson_of("one", "two", "three")
    with pytest.raises(ScriptError) as info:
        narrate_lesson(lesson, get_voice(f"recorded:{tmp_path}"), tmp_path)
    diagnostics = info.value.diagnostics
    assert [d.message for d in diagnostics] == ["no recording for beat 's-1'", "no recording for beat 's-3'"]
    assert [d.location.line for d in diagnostics] == [4, 6]
    assert diagnostics[0].hint == f"expected {tmp_path / 's-1.wav'} (or .flac, .mp3, .m4a, .aac, …)"


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


def test_a_cached_clip_whose_bytes_changed_is_made_again(tmp_path):
    from cuecast.narrate.cache import cached_clip

    def make(path):
        write_wav(path, b"\x10\x00" * 22050, 22050)

    path, _, cached = cached_clip(tmp_path, "k", make)
    assert not cached and cached_clip(tmp_path, "k", make)[2]
    original = path.read_bytes()
    data = bytearray(original)
    data[len(data) // 2] ^= 0xFF  # a flipped byte in the samples: still a valid WAV
    path.write_bytes(bytes(data))
    again, _, cached = cached_clip(tmp_path, "k", make)
    assert not cached and again.read_bytes() == original
    assert cached_clip(tmp_path, "k", make)[2]  # and it is trusted again once remade


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
