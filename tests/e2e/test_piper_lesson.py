"""The tiny lesson narrated by the neural voice, as a user builds it: two
builds from nothing (``--no-cache``), each in its own copy of the project,
give byte-identical narration; cues.json names the voice and times every
word; the WebVTT captions tag each word inside its cue; a second build
speaks nothing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.support.cli import run_render
from tests.support.paths import TINY

pytest.importorskip("piper", reason="the cuecast[voice] extra is not installed")

ARGS = ["build", "script/tiny.yaml", "--only", "timeline", "-j", "1"]


def piper_copy(where: Path) -> Path:
    project = where / "tiny"
    shutil.copytree(TINY, project, ignore=shutil.ignore_patterns("build"))
    script = project / "script" / "tiny.yaml"
    script.write_text(script.read_text().replace("voice: none\n", ""))  # the default voice: piper, installed
    return project


@pytest.mark.slow
def test_two_builds_from_scratch_in_two_copies_narrate_the_same_bytes(tmp_path):
    first, second = piper_copy(tmp_path / "a"), piper_copy(tmp_path / "b")
    for project in (first, second):
        run_render(*ARGS, "--no-cache", cwd=project, check=True)
    audio = sorted((first / "build" / "tiny" / "audio").glob("*.wav"))
    assert len(audio) == 5
    for wav in audio:
        assert wav.read_bytes() == (second / "build" / "tiny" / "audio" / wav.name).read_bytes(), wav.name

    cues = json.loads((first / "build" / "tiny" / "cues.json").read_text())
    assert cues["voice"]["engine"] == "piper" and cues["voice"]["model"] == "en_US-joe-medium"
    assert cues["voice"]["settings"]["noise_seed"] is not None
    for clip in cues["clips"]:
        assert [w for w, _, _ in clip["words"]] == clip["text"].split()
        starts = [start for _, start, _ in clip["words"]]
        assert starts == sorted(starts)
        assert clip["start"] <= starts[0] and all(end <= clip["end"] + 0.001 for _, _, end in clip["words"])

    vtt = (first / "build" / "tiny" / "captions.vtt").read_text()
    stamp = r"(\d\d):(\d\d):(\d\d)\.(\d{3})"
    seconds = lambda m: int(m[0]) * 3600 + int(m[1]) * 60 + int(m[2]) + int(m[3]) / 1000  # noqa: E731
    cues_found = re.findall(rf"^{stamp} --> {stamp}\n((?:.+\n)+)", vtt, flags=re.M)
    assert cues_found
    for *times, payload in cues_found:
        start, end = seconds(times[:4]), seconds(times[4:])
        tags = [seconds(t) for t in re.findall(rf"<{stamp}>", payload)]
        assert len(tags) == len(payload.split()) - 1
        assert tags == sorted(tags) and all(start < t < end for t in tags)

    # warm: nothing is spoken again, and the timeline stage is current
    cache = first / "build" / ".cache" / "voice"
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    again = run_render(*ARGS, cwd=first, check=True)
    assert re.search(r"│ timeline\s+│ skipped", again.stdout), again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == before
