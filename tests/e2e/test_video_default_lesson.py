"""The default lesson's video through ``render video`` on a scratch copy of
the project (slow: every segment is drawn and encoded), read back with the
ffmpeg that imageio-ffmpeg ships and sampled inside every segment."""

from __future__ import annotations

import shutil
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import click
import pytest
from click.testing import CliRunner
from PIL import Image

from cuecast.cli.common import parse_size
from cuecast.cli.video import command as video_command
from cuecast.video.browser import LIGHT
from cuecast.video.editor import DARK
from cuecast.video.encode import probe
from tests.support.paths import PROJECT
from tests.support.frames import frame_at, near

SIZE = (854, 480)


def test_parse_size():
    assert parse_size(None, None, "1280x720") == (1280, 720)
    assert parse_size(None, None, " 640 X 360 ") == (640, 360)
    for bad in ("1280", "1281x720", "8x8", "axb"):
        with pytest.raises(click.BadParameter, match="WIDTHxHEIGHT|even"):
            parse_size(None, None, bad)


def test_a_bad_size_is_a_usage_error_before_anything_runs(tmp_path):
    result = CliRunner().invoke(video_command, [str(tmp_path / "missing.yaml"), "--size", "1279x720"])
    assert result.exit_code == 2
    assert "must be even" in result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    for name in ("script", "snippets", "slides"):
        shutil.copytree(PROJECT / name, root / name)
    if (PROJECT / "build" / ".cache").is_dir():
        shutil.copytree(PROJECT / "build" / ".cache", root / "build" / ".cache", dirs_exist_ok=True)
    result = CliRunner().invoke(
        video_command,
        [str(root / "script" / "pytorch-intro.yaml"), "--size", f"{SIZE[0]}x{SIZE[1]}", "--voice", "none",
         "--device", "cpu", "--captions", "burn"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    video = root / "build" / "pytorch-intro" / "video.mp4"
    assert result.output.strip().splitlines()[-1].endswith(str(Path("build") / "pytorch-intro" / "video.mp4"))
    import opentimelineio as otio

    timeline = otio.adapters.read_from_file(str(root / "build" / "pytorch-intro" / "timeline.otio"))
    return root, video, timeline


def segments(root: Path):
    import json

    cues = json.loads((root / "build" / "pytorch-intro" / "cues.json").read_text())
    return cues["cues"], cues["duration"]


@pytest.mark.slow
def test_the_default_lesson_plays_for_the_timelines_duration(built):
    root, video, _ = built
    rows, duration = segments(root)
    info = probe(video)
    assert info["video"]["codec"] == "h264" and info["audio"]["codec"] == "aac"
    assert (info["video"]["width"], info["video"]["height"]) == SIZE
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(video))
    assert abs(frames / 30 - duration) <= 1 / 30


@pytest.mark.slow
def test_every_segment_shows_its_picture(built, tmp_path):
    root, video, _ = built
    rows, _ = segments(root)
    media = root / "build" / "pytorch-intro" / "media"
    for row in rows:
        start, end = row["start"], row["end"]
        if row["kind"] == "vscode":
            picture = frame_at(video, end - 0.2, tmp_path)
            code, terminal = picture[: int(SIZE[1] * 0.55)], picture[int(SIZE[1] * 0.62): int(SIZE[1] * 0.78)]
            assert near(code, "#569cd6", 40) + near(code, "#c586c0", 40) > 30, row["segment"]
            assert near(code, "#ce9178", 40) + near(code, "#dcdcaa", 40) > 30, row["segment"]
            assert near(terminal[:, SIZE[0] // 5:], DARK["terminal_text"], 60) > 50, row["segment"]
            assert (media / f"{row['segment']}.mp4").is_file()
        elif row["kind"] == "browser":
            picture = frame_at(video, end - 0.2, tmp_path)
            assert near(picture[: int(SIZE[1] * 0.09)], LIGHT["address"], 6) > 2000
        else:
            picture = frame_at(video, (start + end) / 2, tmp_path)
            still = np.asarray(Image.open(media / f"{row['segment']}.png").convert("RGB")).astype(np.int16)
            top = slice(0, int(SIZE[1] * 0.6))  # above any burned caption
            assert np.abs(picture[top] - still[top]).mean() < 4, row["segment"]


@pytest.mark.slow
def test_the_editors_timeline_links_the_rendered_media(built):
    from urllib.parse import unquote, urlsplit

    root, _, timeline = built
    rows, _ = segments(root)
    linked = set()
    for clip in timeline.find_clips():
        url = getattr(clip.media_reference, "target_url", None) or ""
        path = Path(unquote(urlsplit(url).path))
        if path.suffix in (".png", ".mp4") and path.parent.name == "media":
            assert path.is_file(), url
            linked.add(path.stem)
    assert linked == {row["segment"] for row in rows}
