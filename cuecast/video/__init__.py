"""The narrated screen-capture video (``render video``).

The video stage (``cuecast.build.LessonBuilder.stage_video``) follows a
Timeline: ``compose.encode_segments`` draws each segment (slides from the
deck's raster drawer, simulated VS Code (``editor``) and browser
(``browser``) captures drawn incrementally with Pillow) and encodes it with
the ffmpeg that imageio-ffmpeg ships (``encode``), a held end once
(``hold``); ``compose.narration_track`` mixes the narration (``audio``) and
``compose.join_segments`` joins the clips with it.
"""
