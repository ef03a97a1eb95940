"""The ffmpeg pipeline: one H.264 clip per segment, then one concat + mux.

Why this shape (measured on 2 cores at 1280×720): piping every frame of a
lesson through Python and ffmpeg reaches about 4× realtime, because most of
the cost is moving 2.7 MB per frame through a pipe and converting it to YUV,
even when the picture has not changed.  Here a clip receives only the frames
where the picture *changes* (a typed character, a cursor blink, an output
line), each piped once; a ``setpts`` expression puts every piped frame at its
frame index on the clip's clock and the ``fps`` filter repeats it until the
next one, after the YUV conversion.  A held picture still costs x264 about
6 ms of CPU a frame at 1080p (its skip frames are not free), so a long held
stretch is encoded once as a short unit and repeated by the concat demuxer
instead (``cuecast.video.hold``, ``concat_copy``).

Every clip is encoded with the same codec settings, so the clips join with
the concat demuxer and ``-c copy``; they are also the per-segment media that
the editors' timeline links to.

Uses only the ffmpeg binary that ``imageio-ffmpeg`` ships (no ffprobe, no
system ffmpeg).
"""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from cuecast.defaults import FPS
from cuecast.errors import CuecastError
from cuecast.ffmpeg import ffmpeg_exe

#: AAC bitrate of the narration track (mono speech).
AUDIO_BITRATE = "128k"

#: Linux's F_SETPIPE_SZ: a 1 MiB pipe moves a frame in fewer context switches.
_F_SETPIPE_SZ = 1031


class EncodeError(CuecastError):
    """ffmpeg failed; carries the tail of ffmpeg's own message."""


@dataclass(frozen=True)
class EncodeSettings:
    """Everything that shapes a clip's bitstream.  Every clip of one video
    uses the same settings, which is what lets them join with ``-c copy``."""

    width: int
    height: int
    fps: int = FPS
    preset: str = "veryfast"
    crf: int = 20
    keyint_seconds: int = 10
    subme: int = 0

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    def video_codec_args(self) -> list[str]:
        return [
            "-c:v", "libx264",
            "-preset", self.preset,
            "-crf", str(self.crf),
            "-pix_fmt", "yuv420p",
            "-profile:v", "high",
            "-g", str(self.fps * self.keyint_seconds),
            "-bf", "0",  # decoding order is display order: a held unit's repeat is cut at any frame
            # Full-pixel motion only: screen content moves by whole pixels (typing, scrolling by
            # lines), and skipping the sub-pixel search and its half-pixel planes saves a third of
            # x264's time a frame at 1080p for 3% more bytes (PSNR 53.5 dB against 54.3 dB).
            "-x264-params", f"subme={self.subme}",
            "-video_track_timescale", str(self.fps * 1000),
        ]


def frame_count(seconds: float, fps: int) -> int:
    """Frames from the start of the lesson clock to ``seconds``.  Segment
    boundaries are rounded on the lesson clock, never per segment, so rounding
    never accumulates: the video lasts ``round(duration * fps)`` frames."""
    return int(round(seconds * fps))


def pts_expression(keyframes: Sequence[int]) -> str:
    """An ffmpeg expression mapping a piped frame's ordinal ``N`` to the clip
    frame where it appears: a balanced tree of ``if(lt(N,k),…,…)`` over
    runs of evenly spaced keyframes, so a typing run of hundreds of frames
    costs one leaf and evaluation stays logarithmic."""
    runs: list[tuple[int, int, int]] = []  # (first ordinal, first frame, stride)
    i = 0
    while i < len(keyframes):
        if i + 1 < len(keyframes):
            stride = keyframes[i + 1] - keyframes[i]
            j = i + 1
            while j + 1 < len(keyframes) and keyframes[j + 1] - keyframes[j] == stride:
                j += 1
            runs.append((i, keyframes[i], stride))
            i = j + 1
        else:
            runs.append((i, keyframes[i], 0))
            i += 1

    def leaf(run: tuple[int, int, int]) -> str:
        ordinal, frame, stride = run
        if stride == 0:
            return str(frame)
        return f"{frame}+(N-{ordinal})*{stride}" if ordinal else f"{frame}+N*{stride}"

    def tree(lo: int, hi: int) -> str:
        if hi - lo == 1:
            return leaf(runs[lo])
        mid = (lo + hi) // 2
        return f"if(lt(N,{runs[mid][0]}),{tree(lo, mid)},{tree(mid, hi)})"

    return tree(0, len(runs))


class ProcessRegistry:
    """The ffmpeg processes a render has running, so an interrupt (Ctrl-C,
    an error in another segment) can kill every one of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen] = set()
        self.cancelled = threading.Event()

    def add(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.add(proc)
        if self.cancelled.is_set():
            proc.kill()

    def remove(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._procs.discard(proc)

    def kill_all(self) -> None:
        self.cancelled.set()
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


def _run(args: list[str], what: str, registry: Optional[ProcessRegistry] = None,
         feed: Optional[bytes] = None) -> None:
    """Run ffmpeg to its end (``feed``: its standard input), raising
    ``EncodeError`` with the tail of what it said if it fails."""
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL if feed is None else subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if registry is not None:
        registry.add(proc)
    try:
        _, err = proc.communicate(feed)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if registry is not None:
            registry.remove(proc)
    if proc.returncode != 0:
        _raise_failed(what, err, registry, proc.returncode)


def _raise_failed(what: str, err: bytes, registry: Optional[ProcessRegistry], returncode: int = 1) -> None:
    if registry is not None and registry.cancelled.is_set():
        raise KeyboardInterrupt
    tail = err.decode("utf-8", errors="replace").strip().splitlines()[-6:]
    if returncode == -signal.SIGXFSZ:  # killed past the file-size limit before it could say so
        tail.append(os.strerror(errno.EFBIG))
    elif returncode < 0:
        try:
            tail.append(f"killed by {signal.Signals(-returncode).name}")
        except ValueError:
            tail.append(f"killed by signal {-returncode}")
    raise EncodeError(f"ffmpeg failed while {what}: " + " / ".join(tail))


def encode_frames(
    frames: Iterable[tuple[int, bytes]],
    keyframes: Sequence[int],
    n_frames: int,
    out_path: Path,
    settings: EncodeSettings,
    registry: Optional[ProcessRegistry] = None,
    on_frame: Optional[Callable[[int], None]] = None,
    what: str = "encoding a clip",
) -> Path:
    """Encode a clip of exactly ``n_frames`` frames from the pictures at its
    ``keyframes`` (ascending, starting at 0): ``frames`` yields
    ``(frame index, raw RGB24 bytes)`` for each keyframe in order, and each
    picture is held until the next.  The container is always MP4 (``-f
    mp4``), whatever ``out_path`` is called, so a temporary name works."""
    if not keyframes or keyframes[0] != 0:
        raise ValueError("keyframes must start at frame 0")
    if n_frames < 1:
        raise ValueError("a clip needs at least one frame")
    fps = settings.fps
    # One extra copy of the last picture at n_frames: the fps filter only
    # emits a frame once it has seen the next one, so this closes the clip.
    schedule = list(keyframes) + [n_frames]
    expression = pts_expression(schedule)
    vf = f"setpts='({expression})/({fps}*TB)',format=yuv420p,fps={fps}"
    args = [
        ffmpeg_exe(), "-y", "-nostdin", "-hide_banner", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{settings.width}x{settings.height}",
        "-framerate", str(fps), "-i", "pipe:0",
        "-filter:v", vf,
        "-frames:v", str(n_frames),
        *settings.video_codec_args(),
        "-an", "-movflags", "+faststart", "-f", "mp4", str(out_path),
    ]
    err_chunks: list[bytes] = []
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if registry is not None:
        registry.add(proc)
    reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True)
    reader.start()
    expected = iter(keyframes)
    last: Optional[bytes] = None
    frame_bytes = settings.width * settings.height * 3
    try:
        try:
            fcntl.fcntl(proc.stdin.fileno(), _F_SETPIPE_SZ, 1 << 20)
        except OSError:
            pass
        for index, data in frames:
            if registry is not None and registry.cancelled.is_set():
                raise KeyboardInterrupt
            if index != next(expected, None):
                raise ValueError(f"frame {index} was not announced as a keyframe")
            if len(data) != frame_bytes:
                raise ValueError(f"frame {index} has {len(data)} bytes, expected {frame_bytes}")
            proc.stdin.write(data)
            last = data
            if on_frame is not None:
                on_frame(index)
        if next(expected, None) is not None or last is None:
            raise ValueError("the scene yielded fewer frames than it announced")
        proc.stdin.write(last)
        proc.stdin.close()
        proc.wait()
    except BrokenPipeError:
        proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        reader.join()
        for pipe in (proc.stdin, proc.stderr):  # closed here, not left to the garbage collector
            try:
                pipe.close()
            except OSError:
                pass  # stdin's last flush into a pipe that ffmpeg already closed
        if registry is not None:
            registry.remove(proc)
    if proc.returncode != 0:
        _raise_failed(what, b"".join(err_chunks), registry, proc.returncode)
    return out_path


def encode_pcm(pcm: bytes, rate: int, out_path: Path, bitrate: str = AUDIO_BITRATE,
               registry: Optional[ProcessRegistry] = None) -> Path:
    """Mono 16-bit PCM samples as AAC in an MP4 (``.m4a``), fed to ffmpeg
    through a pipe: the mixed narration of a long lesson is tens of
    megabytes uncompressed, and never needs to touch the disk."""
    # ``-aac_coder fast``: ffmpeg's default coder (twoloop) took 7.3 s of CPU for the default lesson's
    # 224 s of narration, fast 2.2 s; at 128 kb/s for one voice the two are not told apart.
    _run([ffmpeg_exe(), "-y", "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1",
          "-i", "pipe:0", "-c:a", "aac", "-aac_coder", "fast", "-b:a", bitrate, "-f", "mp4", str(out_path)],
         "encoding the narration", registry, feed=pcm)
    return out_path


def write_listing(entries: Sequence[tuple[Path, Optional[float]]], listing: Path) -> Path:
    """An ffconcat file joining ``entries``: each a clip and where to cut it
    (``outpoint``, in seconds; ``None``: the whole clip).  A clip may be
    listed many times: a held stretch's unit is (``cuecast.video.hold``)."""
    lines = ["ffconcat version 1.0"]
    for clip, outpoint in entries:
        escaped = str(Path(clip).resolve()).replace("'", "'\\''")
        lines.append(f"file '{escaped}'")
        if outpoint is not None:
            lines.append(f"outpoint {outpoint:.6f}")
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return listing


def concat_copy(entries: Sequence[tuple[Path, Optional[float]]], out_path: Path, work_dir: Path,
                registry: Optional[ProcessRegistry] = None, what: str = "joining a clip's pieces") -> Path:
    """One clip from ``entries`` (see ``write_listing``) without re-encoding:
    every entry was encoded with the same settings and without B-frames, so
    packets in decoding order are frames in display order and an ``outpoint``
    cuts at the exact frame."""
    listing = write_listing(entries, Path(work_dir) / f"{Path(out_path).name}.ffconcat")
    _run([ffmpeg_exe(), "-y", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "concat", "-safe", "0",
          "-i", str(listing), "-map", "0:v:0", "-c:v", "copy", "-movflags", "+faststart", "-f", "mp4",
          str(out_path)], what, registry)
    return out_path


def concat_and_mux(
    clips: Sequence[Path],
    audio: Optional[Path],
    out_path: Path,
    work_dir: Path,
    audio_bitrate: str = AUDIO_BITRATE,
    registry: Optional[ProcessRegistry] = None,
) -> Path:
    """Join the clips with the concat demuxer (``-c copy``: no re-encode)
    and mux the narration (a WAV is encoded to AAC; an ``.m4a`` from
    ``encode_pcm`` is copied), with the index up front (``+faststart``) so
    the video starts playing before it has downloaded."""
    listing = write_listing([(clip, None) for clip in clips], work_dir / "clips.ffconcat")
    args = [ffmpeg_exe(), "-y", "-nostdin", "-hide_banner", "-loglevel", "error",
            "-f", "concat", "-safe", "0", "-i", str(listing)]
    if audio is not None:
        codec = ["-c:a", "copy"] if Path(audio).suffix == ".m4a" else ["-c:a", "aac", "-b:a", audio_bitrate]
        args += ["-i", str(audio), "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", *codec]
    else:
        args += ["-map", "0:v:0", "-c:v", "copy"]
    args += ["-movflags", "+faststart", "-f", "mp4", str(out_path)]
    _run(args, "joining the segment clips", registry)
    return out_path


def probe(path: Path) -> dict:
    """What ``ffmpeg -i`` says about a media file: ``duration`` (seconds),
    ``video`` (codec, width, height, fps) and ``audio`` (codec) or ``None``.
    Parses ffmpeg's stream lines, since imageio-ffmpeg ships no ffprobe."""
    import re

    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True)
    text = result.stderr
    info: dict = {"duration": None, "video": None, "audio": None}
    m = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", text)
    if m:
        info["duration"] = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    for line in text.splitlines():
        stream = re.search(r"Stream #\d+:\d+.*?: (Video|Audio): (\w+)", line)
        if not stream:
            continue
        if stream.group(1) == "Video" and info["video"] is None:
            size = re.search(r", (\d{2,5})x(\d{2,5})", line)
            rate = re.search(r", ([\d.]+) fps", line)
            info["video"] = {
                "codec": stream.group(2),
                "width": int(size.group(1)) if size else None,
                "height": int(size.group(2)) if size else None,
                "fps": float(rate.group(1)) if rate else None,
                "pix_fmt": "yuv420p" if "yuv420p" in line else None,
            }
        elif stream.group(1) == "Audio" and info["audio"] is None:
            info["audio"] = {"codec": stream.group(2)}
    return info
