"""``timeline.otio``: the lesson as an OpenTimelineIO timeline, and the OTIO
value the EDL and FCP XML writers convert.

* Video track ``V1``: one clip per segment, referencing the file the video
  stage renders for it (``cuecast.plan.media_path``) by an absolute
  ``file://`` URL — what DaVinci Resolve, Premiere and the FCP XML ``pathurl``
  expect; after moving the build folder, relink in the editor.
* Audio track ``A1``: the narration WAVs (``build/<lesson>/audio/<beat>.wav``)
  at their planned times, with gaps between them.
* Markers on cue clips carry the cue kind, snippet path and an instruction
  such as ``SHOW IN VS CODE: snippets/casting.py``, coloured by kind.
* The rate is the timeline's fps; every segment boundary is a whole frame.
"""

from __future__ import annotations

from pathlib import Path

from cuecast import kinds
from cuecast.atomic import write_text
from cuecast.clock import to_frames
from cuecast.export.common import instruction, segment_infos
from cuecast.model import SEGMENT_KINDS, Lesson, Timeline
from cuecast.plan import media_path

#: Marker colour by what the segment shows (OTIO MarkerColor names).
MARKER_COLOURS = kinds.table("otio markers", {
    "vscode": "BLUE",
    "slides": "ORANGE",
    "browser": "GREEN",
    "terminal": "YELLOW",
})
#: The marker colour of a title, section or outro slide.
SLIDE_MARKER_COLOUR = "PURPLE"


def shared_otio(context):
    """The OTIO value of a build's ``OutputContext``, built once for the
    OTIO, EDL and FCP XML writers."""
    return context.shared("otio", lambda: build_otio(context.timeline, context.lesson, context.build_dir))


def build_otio(timeline: Timeline, lesson: Lesson, build_dir: Path):
    """The ``opentimelineio.schema.Timeline`` value (nothing written)."""
    import opentimelineio as otio

    fps = timeline.fps

    def span(start_frames: int, frames: int):
        return otio.opentime.TimeRange(
            otio.opentime.RationalTime(start_frames, fps), otio.opentime.RationalTime(frames, fps)
        )

    result = otio.schema.Timeline(name=timeline.title, global_start_time=otio.opentime.RationalTime(0, fps))
    result.metadata["cuecast"] = dict(timeline.metadata, lesson_id=timeline.lesson_id, voice=timeline.voice)

    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for info in segment_infos(timeline, lesson):
        segment = info.segment
        frames = to_frames(segment.end, fps) - to_frames(segment.start, fps)
        reference = otio.schema.ExternalReference(
            target_url=Path(media_path(build_dir, segment)).resolve().as_uri(),
            available_range=span(0, frames),
        )
        clip = otio.schema.Clip(name=segment.id, media_reference=reference, source_range=span(0, frames))
        kind = info.cue_kind
        cue = info.cue
        details = {
            "kind": segment.kind,
            "cue_kind": kind,
            "cue_id": segment.cue_id,
            "slide_id": segment.slide_id,
            "section": segment.section_id,
            "beats": list(segment.beat_ids),
        }
        if SEGMENT_KINDS[segment.kind].typed:
            details.update(type_seconds=segment.type_seconds, output_at=segment.output_at)
        clip.metadata["cuecast"] = details
        if kind != "title":
            marker_info = {"kind": kind, "instruction": instruction(info, lesson), "cue_id": segment.cue_id}
            if cue is not None and cue.snippet:
                marker_info["snippet"] = cue.snippet
            if cue is not None and cue.url:
                marker_info["url"] = cue.url
            clip.markers.append(
                otio.schema.Marker(
                    name=marker_info["instruction"],
                    marked_range=span(0, 1),
                    color=MARKER_COLOURS.lookup(kind, cue.location) if cue is not None else SLIDE_MARKER_COLOUR,
                    metadata={"cuecast": marker_info},
                )
            )
        video.append(clip)

    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    cursor = 0
    for item in timeline.narration:
        if not item.path:
            continue
        start = to_frames(item.start, fps)
        frames = max(1, to_frames(item.end - item.start, fps))
        if start > cursor:
            audio.append(otio.schema.Gap(source_range=span(0, start - cursor)))
        reference = otio.schema.ExternalReference(
            target_url=Path(item.path).resolve().as_uri(), available_range=span(0, frames)
        )
        clip = otio.schema.Clip(name=item.beat_id, media_reference=reference, source_range=span(0, frames))
        clip.metadata["cuecast"] = {"beat_id": item.beat_id, "section": item.section_id, "text": item.text}
        audio.append(clip)
        cursor = max(cursor, start) + frames

    result.tracks.append(video)
    result.tracks.append(audio)
    return result


def write_otio(otio_timeline, path: Path) -> Path:
    """Serialise to ``path`` atomically."""
    import opentimelineio as otio

    return write_text(path, otio.adapters.write_to_string(otio_timeline, adapter_name="otio_json"))
