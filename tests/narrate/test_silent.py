"""The silent voice: no audio, each clip timed from its words per minute."""

from __future__ import annotations

import pytest

from cuecast.narrate import get_voice, narrate_lesson
from cuecast.narrate.base import MIN_SILENT_SECONDS, estimate_seconds
from cuecast.narrate.silent import SilentVoice
from tests.support.narration import lesson_of


def test_silent_voice_estimates_from_words_per_minute(tmp_path):
    text = " ".join(["word"] * 40)
    clips = narrate_lesson(lesson_of(text, "Hi."), get_voice("none", rate=120), tmp_path)
    assert clips["s-1"].path is None
    assert clips["s-1"].duration == pytest.approx(20.0)
    assert clips["s-2"].duration == MIN_SILENT_SECONDS
    assert estimate_seconds(text) == pytest.approx(15.0)
    assert list(tmp_path.iterdir()) == []


def test_the_silent_voice_records_its_rate_and_takes_the_default_for_none():
    assert SilentVoice(200).record() == {"engine": "none", "model": None, "settings": {"rate": 200.0}}
    default = SilentVoice(None)
    assert default.rate == 160.0 and "160 wpm" in default.describe()
    assert default.spec == "none"
