"""Every timeline output, read back with its own library: OTIO, the EDL and
FCP XML through their adapters, SRT with ``srt``, VTT with ``webvtt-py``, the
cue sheet with csv/json; all compared with the plan they were written from."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import opentimelineio as otio
import pytest
import srt
import webvtt

from cuecast.export import WRITERS, write_timeline_outputs
from cuecast.export.captions import MAX_LINE, build_captions
from cuecast.export.common import timecode
from cuecast.model import VoiceClip
from cuecast.narrate.base import write_wav
from cuecast.plan import media_path, place_audio, plan_timeline
from tests.test_plan import make_captures, make_lesson, silent_clips

FPS = 30
LONG_SAY = (
    "Casting various torch objects to different datatypes, from float thirty two to half precision, "
    "then back again, and finally to integers, which truncates every value toward zero."
)


@pytest.fixture
def built(tmp_path):
    """A planned lesson with real WAVs for two beats, written out."""
    lesson = make_lesson(tmp_path)
    clips = silent_clips(lesson)
    wav_dir = tmp_path / "voice"
    wav_dir.mkdir()
    for beat_id, seconds in (("intro-1", 1.5), ("casting-1", 4.0)):
        path = wav_dir / f"{beat_id}.wav"
        write_wav(path, b"\x20\x00" * int(22050 * seconds), 22050)
        clips[beat_id] = VoiceClip(beat_id, LONG_SAY if beat_id == "casting-1" else clips[beat_id].text, str(path), seconds)
    build_dir = tmp_path / "build" / lesson.id
    timeline = place_audio(plan_timeline(lesson, clips, make_captures(), voice="espeak"), build_dir)
    paths = write_timeline_outputs(timeline, lesson, build_dir)
    return lesson, timeline, build_dir, paths


def vtt_seconds(timestamp) -> float:
    """webvtt-py's ``*_in_seconds`` drop the milliseconds; keep them."""
    hours, minutes, seconds, millis = timestamp.to_tuple()
    return hours * 3600 + minutes * 60 + seconds + millis / 1000


def frames(seconds: float) -> int:
    return round(seconds * FPS)


def test_every_writer_wrote_its_file_and_nothing_else(built):
    _, _, build_dir, paths = built
    assert set(paths) == {name for name, _, _ in WRITERS}
    for name, path in paths.items():
        assert path == build_dir / name and path.stat().st_size > 0
    assert not list(build_dir.glob(".*part"))


def test_otio_clips_markers_and_audio_equal_the_plan(built):
    lesson, timeline, build_dir, paths = built
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


def test_edl_reads_back_with_the_cmx_adapter(built):
    _, timeline, _, paths = built
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


def test_fcp_xml_reads_back_and_has_a_sequence_format(built):
    _, timeline, build_dir, paths = built
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


def test_srt_and_vtt_hold_all_narration_in_order_at_the_planned_times(built):
    _, timeline, _, paths = built
    subtitles = list(srt.parse(paths["captions.srt"].read_text()))
    vtt = list(webvtt.read(str(paths["captions.vtt"])))
    assert len(subtitles) == len(vtt) > len(timeline.narration)  # the long clip was split
    joined_srt = " ".join(s.content.replace("\n", " ") for s in subtitles)
    joined_vtt = " ".join(c.text.replace("\n", " ") for c in vtt)
    assert joined_srt == joined_vtt == " ".join(n.text for n in timeline.narration)
    for sub, cue in zip(subtitles, vtt):
        assert sub.start.total_seconds() == pytest.approx(vtt_seconds(cue.start_time), abs=1e-3)
        assert all(len(line) <= MAX_LINE for line in sub.content.split("\n"))
        assert len(sub.content.split("\n")) <= 2
    for before, after in zip(subtitles, subtitles[1:]):
        assert before.end <= after.start
    # each clip's captions start and end exactly when its narration does
    captions = build_captions(timeline)
    for item in timeline.narration:
        mine = [c for c in captions if c.ident == item.beat_id or c.ident.startswith(item.beat_id + ".")]
        assert mine[0].start_ms == round(item.start * 1000)
        assert mine[-1].end_ms == round(item.end * 1000)
    first = next(s for s in subtitles)
    assert first.start.total_seconds() == pytest.approx(timeline.narration[0].start, abs=1e-3)


def test_chapters_one_per_top_level_section(built):
    lesson, timeline, _, paths = built
    chapters = list(webvtt.read(str(paths["chapters.vtt"])))
    assert [c.text for c in chapters] == [s.title for s in lesson.sections]
    assert vtt_seconds(chapters[0].start_time) == 0
    assert vtt_seconds(chapters[-1].end_time) == pytest.approx(timeline.duration, abs=1e-3)
    starts = {s.section_id: s.start for s in reversed(timeline.segments)}
    for chapter, section in list(zip(chapters, lesson.sections))[1:]:
        assert vtt_seconds(chapter.start_time) == pytest.approx(starts[section.id], abs=1e-3)
    for before, after in zip(chapters, chapters[1:]):
        assert before.end_time == after.start_time


def test_cue_sheet_csv_and_json(built):
    _, timeline, _, paths = built
    rows = list(csv.DictReader(paths["cues.csv"].open()))
    document = json.loads(paths["cues.json"].read_text())
    assert len(rows) == len(document["cues"]) == len(timeline.segments)
    assert document["duration"] == pytest.approx(timeline.duration, abs=1e-3)
    assert document["voice"]["engine"] == document["voice"]["spec"] == "espeak"
    assert [c["beat_id"] for c in document["clips"]] == [n.beat_id for n in timeline.narration]
    row = next(r for r in rows if r["cue_id"] == "casting-1")
    segment = next(s for s in timeline.segments if s.cue_id == "casting-1")
    assert row["kind"] == "vscode" and row["section"] == "casting" and row["section_title"] == "Casting"
    assert float(row["start"]) == pytest.approx(segment.start, abs=1e-3)
    assert float(row["duration"]) == pytest.approx(segment.duration, abs=1e-3)
    assert row["start_tc"] == timecode(segment.start, FPS)
    assert row["show"] == "SHOW IN VS CODE: snippets/casting.py"
    assert row["narration"] == LONG_SAY
    browser = next(r for r in document["cues"] if r["kind"] == "browser")
    assert browser["url"] == "https://pytorch.org/docs/stable/nn.html"
    assert [r["kind"] for r in rows][:3] == ["title", "section", "section"]


def test_recording_list_names_every_take_recorded_dir_looks_for(built, tmp_path):
    """narration.csv is the checklist for recording in one's own voice: its
    files, made and put in a folder, are exactly what recorded:DIR reads."""
    from cuecast.narrate import get_voice, narrate_lesson
    from cuecast.narrate.base import write_wav

    lesson, timeline, _, paths = built
    rows = list(csv.DictReader(paths["narration.csv"].open()))
    assert [r["beat_id"] for r in rows] == [n.beat_id for n in sorted(timeline.narration, key=lambda n: n.start)]
    casting = next(r for r in rows if r["beat_id"] == "casting-1")
    assert (casting["file"], casting["section_title"], casting["text"]) == ("casting-1.wav", "Casting", LONG_SAY)
    assert float(casting["seconds"]) == pytest.approx(4.0, abs=0.01)  # the take's real length
    takes = tmp_path / "takes"
    takes.mkdir()
    for row in rows:
        write_wav(takes / row["file"], b"\x10\x00" * 2205, 22050)
    clips = narrate_lesson(lesson, get_voice(f"recorded:{takes}"), tmp_path / "cache")
    assert sorted(clips) == sorted(r["beat_id"] for r in rows)


def test_timecode():
    assert timecode(0, 30) == "00:00:00:00"
    assert timecode(3661 + 29 / 30, 30) == "01:01:01:29"
    assert timecode(2.5, 24) == "00:00:02:12"


def test_writing_again_replaces_files_atomically(built):
    lesson, timeline, build_dir, paths = built
    before = paths["cues.json"].stat().st_ino
    write_timeline_outputs(timeline, lesson, build_dir)
    assert paths["cues.json"].stat().st_ino != before  # renamed into place, not rewritten
    assert sorted(p.name for p in build_dir.iterdir() if p.is_file()) == sorted(name for name, _, _ in WRITERS)


def test_caption_groups_keep_sentences_together_and_respect_limits():
    from cuecast.export.captions import caption_groups

    assert caption_groups("Tensors are n-dimensional arrays. They have a shape and a dtype.") == [
        ("Tensors are n-dimensional arrays.", "They have a shape and a dtype.")
    ]
    groups = caption_groups(LONG_SAY + " Short one.")
    assert all(1 <= len(g) <= 2 and all(len(line) <= MAX_LINE for line in g) for g in groups)
    assert " ".join(" ".join(g) for g in groups) == LONG_SAY + " Short one."
    assert caption_groups("x" * 100) == [("x" * 42, "x" * 42), ("x" * 16,)]


def test_long_sentences_are_cut_where_a_clause_ends():
    from cuecast.export.captions import caption_groups

    text = ("When a sentence runs long, as narration often does when it explains a tensor, "
            "the caption breaks after a clause; never in the middle of a short phrase.")
    groups = caption_groups(text)
    assert [g[-1][-1] for g in groups] == [",", "."]  # each cue ends where a clause or sentence ends
    assert all(len(g) <= 2 and all(len(line) <= 42 for line in g) for g in groups)
    assert " ".join(" ".join(g) for g in groups) == text


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


def test_word_timed_captions_cut_between_words_and_tag_each_word_in_its_cue(tmp_path):
    """A voice that times its words: each cue starts as its first word is
    said, and every later word carries a WebVTT timestamp tag that rises and
    stays inside the cue (the webvtt-py reader still reads the words)."""
    import re

    from cuecast.model import Word

    lesson = make_lesson(tmp_path)
    clips = silent_clips(lesson)
    tokens = LONG_SAY.split()
    step = 9.0 / len(tokens)
    words = tuple(Word(t, round(0.1 + i * step, 3), round(0.1 + i * step + step * 0.8, 3)) for i, t in enumerate(tokens))
    clips["casting-1"] = VoiceClip("casting-1", LONG_SAY, None, 9.2, words=words)
    timeline = plan_timeline(lesson, clips, make_captures(), voice="piper")
    paths = write_timeline_outputs(timeline, lesson, tmp_path / "build")
    said = next(n for n in timeline.narration if n.beat_id == "casting-1")
    assert [(w.text, w.start) for w in said.words] == [(w.text, pytest.approx(said.start + w.start)) for w in words]
    text = paths["captions.vtt"].read_text()
    stamp = r"(\d\d):(\d\d):(\d\d)\.(\d{3})"
    seconds = lambda m: int(m[0]) * 3600 + int(m[1]) * 60 + int(m[2]) + int(m[3]) / 1000  # noqa: E731
    cues = re.findall(rf"^(casting-1\.\d+)\n{stamp} --> {stamp}\n((?:.+\n)+)", text, flags=re.M)
    assert len(cues) > 1
    tagged = []
    for ident, *times, payload in cues:
        start, end = seconds(times[:4]), seconds(times[4:])
        tags = [seconds(t) for t in re.findall(rf"<{stamp}>", payload)]
        assert len(tags) == len(payload.split()) - 1  # every word but the first
        assert tags == sorted(tags) and all(start < t < end for t in tags)
        # the first cue shows as the clip starts; each later one as its first word is said
        assert start == pytest.approx(said.words[len(tagged)].start if tagged else said.start, abs=1e-3)
        tagged.extend(re.sub(r"<[^>]*>", "", payload).split())
    assert tagged == tokens
    vtt = [c for c in webvtt.read(str(paths["captions.vtt"])) if c.identifier.startswith("casting-1")]
    assert " ".join(c.text.replace("\n", " ") for c in vtt) == LONG_SAY
