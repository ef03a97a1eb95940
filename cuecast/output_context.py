"""What an output's writer reads (``OutputContext``), as plain data.

It sits with the values, below every stage, because every layer that writes
a file gets one: the deck's writers, the timeline's formats, the video, the
notebook and the review page all take ``write(context, path)``
(``cuecast.outputs`` holds the table of them).  A stage fills in what it
has; a writer reads only the fields its output is made of.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from cuecast.defaults import FPS, FRAME_SIZE
from cuecast.model import Capture, Lesson, Timeline


@dataclass(frozen=True)
class VideoParts:
    """What the video is joined from: the encoded segment clips (in
    timeline order), the narration track, the stage's temporary folder and
    the registry its ffmpeg processes are kept in (so a cancelled build
    stops the join too)."""

    clips: Sequence[Any]
    narration: Path
    work: Path
    registry: Any = None


@dataclass
class OutputContext:
    """The values one build's outputs are written from.

    ``lesson`` is the templated lesson (what every output says);
    ``build_dir`` is ``build/<lesson id>/``.  The fields a stage has not made
    stay ``None``: the notebook's stage lays out no deck.  ``outputs`` and
    ``video_state`` are what the review page links and says about the video;
    ``pdf`` is the deck's PDF option (``None``, ``"slides"``, ``"handout"``).
    """

    lesson: Lesson
    build_dir: Path
    size: tuple[int, int] = FRAME_SIZE
    fps: int = FPS
    captures: Mapping[str, Capture] = field(default_factory=dict)
    theme: Any = None
    deck: Any = None
    timeline: Optional[Timeline] = None
    slides: Sequence[Any] = ()
    pdf: Optional[str] = None
    video: Optional[VideoParts] = None
    outputs: Mapping[str, Path] = field(default_factory=dict)
    video_state: Any = None
    problems: Sequence[Any] = ()
    #: Values several writers of one build share (the OTIO timeline the EDL
    #: and FCP XML are converted from, the cue sheet's rows), made once.
    _shared: dict = field(default_factory=dict, repr=False)

    def shared(self, name: str, make: Callable[[], Any]) -> Any:
        """``make()``, called by the first writer that asks for ``name``."""
        if name not in self._shared:
            self._shared[name] = make()
        return self._shared[name]
