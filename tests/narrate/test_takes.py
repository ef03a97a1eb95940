"""The author's takes over a synthetic voice: which folder they are looked
for in, and a beat with a take is narrated by it while every other beat is
left to the voice."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cuecast.narrate.base import write_wav
from cuecast.narrate.silent import SilentVoice
from cuecast.narrate.takes import TAKES_FOLDER, WithTakes, has_takes, takes_folder
from tests.support.narration import lesson_of


@pytest.fixture
def lesson(tmp_path):
    return dataclasses.replace(lesson_of("Hello there.", "Goodbye."), root=str(tmp_path / "project"))


def test_takes_are_in_recordings_beside_the_script_unless_the_voice_is_recorded_dir(lesson, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = Path(lesson.root)
    assert takes_folder(lesson) == root / TAKES_FOLDER
    assert takes_folder(lesson, "espeak") == root / TAKES_FOLDER
    assert takes_folder(lesson, "recorded:") == root / TAKES_FOLDER  # no folder named: the default
    # the script's recorded:DIR is relative to the project, the command line's to where it is typed
    assert takes_folder(dataclasses.replace(lesson, voice="recorded:mine")) == root / "mine"
    assert takes_folder(dataclasses.replace(lesson, voice="recorded:mine"), "recorded:typed") == tmp_path / "typed"
    assert takes_folder(lesson, f"recorded:{tmp_path / 'abs'}") == tmp_path / "abs"


def test_only_a_file_with_an_audio_suffix_is_a_take(tmp_path):
    folder = tmp_path / "recordings"
    assert not has_takes(folder)  # not there yet
    folder.mkdir()
    (folder / "notes.txt").write_text("record s-2 again")
    (folder / "old.wav").mkdir()
    assert not has_takes(folder)
    (folder / "s-1.FLAC").write_bytes(b"fLaC")
    assert has_takes(folder)


def test_a_beat_with_a_take_is_narrated_by_it_and_the_others_by_the_voice(lesson, tmp_path):
    folder = tmp_path / "recordings"
    folder.mkdir()
    write_wav(folder / "s-1.wav", b"\x10\x00" * 22050 * 3, 22050)
    voice = WithTakes(SilentVoice(120), folder)
    assert voice.spec == "none" and voice.record() == SilentVoice(120).record()
    assert f"takes from {folder}" in voice.describe()
    s1, s2 = (beat for _, beat in lesson.beats())
    taken = voice.clip(s1, "Hello there.", tmp_path / "cache")
    assert taken.take == str(folder / "s-1.wav") and taken.duration == pytest.approx(3.0)
    assert Path(taken.path).read_bytes() == (folder / "s-1.wav").read_bytes()
    spoken = voice.clip(s2, "Goodbye.", tmp_path / "cache")
    assert spoken.take is None and spoken.path is None and spoken == SilentVoice(120).clip(s2, "Goodbye.", tmp_path)
