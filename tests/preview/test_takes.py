"""Takes recorded in the preview page: a good one becomes the beat's take
(the one it replaces kept beside it) and re-times the lesson; one that is
not audio, is silent or runs far past its beat is refused at the beat's
line and replaces nothing.  In real Chromium, with a fake microphone playing
a known WAV, the Record button's take reaches the rebuilt timeline; a
refused microphone is reported on the page and in the terminal."""

from __future__ import annotations

import json
import math
import shutil
import struct
import subprocess
import sys
import urllib.error
import urllib.request
import wave
from pathlib import Path

import opentimelineio as otio
import pytest

from cuecast.narrate.base import wav_duration
from cuecast.preview.takes import TakeRefused, save_take
from cuecast.script import load_lesson
from tests.cli.test_watch import Lines
from tests.preview.test_preview import RENDER, free_port, wait_until
from tests.support.cdp import Browser, find_chromium
from tests.test_build import copy_tiny


def tone(path: Path, seconds: float, amplitude: int = 9000, rate: int = 48000) -> Path:
    """A WAV of a warbling tone (speech-loud), or silence at amplitude 0."""
    frames = b"".join(
        struct.pack("<h", int(amplitude * math.sin(2 * math.pi * (220 + 80 * math.sin(6 * i / rate)) * i / rate)))
        for i in range(int(seconds * rate)))
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(frames)
    return path


@pytest.fixture
def lesson(tmp_path):
    return load_lesson(copy_tiny(tmp_path / "project"))


def first_beat(lesson):
    return next(beat for _, beat in lesson.beats() if beat.say)


def test_a_good_take_is_kept_and_the_one_it_replaces_moves_beside_it(lesson, tmp_path):
    beat = first_beat(lesson)
    first = save_take(lesson, beat.id, tone(tmp_path / "a.wav", 2.0).read_bytes(), planned=3.0)
    assert first.path == Path(lesson.root) / "recordings" / f"{beat.id}.wav" and first.previous is None
    assert wav_duration(first.path) == pytest.approx(2.0, abs=0.01)
    second = save_take(lesson, beat.id, tone(tmp_path / "b.wav", 2.5).read_bytes(), planned=3.0)
    assert second.previous == first.path.parent / "previous" / f"{beat.id}.1.wav"
    assert wav_duration(second.path) == pytest.approx(2.5, abs=0.01)
    assert wav_duration(second.previous) == pytest.approx(2.0, abs=0.01)
    assert sorted(p.name for p in first.path.parent.iterdir()) == sorted([f"{beat.id}.wav", "previous"])


@pytest.mark.parametrize("case, message", [
    ("not-audio", "is not audio"),
    ("silent", "is silent"),
    ("too-long", "far past the beat's 2.0 s"),
    ("no-beat", "has no beat 'nope'"),
])
def test_a_bad_take_is_refused_at_its_beat_and_replaces_nothing(lesson, tmp_path, case, message):
    beat = first_beat(lesson)
    good = save_take(lesson, beat.id, tone(tmp_path / "good.wav", 1.5).read_bytes(), planned=2.0)
    before = good.path.read_bytes()
    data = {
        "not-audio": b"<html>this is not a recording</html>" * 50,
        "silent": tone(tmp_path / "silent.wav", 2.0, amplitude=0).read_bytes(),
        "too-long": tone(tmp_path / "long.wav", 12.0).read_bytes(),
        "no-beat": tone(tmp_path / "ok.wav", 1.0).read_bytes(),
    }[case]
    with pytest.raises(TakeRefused, match=message) as refused:
        save_take(lesson, "nope" if case == "no-beat" else beat.id, data, planned=2.0)
    if case != "no-beat":
        assert refused.value.location == beat.location and refused.value.hint
    assert good.path.read_bytes() == before
    assert sorted(p.name for p in good.path.parent.iterdir()) == [f"{beat.id}.wav"]  # no leftovers


def post(url: str, data: bytes, origin: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=data, method="POST", headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, json.loads(body) if body.startswith(b"{") else {"text": body.decode()}


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="needs Debian's chromium (installed by .ci/run)")
def test_recording_a_beat_in_the_page_puts_the_take_in_the_rebuilt_timeline(tmp_path):
    script = copy_tiny(tmp_path / "project")
    root = script.parent.parent
    beat = first_beat(load_lesson(script))
    microphone = tone(tmp_path / "microphone.wav", 4.0)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-u", RENDER, "preview", str(script), "--port", str(port), "--device", "cpu",
         "--size", "320x180", "--fps", "10", "--stop-after", "300"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=root)
    lines = Lines(process)
    page = f"http://127.0.0.1:{port}/tiny/"
    try:
        lines.wait_for("tiny: slides", timeout=240)
        lines.wait_for("video joined", timeout=240)
        flags = ("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 f"--use-file-for-fake-audio-capture={microphone}")
        with Browser(find_chromium(), flags=flags) as browser:
            browser.open(page)
            row = f"document.querySelector('#take-rows tr[data-beat=\"{beat.id}\"]')"
            wait_until(browser, row)
            assert browser.evaluate(f"{row}.dataset.source") == "synthetic"
            browser.evaluate(f"{row}.querySelector('button.record').click()")
            wait_until(browser, "window.cuecastTakes.log.some(e => e.type === 'recording')")
            browser.settle(2.5)
            browser.evaluate("window.cuecastTakes.stop()")
            wait_until(browser, "window.cuecastTakes.log.some(e => e.type === 'saved')", timeout=60)
            wait_until(browser, "window.cuecastTakes.log.some(e => e.type === 'retimed')", timeout=180)
            wait_until(browser, "window.cuecastTakes.log.some(e => e.type === 'playback')", timeout=30)
            assert browser.evaluate(f"{row}.dataset.source") == "take"
            assert browser.evaluate(f"{row}.querySelector('.source').innerText") == "your take"
            others = browser.evaluate("[...document.querySelectorAll('#take-rows tr')].map(r => r.dataset.source)")
            assert others.count("take") == 1 and others.count("synthetic") == len(others) - 1
            played = next(e for e in browser.evaluate("window.cuecastTakes.log") if e["type"] == "playback")
            take = root / "recordings" / f"{beat.id}.wav"
            assert played["duration"] == pytest.approx(wav_duration(take), abs=0.1)
            assert 1.5 < wav_duration(take) < 4.5  # about the 2.5 s recorded
        lines.wait_for(f"take for {beat.id}: {take}")

        # the rebuilt timeline narrates the beat with the take
        cues = json.loads((root / "build" / "tiny" / "cues.json").read_text())
        clip = next(c for c in cues["clips"] if c["beat_id"] == beat.id)
        assert clip["voice"] == {"engine": "recorded", "model": str(take), "settings": {}}
        assert clip["end"] - clip["start"] == pytest.approx(wav_duration(take), abs=0.01)
        timeline = otio.adapters.read_from_file(str(root / "build" / "tiny" / "timeline.otio"))
        audio = [c for c in timeline.tracks[1].find_clips() if c.name == beat.id]
        assert len(audio) == 1
        placed = Path(audio[0].media_reference.target_url.removeprefix("file://"))
        assert placed.read_bytes() == take.read_bytes()

        # a take that is not audio, from the page's origin, is refused at the beat and replaces nothing
        before = take.read_bytes()
        status, answer = post(f"http://127.0.0.1:{port}/_cuecast/take?lesson=tiny&beat={beat.id}",
                              b"not audio at all" * 100, f"http://127.0.0.1:{port}")
        at = f"script/tiny.yaml:{beat.location.line}:{beat.location.col}"
        assert status == 422 and "is not audio" in answer["error"] and answer["where"] == at
        lines.wait_for(f"{at}: error: the take for beat '{beat.id}' is not audio")
        assert take.read_bytes() == before
        # another site's page cannot post a take
        status, _ = post(f"http://127.0.0.1:{port}/_cuecast/take?lesson=tiny&beat={beat.id}",
                         tone(tmp_path / "evil.wav", 1.0).read_bytes(), "http://evil.example")
        assert status == 403 and take.read_bytes() == before

        # a microphone the browser refuses: said at the beat on the page, and in the terminal
        with Browser(find_chromium(), flags=("--deny-permission-prompts",)) as browser:
            browser.open(page)
            wait_until(browser, row)
            browser.evaluate(f"{row}.querySelector('button.record').click()")
            wait_until(browser, f"{row}.querySelector('.problem').innerText.includes('microphone was refused')")
        lines.wait_for("warning: recording in the page failed: beat")
    finally:
        process.terminate()
        process.wait(30)
        shutil.rmtree(root / "build", ignore_errors=True)
