"""The narrated screen-capture video (``render video``).

``compose.compose_video`` follows a Timeline: slides from the deck's raster
drawer, simulated VS Code (``editor``) and browser (``browser``) captures
drawn incrementally with Pillow, the narration mixed into one track
(``audio``), all encoded by the ffmpeg that imageio-ffmpeg ships (``encode``).
"""

from __future__ import annotations


def compose_video(*args, **kwargs):
    """See :func:`cuecast.video.compose.compose_video` (imported lazily)."""
    from cuecast.video.compose import compose_video as compose

    return compose(*args, **kwargs)
