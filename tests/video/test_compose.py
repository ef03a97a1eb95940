"""The video stage (``LessonBuilder.stage_video``, what ``render build`` and
``render video`` run) from a Timeline to an MP4, read back with the ffmpeg
that imageio-ffmpeg ships: streams, duration, and a frame sampled inside
every segment showing it."""

from __future__ import annotations

import os
import wave
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from cuecast.build import BuildOptions, LessonBuild, LessonBuilder
from cuecast.errors import ConfigError, CuecastError
from cuecast.model import Beat, Capture, Cue, Lesson, Location, Narration, Section, Segment, Timeline
from cuecast.video.browser import LIGHT
from cuecast.video.canvas import hex_rgb
from cuecast.video.compose import segment_media_path
from cuecast.video.encode import probe
from tests.support.frames import frame_at, near

SIZE = (480, 270)
FPS = 30
CODE = '''import torch

# region main
x = torch.tensor([1, 2, 3])
def double(t):
    return t * 2  # twice
print(double(x), "done")
# endregion
'''
def where(line: int) -> Location:
    return Location("script/demo.yaml", line, 1)


@pytest.fixture
def lesson(tmp_path) -> Lesson:
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "double.py").write_text(CODE)
    editor = Cue("vscode", "s-2", where(5), snippet="snippets/double.py", lines=(3, 8))
    browser = Cue("browser", "s-3", where(8), url="https://pytorch.org/docs/stable/nn.html", title="torch.nn")
    beats = (
        Beat("s-1", where(4), say="Tensors have a shape.", bullet="Tensors have a shape."),
        Beat("s-2", where(5), say="Doubling a tensor.", cue=editor),
        Beat("s-3", where(8), say="The documentation.", cue=browser),
    )
    return Lesson("demo", "Demo", "script/demo.yaml", str(tmp_path), where(1),
                  sections=(Section("s", "S", where(3), beats=beats),))


@pytest.fixture
def captures():
    return {"snippets/double.py": Capture("snippets/double.py", "ok", "tensor([2, 4, 6]) done\n")}


@pytest.fixture
def timeline(tmp_path) -> Timeline:
    wav = tmp_path / "s-1.wav"
    with wave.open(str(wav), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(22050)
        t = np.arange(22050) / 22050
        handle.writeframes((np.sin(2 * np.pi * 440 * t) * 12000).astype("<i2").tobytes())
    segments = (
        Segment("s000-title", "slide", 0.0, 1.2, "", slide_id="title"),
        Segment("s001-s", "slide", 1.2, 2.5, "s", ("s-1",), slide_id="section:s"),
        Segment("s002-s-2", "vscode", 2.5, 6.5, "s", ("s-2",), cue_id="s-2", type_seconds=1.5, output_at=2.3),
        Segment("s003-s-3", "browser", 6.5, 8.5, "s", ("s-3",), cue_id="s-3"),
        Segment("s004-outro", "slide", 8.5, 9.2137, "", slide_id="title"),
    )
    narration = (
        Narration("s-1", "s", "Tensors have a shape.", 1.4, 2.4, str(wav)),
        Narration("s-2", "s", "Doubling a tensor.", 2.9, 4.5, None),
    )
    return Timeline("demo", "Demo", segments, narration)


def video_stage(root: Path, lesson, captures, timeline, size=SIZE, captions="none", progress=None) -> Path:
    """The video stage of a build of ``lesson`` planned as ``timeline``;
    returns the lesson's build folder."""
    options = BuildOptions(only=("video",), size=size, fps=FPS, captions=captions)
    builder = LessonBuilder(LessonBuild(lesson, captures), options,
                            on_progress=None if progress is None else
                            lambda lesson_id, stage, fraction, status: progress.append(fraction))
    builder.timeline = timeline
    builder.run("video")
    assert Path(lesson.root) == root
    return root / "build" / lesson.id


@pytest.fixture
def rendered(tmp_path, lesson, captures, timeline):
    progress = []
    build = video_stage(tmp_path, lesson, captures, timeline, progress=progress)
    return build / "video.mp4", progress


def test_the_video_has_both_streams_and_the_timeline_duration(rendered, timeline):
    out, progress = rendered
    info = probe(out)
    assert info["video"]["codec"] == "h264" and info["video"]["pix_fmt"] == "yuv420p"
    assert (info["video"]["width"], info["video"]["height"]) == SIZE and info["video"]["fps"] == FPS
    assert info["audio"]["codec"] == "aac"
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert abs(frames / FPS - timeline.duration) <= 1 / FPS
    assert abs(info["duration"] - timeline.duration) <= 1 / FPS
    assert progress[0] == 0.0 and progress[-1] == 1.0
    meter = progress[1:-1]  # the stage's own reports: frames done over frames in all
    assert len(meter) > 5 and meter[-1] == pytest.approx(1.0)
    assert progress == sorted(progress)


def test_every_segment_shows_what_it_should(rendered, tmp_path, timeline):
    out, _ = rendered
    media = out.parent / "media"
    title = frame_at(out, 0.6, tmp_path)
    still = np.asarray(Image.open(media / "s000-title.png").convert("RGB")).astype(np.int16)
    assert np.abs(title - still).mean() < 3
    section = frame_at(out, 2.0, tmp_path)
    assert np.abs(section - np.asarray(Image.open(media / "s001-s.png")).astype(np.int16)).mean() < 3

    from cuecast.video.editor import DARK

    typing = frame_at(out, 2.5 + 0.3, tmp_path)
    typed = frame_at(out, 2.5 + 2.2, tmp_path)
    ran = frame_at(out, 6.3, tmp_path)
    height = SIZE[1]
    code, terminal = slice(int(0.1 * height), int(0.6 * height)), slice(int(0.7 * height), int(0.94 * height))
    for colour in ("#569cd6", "#dcdcaa", "#c586c0", "#6a9955"):
        assert near(typed[code], hex_rgb(colour), 40) > near(typing[code], hex_rgb(colour), 40), colour
    assert near(ran[terminal, SIZE[0] // 5:], hex_rgb(DARK["terminal_text"]), 60) > near(typing[terminal, SIZE[0] // 5:], hex_rgb(DARK["terminal_text"]), 60)

    page = frame_at(out, 8.3, tmp_path)
    assert near(page[int(0.04 * SIZE[1]):int(0.09 * SIZE[1])], hex_rgb(LIGHT["address"]), 6) > 1000  # the URL bar
    outro = frame_at(out, 9.1, tmp_path)
    assert np.abs(outro - still).mean() < 3


def test_per_segment_media_are_written_where_the_timeline_links_them(rendered, tmp_path, timeline):
    build = rendered[0].parent
    media = build / "media"
    for segment in timeline.segments:
        path = segment_media_path(media, segment)
        assert path.is_file(), path
        if path.suffix == ".mp4":
            frames, _ = imageio_ffmpeg.count_frames_and_secs(str(path))
            assert frames == round(segment.end * FPS) - round(segment.start * FPS)
        else:
            assert Image.open(path).size == SIZE
    from cuecast import plan

    for segment in timeline.segments:
        assert plan.media_path(build, segment) == segment_media_path(media, segment)
    assert not [p.name for p in build.iterdir() if p.name.startswith(".video-") and p.name != ".video-cache"]


def test_burned_captions_show_the_narration(tmp_path, lesson, captures, timeline):
    out = video_stage(tmp_path, lesson, captures, timeline, captions="burn") / "video.mp4"
    bottom = SIZE[1] * 2 // 3
    with_caption = frame_at(out, 2.0, tmp_path)[bottom:]
    plain = np.asarray(Image.open(out.parent / "media" / "s001-s.png").convert("RGB")).astype(np.int16)[bottom:]
    caption_box = (np.abs(with_caption - plain).max(axis=-1) > 40).sum()
    assert caption_box > 2000 and near(with_caption, (255, 255, 255), 30) > 20
    before = frame_at(out, 1.3, tmp_path)[bottom:]  # the narration starts at 1.4 s, as in captions.srt
    assert np.abs(before - plain).mean() < 3


def test_burned_captions_are_the_sidecar_cues(timeline):
    from cuecast.export.captions import build_captions
    from cuecast.video.compose import caption_screens

    screens = caption_screens(timeline, SIZE)
    assert [(round(a * 1000), round(b * 1000), tuple(lines)) for a, b, lines in screens] == [
        (c.start_ms, c.end_ms, c.lines) for c in build_captions(timeline)
    ]


def child_ffmpegs() -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        if "ffmpeg" in name and int(rest[1]) == os.getpid():
            found.append(int(pid))
    return found


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_render_keeps_the_previous_video(tmp_path, lesson, captures, timeline, failure, monkeypatch):
    import cuecast.deck.raster as raster

    out = tmp_path / "build" / "demo" / "video.mp4"
    out.parent.mkdir(parents=True)
    out.write_bytes(b"the previous video")
    calls = []
    real = raster.draw_slide

    def failing_slide(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise failure("stop")
        return real(*args, **kwargs)

    monkeypatch.setattr(raster, "draw_slide", failing_slide)
    with pytest.raises(failure):
        video_stage(tmp_path, lesson, captures, timeline)
    assert out.read_bytes() == b"the previous video"
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".video-")] in ([], [".video-cache"])
    assert child_ffmpegs() == []


def test_bad_options_and_unknown_cues_are_reported(tmp_path, lesson, captures, timeline):
    with pytest.raises(ConfigError, match="even"):
        video_stage(tmp_path, lesson, captures, timeline, size=(321, 180))
    with pytest.raises(ConfigError, match="captions"):
        video_stage(tmp_path, lesson, captures, timeline, captions="soft")
    broken = Timeline("demo", "Demo", (Segment("s0", "vscode", 0, 1, "s", cue_id="nope", type_seconds=0.5),), ())
    with pytest.raises(CuecastError, match="nope"):
        video_stage(tmp_path, lesson, captures, broken)
    assert not (tmp_path / "build" / "demo" / "video.mp4").exists()


def test_a_rerender_reuses_unchanged_segment_clips(tmp_path, lesson, captures, timeline, monkeypatch):
    import cuecast.video.compose as compose

    encoded = set()
    real = compose.encode_frames

    def counting(frames, keyframes, n_frames, out_path, settings, *args, **kwargs):
        encoded.add(kwargs.get("what", ""))
        return real(frames, keyframes, n_frames, out_path, settings, *args, **kwargs)

    monkeypatch.setattr(compose, "encode_frames", counting)
    build = tmp_path / "build" / "demo"
    cache, media, video = build / ".video-cache", build / "media", build / "video.mp4"

    def render(caps):
        video.unlink(missing_ok=True)  # else the build record finds the stage current and skips it
        video_stage(tmp_path, lesson, caps, timeline)

    render(captures)
    assert len(encoded) == 5
    first = frame_at(video, 6.3, tmp_path)
    encoded.clear()
    render(captures)
    assert encoded == set()
    assert len(list(cache.glob("*.m4a"))) == 1  # the narration track is kept too
    assert np.abs(frame_at(video, 6.3, tmp_path) - first).max() == 0
    assert imageio_ffmpeg.count_frames_and_secs(str(media / "s002-s-2.mp4"))[0] == 120

    changed = {"snippets/double.py": Capture("snippets/double.py", "ok", "something else\n" * 4)}
    render(changed)
    assert encoded == {"encoding segment 's002-s-2'"}
    assert len(list(cache.glob("*.mp4"))) == 6  # the old editor clip is kept beside the new one
    assert np.abs(frame_at(video, 6.3, tmp_path) - first).max(axis=-1).astype(bool).sum() > 500

    encoded.clear()
    render(captures)  # the edit undone: every clip, the old editor clip included, comes from the cache
    assert encoded == set()
    assert np.abs(frame_at(video, 6.3, tmp_path) - first).max() == 0
