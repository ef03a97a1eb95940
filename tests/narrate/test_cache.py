"""The voice cache: an entry is keyed by everything that shapes the clip,
lands whole or not at all, keeps its words beside it, and is remade when its
bytes no longer match the hash written with it."""

from __future__ import annotations

import pytest

from cuecast.model import Word
from cuecast.narrate.base import wav_duration, write_wav
from cuecast.narrate.cache import cached_clip, clip_key, is_cached, read_words, words_path


def one_second(path):
    write_wav(path, b"\x10\x00" * 22050, 22050)


def test_a_cached_clip_whose_bytes_changed_is_made_again(tmp_path):
    make = one_second
    path, _, cached = cached_clip(tmp_path, "k", make)
    assert not cached and cached_clip(tmp_path, "k", make)[2]
    original = path.read_bytes()
    data = bytearray(original)
    data[len(data) // 2] ^= 0xFF  # a flipped byte in the samples: still a valid WAV
    path.write_bytes(bytes(data))
    again, _, cached = cached_clip(tmp_path, "k", make)
    assert not cached and again.read_bytes() == original
    assert cached_clip(tmp_path, "k", make)[2]  # and it is trusted again once remade


def test_the_key_changes_with_every_input_and_not_with_their_order():
    base = clip_key(text="Hello.", engine="espeak", rate=160, voice="en-us")
    assert base == clip_key(voice="en-us", rate=160, engine="espeak", text="Hello.")
    changed = [clip_key(text="Hello!", engine="espeak", rate=160, voice="en-us"),
               clip_key(text="Hello.", engine="piper", rate=160, voice="en-us"),
               clip_key(text="Hello.", engine="espeak", rate=161, voice="en-us"),
               clip_key(text="Hello.", engine="espeak", rate=160, voice="en")]
    assert base not in changed and len(set(changed)) == 4


def test_an_entry_is_made_once_then_served(tmp_path):
    made = []

    def make(path):
        made.append(path)
        one_second(path)

    assert not is_cached(tmp_path, "k")
    path, duration, cached = cached_clip(tmp_path, "k", make)
    assert (path, duration, cached) == (tmp_path / "k.wav", pytest.approx(1.0), False)
    assert is_cached(tmp_path, "k") and cached_clip(tmp_path, "k", make)[2]
    assert len(made) == 1 and made[0] != path  # written beside the entry, renamed into place
    assert not cached_clip(tmp_path, "k", make, refresh=True)[2] and len(made) == 2


def test_a_make_that_fails_leaves_no_entry(tmp_path):
    def broken(path):
        path.write_bytes(b"RIFF half a header")
        raise RuntimeError("the engine crashed")

    with pytest.raises(RuntimeError):
        cached_clip(tmp_path, "k", broken)
    assert list(tmp_path.iterdir()) == [] and not is_cached(tmp_path, "k")


def test_a_timed_entry_keeps_its_words_and_is_remade_without_them(tmp_path):
    words = (Word("Hello", 0.0, 0.4), Word("there.", 0.45, 1.0))

    def make(path):
        one_second(path)
        return words

    path, _, _ = cached_clip(tmp_path, "k", make, timed=True)
    assert read_words(path) == words and is_cached(tmp_path, "k", timed=True)
    words_path(path).unlink()
    assert read_words(path) == ()
    assert is_cached(tmp_path, "k") and not is_cached(tmp_path, "k", timed=True)  # the audio alone is whole
    again, _, cached = cached_clip(tmp_path, "k", make, timed=True)
    assert not cached and read_words(again) == words and wav_duration(again) == pytest.approx(1.0)
