"""``render video``: the lesson's video at the size and rate asked for,
as long as its timeline, and nothing printed but its path."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cuecast.cli import cli
from tests.support.frames import frame_count, video_size


def test_video_is_written_at_the_size_and_rate_asked_and_only_its_path_printed(talk):
    result = CliRunner().invoke(cli, ["video", "--size", "320x180", "--fps", "5", "--rate", "120"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "build/talk/video.mp4\n"
    build = talk / "build" / "talk"
    video = build / "video.mp4"
    assert video_size(video) == (320, 180)
    seconds = json.loads((build / "cues.json").read_text())["duration"]  # the timeline's length
    assert seconds > 3 and frame_count(video) == pytest.approx(seconds * 5, abs=1)
