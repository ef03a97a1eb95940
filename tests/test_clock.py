"""``cuecast.clock``: the one owner of the time formats editors, captions
and people read."""

from __future__ import annotations

import pytest

from cuecast.clock import caption_time, clock_time, smpte_timecode, to_frames


def test_frames_round_away_float_noise():
    assert to_frames(0.1 + 0.2, 30) == 9  # 0.30000000000000004 s is frame 9, not 8.99…
    assert to_frames(2.0 / 3.0, 30) == 20


@pytest.mark.parametrize("seconds, fps, timecode", [
    (0.0, 30, "00:00:00:00"),
    (1.5, 30, "00:00:01:15"),
    (59 + 29 / 30, 30, "00:00:59:29"),
    (3600 + 61 + 0.5, 24, "01:01:01:12"),
    (36000.0, 25, "10:00:00:00"),
])
def test_smpte_timecode_counts_whole_frames_without_drop_frame(seconds, fps, timecode):
    assert smpte_timecode(seconds, fps) == timecode


def test_caption_time_takes_the_readers_separator():
    ms = ((1 * 60 + 2) * 60 + 3) * 1000 + 45
    assert caption_time(ms, ",") == "01:02:03,045"  # SRT
    assert caption_time(ms, ".") == "01:02:03.045"  # WebVTT
    assert caption_time(0, ",") == "00:00:00,000"


@pytest.mark.parametrize("seconds, shown", [
    (0.0, "0:00.0"),
    (245.3, "4:05.3"),
    (59.96, "1:00.0"),  # rounded to the tenth before the minute is taken: no "0:60.0"
    (3599.97, "1:00:00.0"),
    (3723.0, "1:02:03.0"),
])
def test_clock_time_shows_hours_only_when_there_are_some(seconds, shown):
    assert clock_time(seconds) == shown
