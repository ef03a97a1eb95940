"""Where the video stage keeps its segment clips (the stage itself is
``cuecast.build.LessonBuilder.stage_video``, which draws the video's slides
from the deck it laid out once)."""

from __future__ import annotations

#: Under the lesson's build folder: segment clips kept between renders.
CLIP_CACHE = ".video-cache"
