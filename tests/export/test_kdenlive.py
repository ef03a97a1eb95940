"""``timeline.kdenlive``: the MLT XML is the plan (tracks, media, guides),
and (slow) Debian's ``melt`` renders it to the video's length, its frames at
every cue start showing that segment's media and its sound where the
narration is."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from cuecast.build import BuildOptions
from cuecast.ffmpeg import ffmpeg_exe
from cuecast.plan import media_path
from tests.support.frames import difference, frame_count, picture, video_frames
from tests.test_build import build, copy_tiny
from tests.support.timeline_outputs import frames


def prop(element: ET.Element, name: str):
    found = element.find(f"property[@name='{name}']")
    return None if found is None else found.text


def entries(playlist: ET.Element) -> list[tuple[str, int, int]]:
    """``(producer or 'blank', start frame, length)`` of a playlist's items."""
    items, cursor = [], 0
    for item in playlist:
        if item.tag == "blank":
            length = int(item.get("length"))
            items.append(("blank", cursor, length))
        elif item.tag == "entry":
            length = int(item.get("out")) - int(item.get("in")) + 1
            items.append((item.get("producer"), cursor, length))
        else:
            continue
        cursor += length
    return items


def track_playlist(root: ET.Element, name: str) -> ET.Element:
    tractor = next(t for t in root.findall("tractor") if prop(t, "kdenlive:track_name") == name)
    first = tractor.find("track").get("producer")
    return root.find(f"playlist[@id='{first}']")


def test_the_project_is_the_plan(written_timeline):
    lesson, timeline, build_dir, paths = written_timeline
    root = ET.parse(paths["timeline.kdenlive"]).getroot()
    assert root.tag == "mlt" and root.get("LC_NUMERIC") == "C" and root.get("producer") == "main_bin"
    assert root.get("root") is None  # media resolve from the project's folder: the build moves whole
    profile = root.find("profile")
    assert (profile.get("width"), profile.get("height"), profile.get("frame_rate_num")) == ("1920", "1080", "30")
    total = frames(timeline.duration)
    main = root[-1]
    assert main.tag == "tractor" and (main.get("in"), main.get("out")) == ("0", str(total - 1))
    assert [t.get("producer") for t in main.findall("track")][0] == "black_track"
    producers = {p.get("id"): p for p in root.findall("producer")}

    main_bin = root.find("playlist[@id='main_bin']")
    assert prop(main_bin, "xml_retain") == "1" and prop(main_bin, "kdenlive:docproperties.version") == "1.04"
    assert {e.get("producer") for e in main_bin.findall("entry")} == set(producers) - {"black_track"}

    video = entries(track_playlist(root, "V1"))
    shown = [s for s in timeline.segments if frames(s.end) > frames(s.start)]
    assert [(start, length) for _, start, length in video] == [
        (frames(s.start), frames(s.end) - frames(s.start)) for s in shown]
    for (producer, _, _), segment in zip(video, shown):
        resource = prop(producers[producer], "resource")
        assert resource == os.path.relpath(media_path(build_dir, segment), build_dir)
        assert prop(producers[producer], "mlt_service") == ("pixbuf" if segment.kind == "slide" else "avformat")

    audio = [item for item in entries(track_playlist(root, "A1")) if item[0] != "blank"]
    spoken = [n for n in timeline.narration if n.path]
    assert len(audio) == len(spoken) == 2
    for (producer, start, _), item in zip(audio, spoken):
        assert start == frames(item.start)
        assert (build_dir / prop(producers[producer], "resource")).resolve() == Path(item.path).resolve()

    guides = json.loads(prop(main_bin, "kdenlive:docproperties.guides"))
    cues = [beat.id for _, beat, _ in lesson.cues()]
    firsts = {}
    for segment in timeline.segments:
        if segment.cue_id and segment.cue_id not in firsts:
            firsts[segment.cue_id] = segment
    assert [g["pos"] for g in guides] == [frames(firsts[c].start) for c in cues if c in firsts]
    assert any(g["comment"] == "SHOW IN BROWSER: https://pytorch.org/docs/stable/nn.html" and g["type"] == 3
               for g in guides)
    assert all(g["comment"].startswith("SHOW ") for g in guides)


def audio_levels(media: Path, seconds: list[tuple[float, float]]) -> list[float]:
    """RMS of the (mono-mixed, 8 kHz) sound within each span."""
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-nostdin", "-i", str(media), "-map", "0:a:0", "-ac", "1",
                          "-ar", "8000", "-f", "s16le", "-"], capture_output=True, check=True).stdout
    samples = np.frombuffer(raw, np.int16).astype(np.float64)
    return [float(np.sqrt(np.mean(samples[int(a * 8000):int(b * 8000)] ** 2))) for a, b in seconds]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("melt") is None, reason="needs Debian's melt (installed by .ci/run)")
def test_melt_renders_the_project_as_the_video(tmp_path):
    script = copy_tiny(tmp_path / "project")
    build(script, BuildOptions(size=(320, 180), fps=30, device="cpu", voice="espeak"))
    out = script.parent.parent / "build" / "tiny"
    rendered = tmp_path / "melt.mkv"
    run = subprocess.run(["melt", "-quiet", str(out / "timeline.kdenlive"), "-consumer", f"avformat:{rendered}",
                          "vcodec=ffv1", "acodec=pcm_s16le", "real_time=-1"],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0 and rendered.is_file(), run.stderr

    total = frame_count(out / "video.mp4")
    assert frame_count(rendered) == total  # the same length to the frame

    root = ET.parse(out / "timeline.kdenlive").getroot()
    guides = json.loads(prop(root.find("playlist[@id='main_bin']"), "kdenlive:docproperties.guides"))
    producers = {p.get("id"): p for p in root.findall("producer")}
    video = entries(track_playlist(root, "V1"))
    media = {start: (out / prop(producers[producer], "resource"), length) for producer, start, length in video}
    assert len(guides) == 4 and all(g["pos"] in media for g in guides)  # the tiny lesson's four cues

    def media_picture(path: Path, index: int) -> np.ndarray:
        return picture(path, (320, 180)) if path.suffix == ".png" else video_frames(path, index, index)[0]

    # each cue's first frame, and the frame half way through its segment, is its own medium's
    for guide in guides:
        path, length = media[guide["pos"]]
        for offset in (0, length // 2):
            (frame,) = video_frames(rendered, guide["pos"] + offset, guide["pos"] + offset)
            own = difference(frame, media_picture(path, offset))
            others = min(difference(frame, media_picture(p, min(offset, n - 1)))
                         for start, (p, n) in media.items() if start != guide["pos"])
            # (an editor's first frame is an empty window much like another's: closest is enough there)
            assert own < 2 and own < (others / 2 if offset else others), (guide, offset, own, others)

    narration = [(start / 30, (start + length) / 30) for producer, start, length
                 in entries(track_playlist(root, "A1")) if producer != "blank"]
    assert narration
    melt_levels = audio_levels(rendered, narration)
    video_levels = audio_levels(out / "video.mp4", narration)
    assert all(level > 100 for level in melt_levels + video_levels)  # the voice is where the plan put it
