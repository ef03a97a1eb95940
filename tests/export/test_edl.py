"""``timeline.edl`` read back with OpenTimelineIO's CMX 3600 adapter."""

from __future__ import annotations

import opentimelineio as otio

from cuecast.export.common import timecode
from tests.support.timeline_outputs import FPS, frames


def test_edl_reads_back_with_the_cmx_adapter(written_timeline):
    _, timeline, _, paths = written_timeline
    result = otio.adapters.read_from_file(str(paths["timeline.edl"]), adapter_name="cmx_3600", rate=FPS)
    (video,) = result.tracks  # CMX 3600 carries the picture only
    clips = list(video.find_clips())
    assert [c.name for c in clips] == [s.id for s in timeline.segments]
    for clip, segment in zip(clips, timeline.segments):
        assert clip.source_range.duration.value == frames(segment.end) - frames(segment.start)
        assert video.range_of_child(clip).start_time.value == frames(segment.start)
    names = [m.name for c in clips for m in c.markers]
    assert "SHOW IN VS CODE: SNIPPETS/CASTING.PY" in names  # the adapter upper-cases LOC text
    text = paths["timeline.edl"].read_text()
    assert text.startswith("TITLE: PyTorch")
    assert f"{timecode(timeline.segments[-1].end, FPS)}" in text
