"""Held stretches: a segment's long end where the picture no longer changes
(a slide, code waiting for the narration) or only repeats (a blinking cursor).

Why: x264 spends about 9 ms of CPU on every 1920x1080 frame at ``veryfast``
even when nothing on it changed (lookahead, skip decisions, reconstruction),
and most of a lesson's frames are such frames: in the default lesson 6,200
of 6,700 frames repeat an earlier picture.  Encoding them cost about 75 s of
CPU at 1080p.  Here a held stretch is encoded once, as a *unit* of about a
second that starts on a key frame, and the segment's clip lists that unit
as many times as the stretch needs (the concat demuxer, ``-c copy``: no
re-encode), the last time cut short at the exact frame.  A segment thus costs
its changing frames plus one unit, however long it is held.

A unit repeats whole periods of the scene (``hold()``: from which frame on
the picture repeats, and every how many frames), so a blinking cursor keeps
blinking in step.  The price is one key frame per unit instead of one per
``keyint``: about 12 KB a unit for a slide, 50 KB for an editor at 1080p,
so the default lesson's video.mp4 was 14 MB instead of 6.7 MB.  Units of two
seconds made it 9.4 MB but encoded 3,167 frames instead of 2,306.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Sequence

#: A scene (``cuecast.video.canvas.Scene``); not imported, since canvas asks
#: this module for the hold of the scene it captions.
Scene = Any

#: How long a held stretch's encoded unit lasts, at least: longer units mean
#: fewer key frames (a smaller file) and more frames encoded per segment.
UNIT_SECONDS = 1.0


def hold_of(scene: Scene) -> tuple[int, int]:
    """``(first, period)``: from frame ``first`` on, frame ``f`` shows the
    picture of frame ``f - period``.  A scene that knows better says so with a
    ``hold()`` method; any scene is held after its last keyframe."""
    hold = getattr(scene, "hold", None)
    if hold is not None:
        return hold()
    return scene.keyframes()[-1], 1


@dataclass(frozen=True)
class Pieces:
    """How a segment of ``n_frames`` is encoded: frames ``[0, head)`` as they
    come, then frames ``[head, head + unit)`` as a unit shown ``repeats``
    whole times and then for ``rest`` more frames."""

    n_frames: int
    head: int
    unit: int
    repeats: int
    rest: int

    @property
    def encoded_frames(self) -> int:
        return self.head + self.unit


def plan_pieces(n_frames: int, first: int, period: int, fps: int) -> Pieces:
    """The pieces of a scene held from ``first`` with ``period``: a unit of
    whole periods lasting at least ``UNIT_SECONDS``, used only when the held
    stretch outlasts it by a period or more (else everything is the head:
    nothing to gain)."""
    period = max(1, period)
    unit = period * max(1, -(-round(UNIT_SECONDS * fps) // period))
    first = max(0, min(first, n_frames))
    held = n_frames - first
    if held < unit + period:
        return Pieces(n_frames, n_frames, 0, 0, 0)
    return Pieces(n_frames, first, unit, held // unit, held % unit)


def window(scene: Scene, first: int, last: int) -> tuple[list[int], Iterator[tuple[int, bytes]]]:
    """Frames ``[first, last)`` of a freshly made ``scene`` as a clip of their
    own: its keyframes counted from ``first`` (starting at 0: the picture on
    screen at ``first``), and ``(frame, RGB bytes)`` for each.  The scene is
    drawn from its start (drawing is incremental), but only these frames'
    pictures are converted to bytes."""
    keys: Sequence[int] = scene.keyframes()
    shown = [key for key in keys if key <= first]
    start = shown[-1] if shown else 0
    wanted = [start] + [key for key in keys if first < key < last]

    def frames() -> Iterator[tuple[int, bytes]]:
        targets = iter(wanted)
        target = next(targets, None)
        for index, picture in scene.render():
            if target is None:
                break
            if index == target:
                yield max(0, index - first), picture.tobytes()
                target = next(targets, None)

    return [max(0, key - first) for key in wanted], frames()
