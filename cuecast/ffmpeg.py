"""The ffmpeg binary that imageio-ffmpeg ships.

Every stage that needs ffmpeg (video encoding, decoding an author's MP3 or
M4A recordings) asks here, so a plain ``pip install`` is enough: no system
ffmpeg, and one binary whose version the clip caches can key on.
"""

from __future__ import annotations

from cuecast.errors import CuecastError


class FfmpegMissing(CuecastError):
    """imageio-ffmpeg or its binary is not there."""


def ffmpeg_exe() -> str:
    """The path of imageio-ffmpeg's ffmpeg binary."""
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise FfmpegMissing("imageio-ffmpeg is not installed", hint="pip install imageio-ffmpeg") from exc
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise FfmpegMissing(f"no ffmpeg binary: {exc}", hint="reinstall imageio-ffmpeg") from exc
