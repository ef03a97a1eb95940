"""The ffmpeg every stage uses is imageio-ffmpeg's, and one that is not
there is a cuecast error saying how to get it back, not a RuntimeError."""

from __future__ import annotations

import subprocess

import pytest

from cuecast.errors import CuecastError
from cuecast.ffmpeg import FfmpegMissing, ffmpeg_exe


def test_the_shipped_binary_runs():
    done = subprocess.run([ffmpeg_exe(), "-hide_banner", "-version"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.startswith("ffmpeg version")


def test_no_binary_is_an_error_with_the_fix(monkeypatch):
    import imageio_ffmpeg

    def nothing_found():
        raise RuntimeError("No ffmpeg exe could be found.")

    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", nothing_found)
    with pytest.raises(FfmpegMissing) as caught:
        ffmpeg_exe()
    assert isinstance(caught.value, CuecastError)
    assert caught.value.message == "no ffmpeg binary: No ffmpeg exe could be found."
    assert caught.value.hint == "reinstall imageio-ffmpeg"
