"""The ``recorded:DIR`` voice: takes read at their real length (WAV copied,
other formats decoded by the shipped ffmpeg), two takes of a beat or one
that is not audio named at the beat, and every missing beat listed."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from cuecast.errors import ConfigError, ScriptError
from cuecast.narrate import get_voice, narrate_lesson
from cuecast.narrate.base import MIN_SILENT_SECONDS, write_wav
from tests.support.narration import LONG, SHORT, lesson_of


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
