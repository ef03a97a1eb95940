"""Reading pictures back for comparison: one decoded frame of a video by its
index (ffmpeg's own decoder, the one cuecast ships), an image file, and how
far apart two pictures are."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

from cuecast.ffmpeg import ffmpeg_exe


def video_size(video: Path) -> tuple[int, int]:
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(video)], capture_output=True, text=True)
    match = re.search(r"Video: .*?, (\d{2,5})x(\d{2,5})", probe.stderr)
    assert match, probe.stderr
    return int(match.group(1)), int(match.group(2))


def frame_count(video: Path) -> int:
    """Frames in the video's first video stream, by decoding them all."""
    run = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(video), "-map", "0:v:0",
                          "-f", "null", "-"], capture_output=True, text=True)
    counts = re.findall(r"frame=\s*(\d+)", run.stderr)
    assert counts, run.stderr
    return int(counts[-1])


def video_frame(video: Path, index: int) -> np.ndarray:
    """Frame ``index`` (0-based, in decode order) as an RGB array."""
    width, height = video_size(video)
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-nostdin", "-i", str(video), "-vf",
                          f"select=eq(n\\,{index})", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    assert len(raw) == width * height * 3, f"no frame {index} in {video}"
    return np.frombuffer(raw, np.uint8).reshape(height, width, 3).astype(np.int16)


def video_frames(video: Path, first: int, last: int) -> list[np.ndarray]:
    """Frames ``first`` to ``last`` (inclusive) as RGB arrays, in one decode."""
    width, height = video_size(video)
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-nostdin", "-i", str(video), "-vf",
                          f"select=between(n\\,{first}\\,{last})", "-fps_mode", "passthrough", "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    size = width * height * 3
    assert len(raw) == size * (last - first + 1), f"frames {first}-{last} are not all in {video}"
    return [np.frombuffer(raw[i:i + size], np.uint8).reshape(height, width, 3).astype(np.int16)
            for i in range(0, len(raw), size)]


def picture(path: Path, size: tuple[int, int] | None = None) -> np.ndarray:
    with Image.open(path) as image:
        image = image.convert("RGB")
        if size is not None and image.size != size:
            image = image.resize(size, Image.LANCZOS)
        return np.asarray(image).astype(np.int16)


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference per channel (0 = the same picture, 255 = opposite)."""
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def frame_at(video: Path, seconds: float, folder: Path) -> np.ndarray:
    """The frame shown ``seconds`` into ``video`` as an RGB array (written
    as a PNG in ``folder`` on the way)."""
    png = folder / f"at-{seconds:.3f}.png"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-ss", f"{seconds:.3f}", "-i", str(video),
                    "-frames:v", "1", str(png)], check=True)
    return np.asarray(Image.open(png).convert("RGB")).astype(np.int16)


def near(pixels: np.ndarray, colour, tolerance: int = 14) -> int:
    """How many of ``pixels`` are within ``tolerance`` of ``colour`` in every
    channel; ``colour`` is ``(r, g, b)`` or ``"#rrggbb"``."""
    if isinstance(colour, str):
        colour = tuple(int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return int((np.abs(pixels - np.array(colour, dtype=np.int16)).max(axis=-1) <= tolerance).sum())


def frames_by_index(scene) -> dict[int, np.ndarray]:
    """Copies of a simulated screen's picture at every keyframe (the scene
    reuses one image)."""
    return {index: np.asarray(picture).copy() for index, picture in scene.render()}


def picture_at(frames: dict[int, np.ndarray], frame: int) -> np.ndarray:
    """What ``frame`` shows: the picture of the last keyframe up to it."""
    return frames[max(k for k in frames if k <= frame)]


def has_colour(pixels: np.ndarray, colour: str, tolerance: int = 12, at_least: int = 3) -> bool:
    return near(pixels.astype(np.int16), colour, tolerance) >= at_least
