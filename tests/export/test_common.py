"""What the editors' formats share (``export.common``): timecodes, and a rate
SMPTE timecode cannot count written at the nearest one it can."""

from __future__ import annotations

import pytest

from cuecast.export import write_timeline_outputs
from cuecast.export.common import timecode
from cuecast.plan import plan_timeline
from tests.test_plan import make_captures, make_lesson, silent_clips


def test_timecode():
    assert timecode(0, 30) == "00:00:00:00"
    assert timecode(3661 + 29 / 30, 30) == "01:01:01:29"
    assert timecode(2.5, 24) == "00:00:02:12"


@pytest.mark.parametrize("fps", [1, 10, 12])
def test_a_rate_smpte_cannot_count_gets_edl_and_fcp_xml_at_the_nearest_one(tmp_path, fps):
    import opentimelineio as otio

    from cuecast.plan import PlanOptions

    lesson = make_lesson(tmp_path)
    timeline = plan_timeline(lesson, silent_clips(lesson), make_captures(), PlanOptions(fps=fps))
    paths = write_timeline_outputs(timeline, lesson, tmp_path / "build")
    edl_text = paths["timeline.edl"].read_text()
    rate = min((24, 25, 30, 50, 60), key=lambda r: (abs(r - fps), r))
    assert f"SMPTE TIMECODE HERE IS {rate} FPS" in edl_text
    edl = otio.adapters.read_from_file(str(paths["timeline.edl"]), rate=rate)
    xml = otio.adapters.read_from_file(str(paths["timeline.xml"]))
    for read in (edl, xml):  # every cut is the plan's, to within half a frame of the rate written: no drift
        assert abs(read.duration().to_seconds() - timeline.duration) <= 0.5 / rate + 1e-9
        cuts = [clip.range_in_parent().end_time_exclusive().to_seconds() for clip in read.video_tracks()[0].find_clips()]
        assert all(abs(cut - segment.end) <= 0.5 / rate + 1e-9 for cut, segment in zip(cuts, timeline.segments))
