"""Choosing and running a voice (``cuecast.narrate``): a voice spec the user
mistyped is a config error naming the voices there are, and a beat with
nothing to say gets no clip.  Each voice's own behaviour is tested beside it
(test_espeak, test_silent, test_recorded, ...)."""

from __future__ import annotations

import pytest

from cuecast.errors import ConfigError
from cuecast.model import Beat, Cue, Lesson, Section
from cuecast.narrate import get_voice, narrate_lesson
from tests.support.narration import lesson_of, loc  # noqa: F401 - lesson_of: other voice tests import it from here


def test_bad_voice_specs_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="unknown voice 'espeek'.*espeak, none, recorded:DIR"):
        get_voice("espeek")
    with pytest.raises(ConfigError, match="does not exist"):
        get_voice(f"recorded:{tmp_path / 'nope'}")
    with pytest.raises(ConfigError, match="--rate 10"):
        get_voice("espeak", rate=10)


def test_beats_with_nothing_to_say_get_no_clip(tmp_path):
    cue = Cue("browser", "s-1", loc(), url="https://example.com")
    lesson = Lesson("l", "L", "l.yaml", "/", loc(), sections=(Section("s", "S", loc(), beats=(Beat("s-1", loc(), cue=cue),)),))
    assert narrate_lesson(lesson, get_voice("none"), tmp_path) == {}


