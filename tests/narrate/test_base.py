"""What every voice shares: the text a beat says, WAV lengths read (and a
bad file refused with its reason), the silent estimate's floor and the
messages a voice gives."""

from __future__ import annotations

import wave

import pytest

from cuecast.model import Beat, Cue
from cuecast.narrate.base import (MIN_SILENT_SECONDS, VoiceWarning, estimate_seconds, invalid_audio, narration_text,
                                  wav_duration, write_wav)
from tests.support.narration import loc


def test_narration_text_adds_cue_points_and_drops_code_ticks():
    cue = Cue("vscode", "c-1", loc(), snippet="snippets/x.py")
    beat = Beat("c-1", loc(), say="Calling the model", points=("Use `__call__` on a batch", "batch size = 64"), cue=cue)
    assert narration_text(beat) == "Calling the model. Use __call__ on a batch. batch size = 64"
    bullet = Beat("b-1", loc(), say="Uses **numpy**", bullet="Uses numpy", points=("ignored: folded into say",))
    assert narration_text(bullet) == "Uses numpy"
    assert narration_text(Beat("e", loc(), say="  ")) == ""


def test_a_written_wav_reads_back_at_its_length(tmp_path):
    path = tmp_path / "a.wav"
    write_wav(path, b"\x01\x00" * 33075, 22050)
    with wave.open(str(path), "rb") as handle:
        assert (handle.getnchannels(), handle.getsampwidth(), handle.getframerate()) == (1, 2, 22050)
    assert wav_duration(path) == pytest.approx(1.5)


@pytest.mark.parametrize("damage, reason", [
    (lambda data: b"", "EOFError"),
    (lambda data: b"ID3 an mp3 named .wav" * 4, "RIFF"),
    (lambda data: data[:-2000], "truncated audio data"),
])
def test_a_file_that_is_no_whole_wav_is_refused_with_its_reason(tmp_path, damage, reason):
    path = tmp_path / "a.wav"
    write_wav(path, b"\x01\x00" * 22050, 22050)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ValueError, match=reason):
        wav_duration(path)


def test_a_wav_without_frames_is_refused(tmp_path):
    path = tmp_path / "empty.wav"
    write_wav(path, b"", 22050)
    with pytest.raises(ValueError, match="no audio frames"):
        wav_duration(path)


def test_the_estimate_follows_the_words_and_never_drops_below_the_floor():
    forty = " ".join(["word"] * 40)
    assert estimate_seconds(forty, wpm=120) == pytest.approx(20.0)
    assert estimate_seconds(forty, wpm=240) == pytest.approx(10.0)
    assert estimate_seconds("Hi.") == MIN_SILENT_SECONDS
    assert estimate_seconds("", wpm=0) == MIN_SILENT_SECONDS  # a zero rate divides by nothing


def test_the_warning_summary_counts_in_words():
    assert "has 1 warning from" in VoiceWarning.summary(1)
    assert "has 3 warnings from" in VoiceWarning.summary(3)


def test_an_invalid_take_names_the_file_its_reason_and_how_to_convert(tmp_path):
    error = invalid_audio(tmp_path / "s-1.wav", "truncated audio data", loc(7))
    assert error.message == f"{tmp_path / 's-1.wav'} is not a valid WAV file (truncated audio data)"
    assert error.location.line == 7 and "ffmpeg -i" in error.hint
