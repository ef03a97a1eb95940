"""``timeline.xml`` (FCP 7 XML) read back with OpenTimelineIO's adapter, and
its sequence's format."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import opentimelineio as otio

from tests.support.timeline_outputs import frames


def test_fcp_xml_reads_back_and_has_a_sequence_format(written_timeline):
    _, timeline, build_dir, paths = written_timeline
    root = ET.parse(paths["timeline.xml"]).getroot()
    chars = root.find("project/children/sequence/media/video/format/samplecharacteristics")
    if chars is None:
        chars = root.find(".//sequence/media/video/format/samplecharacteristics")
    assert chars is not None
    assert chars.findtext("width") == "1920" and chars.findtext("height") == "1080"
    assert chars.findtext("rate/timebase") == "30"
    result = otio.adapters.read_from_file(str(paths["timeline.xml"]), adapter_name="fcp_xml")
    video = [t for t in result.tracks if t.kind == "Video"][0]
    audio = [t for t in result.tracks if t.kind == "Audio"][0]
    clips = list(video.find_clips())
    assert [c.name for c in clips] == [s.id for s in timeline.segments]
    for clip, segment in zip(clips, timeline.segments):
        assert video.range_of_child(clip).duration.value == frames(segment.end) - frames(segment.start)
    assert clips[3].markers[0].name == "SHOW IN VS CODE: snippets/casting.py"
    assert [c.name for c in audio.find_clips()] == ["intro-1", "casting-1"]
