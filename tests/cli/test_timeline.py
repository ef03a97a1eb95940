"""``render timeline`` end to end: the summary, every file written, voice
errors as exit code 2 with located messages.  The fast tests stand in for the
parser and runner with a hand-built lesson; the slow one runs the real ones."""

from __future__ import annotations

import shutil

import opentimelineio as otio
import pytest
from click.testing import CliRunner

from cuecast.cli import cli
from cuecast.outputs import stage_outputs
from tests.test_plan import make_captures, make_lesson
from tests.support.paths import PROJECT



@pytest.fixture
def fake_stages(tmp_path, monkeypatch):
    """``load_lessons`` and the runner returning the hand-built lesson and its captures."""
    lesson = make_lesson(tmp_path)
    script = tmp_path / "script" / "lesson.yaml"
    script.parent.mkdir()
    script.write_text("# stand-in\n")
    import cuecast.parse_cache
    import cuecast.runner

    monkeypatch.setattr(cuecast.parse_cache, "load_lessons", lambda target=None: [lesson])
    monkeypatch.setattr(cuecast.runner.Runner, "run_lessons", lambda self, lessons: [make_captures()])
    monkeypatch.chdir(tmp_path)
    return lesson, script


def test_render_timeline_writes_everything_and_summarises(fake_stages, tmp_path):
    lesson, script = fake_stages
    result = CliRunner().invoke(cli, ["timeline", str(script), "--voice", "espeak"])
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("lesson: 6 sections, 4 cues, 9 narrated beats, ")
    assert "voice espeak-ng" in first
    build = tmp_path / "build" / "lesson"
    for entry in stage_outputs("timeline"):
        assert (build / entry.file).is_file()
        assert f"build/lesson/{entry.file}" in result.stdout and entry.label in result.stdout
    wavs = sorted(p.name for p in (build / "audio").iterdir())
    assert wavs == sorted(f"{beat.id}.wav" for _, beat in lesson.beats())
    timeline = otio.adapters.read_from_file(str(build / "timeline.otio"))
    assert timeline.metadata["cuecast"]["voice"] == "espeak"
    assert len(list(timeline.tracks[1].find_clips())) == 9
    assert any((tmp_path / "build" / ".cache" / "voice").glob("*.wav"))


def test_voice_none_writes_no_audio(fake_stages, tmp_path):
    _, script = fake_stages
    result = CliRunner().invoke(cli, ["timeline", str(script), "--voice", "none", "--rate", "200"])
    assert result.exit_code == 0, result.stderr
    assert "voice none (silent, 200 wpm estimate)" in result.stdout
    assert not (tmp_path / "build" / "lesson" / "audio").exists()
    timeline = otio.adapters.read_from_file(str(tmp_path / "build" / "lesson" / "timeline.otio"))
    assert len(list(timeline.tracks[1].find_clips())) == 0


def test_size_and_fps_reach_the_fcp_sequence_and_the_otio_rate(fake_stages, tmp_path):
    import xml.etree.ElementTree as ET

    _, script = fake_stages
    result = CliRunner().invoke(cli, ["timeline", str(script), "--voice", "none", "--size", "1280x720",
                                      "--fps", "25"])
    assert result.exit_code == 0, result.stderr
    build = tmp_path / "build" / "lesson"
    chars = ET.parse(build / "timeline.xml").getroot().find(".//sequence/media/video/format/samplecharacteristics")
    assert (chars.findtext("width"), chars.findtext("height"), chars.findtext("rate/timebase")) == ("1280", "720", "25")
    timeline = otio.adapters.read_from_file(str(build / "timeline.otio"))
    assert {clip.duration().rate for clip in timeline.tracks[0].find_clips()} == {25}
    bad = CliRunner().invoke(cli, ["timeline", str(script), "--size", "1280"])
    assert bad.exit_code == 2 and "expected WIDTHxHEIGHT" in bad.stderr


def test_missing_recordings_exit_2_and_list_every_beat(fake_stages, tmp_path):
    _, script = fake_stages
    (tmp_path / "rec").mkdir()
    result = CliRunner().invoke(cli, ["timeline", str(script), "--voice", "recorded:rec"])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "no recording for beat" in line]
    assert len(lines) == 9
    assert lines[0].startswith("script/lesson.yaml:7:1 │ no recording for beat 'intro-1'")
    allowed = CliRunner().invoke(
        cli, ["timeline", str(script), "--voice", "recorded:rec", "--allow-missing"])
    assert allowed.exit_code == 0, allowed.stderr
    assert allowed.stderr.count("using a silent estimate") == 9


def test_unknown_voice_is_a_usage_error(fake_stages):
    _, script = fake_stages
    result = CliRunner().invoke(cli, ["timeline", str(script), "--voice", "robot"])
    assert result.exit_code == 2
    assert "error: unknown voice 'robot' (expected one of: piper, piper:PATH.onnx, espeak, none, recorded:DIR)" in result.stderr


def test_missing_target_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["timeline", "nope/"])
    assert result.exit_code == 2
    assert "nope does not exist" in result.stderr


@pytest.mark.slow
def test_tiny_lesson_with_the_real_parser_and_runner(tmp_path, monkeypatch):
    shutil.copytree(PROJECT / "tests" / "tinybuild", tmp_path / "tiny")
    monkeypatch.chdir(tmp_path / "tiny")
    result = CliRunner().invoke(cli, ["timeline", "script/tiny.yaml", "--device", "cpu"])
    assert result.exit_code == 0, result.stderr
    build = tmp_path / "tiny" / "build" / "tiny"
    timeline = otio.adapters.read_from_file(str(build / "timeline.otio"))
    kinds = [c.metadata["cuecast"]["kind"] for c in timeline.tracks[0]]
    assert kinds.count("vscode") == 2 and kinds.count("browser") == 1
    assert timeline.metadata["cuecast"]["voice"] == "none"  # the script's voice: none
