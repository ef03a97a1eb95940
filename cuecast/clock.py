"""A position on the lesson clock (seconds from the video's start) as each
reader writes it: the one owner of every time format cuecast prints.

* ``smpte_timecode``: ``HH:MM:SS:FF``, non-drop-frame, for editors (the cue
  sheet, the EDL and FCP 7 XML count in frames);
* ``caption_time``: ``HH:MM:SS,mmm`` (``.mmm`` in WebVTT), for captions;
* ``clock_time``: ``4:05.3`` / ``1:02:03.0``, for people (the review page,
  the timeline summary).
"""

from __future__ import annotations


def to_frames(seconds: float, fps: int) -> int:
    """Seconds on the lesson clock as a whole frame count (plan boundaries
    already fall on frames; rounding only removes float noise)."""
    return int(round(seconds * fps))


def smpte_timecode(seconds: float, fps: int) -> str:
    """Non-drop-frame SMPTE ``HH:MM:SS:FF``."""
    frames = to_frames(seconds, fps)
    ff = frames % fps
    total = frames // fps
    return f"{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}:{ff:02d}"


def caption_time(ms: int, separator: str) -> str:
    """``HH:MM:SS<separator>mmm`` of a time in milliseconds (``,`` for SRT, ``.`` for WebVTT)."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def clock_time(seconds: float) -> str:
    """``4:05.3``, ``1:02:03.0``: a position or length in a lesson's video, as
    the review page and the timeline summary show it.  Rounded to the tenth
    first, so 59.96 s carries into the minute (``1:00.0``, not ``0:60.0``)."""
    minutes, secs = divmod(round(seconds * 10) / 10, 60.0)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours:d}:{minutes:02d}:{secs:04.1f}" if hours else f"{minutes:d}:{secs:04.1f}"
