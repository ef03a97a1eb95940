"""The defaults more than one stage must agree on, each stated once.

The video's frame size and rate shape the video, the timeline's cuts and
timecodes, the FCP XML sequence, the slide images and the pages captured for
browser cues; the snippet timeout is the runner's and every command's.  Each
is declared here and imported wherever it is a default, so a command-line
default and a library default cannot drift apart."""

from __future__ import annotations

#: The video's frame size in pixels, width by height (``--size``).
FRAME_SIZE: tuple[int, int] = (1920, 1080)

#: The video's frames per second (``--fps``); the timeline is cut on them.
FPS = 30

#: Seconds a snippet may run when its cue sets no ``timeout:`` (``--timeout``).
SNIPPET_TIMEOUT = 60.0

#: The folder of a lesson's build folder that holds the timeline segments'
#: media (the output ``segment media``; ``plan.media_path`` names each file).
SEGMENT_MEDIA = "media"
