"""``timeline.edl``: CMX 3600 through ``otio-cmx3600-adapter``.

CMX 3600 has room for one video track here: the adapter drops the audio
track, so the EDL carries the picture cut and the cue markers (as ``* LOC:``
comments, upper-cased by the adapter) but not the narration; import
``timeline.otio`` or ``timeline.xml`` for the audio.  Reel names are the
first 8 characters of the segment id, unique thanks to its ``sNNN`` prefix.
A video at a rate SMPTE timecode cannot count (a 10 fps preview) gets its
EDL at the nearest rate it can, with a note saying so.
"""

from __future__ import annotations

from pathlib import Path

from cuecast.atomic import write_text
from cuecast.export.common import at_smpte_rate

def write_edl(otio_timeline, path: Path) -> Path:
    import opentimelineio as otio

    picture_only = otio_timeline.deepcopy()
    for track in list(picture_only.tracks):
        if track.kind != otio.schema.TrackKind.Video:
            picture_only.tracks.remove(track)
    picture_only, fps, rate = at_smpte_rate(picture_only)
    text = otio.adapters.write_to_string(picture_only, adapter_name="cmx_3600")
    if rate != fps:  # a comment on the last event: readers take comments only after an event
        text = text.rstrip("\n") + f"\n* NOTE: THE VIDEO IS {fps:g} FPS; SMPTE TIMECODE HERE IS {rate} FPS\n"
    return write_text(path, text)
