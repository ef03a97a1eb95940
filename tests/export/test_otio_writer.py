"""``timeline.otio`` read back with OpenTimelineIO: its clips, markers and
audio are the plan's."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from cuecast.plan import media_path
from tests.support.timeline_outputs import FPS


def test_otio_clips_markers_and_audio_equal_the_plan(written_timeline):
    lesson, timeline, build_dir, paths = written_timeline
    result = otio.adapters.read_from_file(str(paths["timeline.otio"]))
    video, audio = result.tracks
    assert video.kind == "Video" and audio.kind == "Audio"
    clips = list(video)
    assert [c.name for c in clips] == [s.id for s in timeline.segments]
    for clip, segment in zip(clips, timeline.segments):
        placed = video.range_of_child(clip)
        assert placed.start_time.rate == FPS
        assert abs(placed.start_time.value - segment.start * FPS) < 1
        assert abs(placed.duration.value - segment.duration * FPS) < 1
        assert clip.media_reference.target_url == media_path(build_dir, segment).resolve().as_uri()
        assert clip.metadata["cuecast"]["kind"] == segment.kind
        assert clip.metadata["cuecast"]["cue_id"] == segment.cue_id
    assert abs(result.duration().to_seconds() - timeline.duration) < 1 / FPS

    by_name = {c.name: c for c in clips}
    casting = by_name["s003-casting-1"]
    (marker,) = casting.markers
    assert marker.name == "SHOW IN VS CODE: snippets/casting.py"
    assert marker.color == "BLUE"
    assert marker.metadata["cuecast"]["kind"] == "vscode"
    assert marker.metadata["cuecast"]["snippet"] == "snippets/casting.py"
    browser = by_name["s009-modules-2"].markers[0]
    assert browser.name == "SHOW IN BROWSER: https://pytorch.org/docs/stable/nn.html" and browser.color == "GREEN"
    assert by_name["s005-autograd-1"].markers[0].name == "SHOW ON SLIDES: autograd diagram of snippets/tape.py"
    assert len(by_name["s000-title"].markers) == 0
    assert result.metadata["cuecast"]["lesson_id"] == "lesson"
    assert result.metadata["cuecast"]["torch_version"] == "2.13.0"

    audio_clips = [c for c in audio if isinstance(c, otio.schema.Clip)]
    assert [c.name for c in audio_clips] == ["intro-1", "casting-1"]
    narration = {n.beat_id: n for n in timeline.narration}
    for clip in audio_clips:
        placed = audio.range_of_child(clip)
        assert abs(placed.start_time.to_seconds() - narration[clip.name].start) < 1 / FPS
        assert abs(placed.duration.to_seconds() - (narration[clip.name].end - narration[clip.name].start)) < 1 / FPS
        wav = Path(otio.url_utils.filepath_from_url(clip.media_reference.target_url))
        assert wav == build_dir / "audio" / f"{clip.name}.wav" and wav.is_file()
