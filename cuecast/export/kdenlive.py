"""``timeline.kdenlive``: the lesson as a Kdenlive project, for editors who
cut in Kdenlive or Shotcut (both built on MLT); ``melt`` renders it as is.

No OpenTimelineIO adapter for Kdenlive is installed with cuecast (the
registry's ``otio-kdenlive-adapter`` is a pre-release and
``otio-mlt-adapter`` has not been updated since 2021), so the MLT XML is
written here, in the layout Kdenlive's file format documentation describes
for its 1.04 documents (Kdenlive 20.08 to 22.12; later versions upgrade it
on open, keeping a backup):

* ``<profile>``: the video's frame size and rate.
* One producer per medium, listed in the project bin (``main_bin``) in two
  folders: ``media`` (the segment stills and clips, ``cuecast.plan.media_path``)
  and ``audio`` (the narration WAVs).  Paths are relative and the document
  has no ``root``, so MLT and Kdenlive resolve them from the project's own
  folder: the build folder can be moved whole.
* A video track ``V1`` of the segments, back to back, and an audio track
  ``A1`` of the narration at its planned times; each Kdenlive track is a
  tractor of two playlists (the second holds same-track transitions).
* The main tractor, last in the file, stacks the black background, ``A1``
  and ``V1`` with the transitions Kdenlive adds itself (audio mix, video
  blend), and spans exactly the video's frames.
* A guide per cue at its start, saying what to show
  (``SHOW IN VS CODE: snippets/casting.py``), coloured by kind.

Every time is a whole frame on the lesson clock, rounded as the video stage
rounds it, so the project lasts as long as ``video.mp4`` to the frame.
"""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from math import gcd
from pathlib import Path

from cuecast import kinds
from cuecast.atomic import write_text
from cuecast.clock import to_frames
from cuecast.export.common import instruction, segment_infos
from cuecast.model import SEGMENT_KINDS, Lesson, Timeline
from cuecast.plan import media_path

DOCUMENT_VERSION = "1.04"
#: MLT's version in the ``<mlt>`` element: what Debian's melt and Kdenlive
#: 22.12 write; older readers only compare it to decide on conversions.
MLT_VERSION = "7.12.0"
#: Kdenlive's guide categories (colours) by cue kind: 2 blue, 3 green, 5 orange, 4 a category of its own.
GUIDE_TYPES = kinds.table("kdenlive guides", {"vscode": 2, "browser": 3, "slides": 5, "terminal": 4})
#: The MLT producer for slide stills: ``pixbuf``, which Kdenlive takes for an
#: image clip as it does ``qimage``.  MLT 7.12's ``qimage`` (Debian 12) gives
#: every frame after a still's first in studio range, so a white slide turned
#: grey (235) in a render.
STILL_SERVICE = "pixbuf"
#: Kdenlive's marker for the transitions it adds and manages itself.
INTERNAL = "237"
MEDIA_FOLDER, AUDIO_FOLDER = "2", "3"
FIRST_CLIP_ID = 4


def _prop(element: ET.Element, name: str, value) -> None:
    ET.SubElement(element, "property", name=name).text = str(value)


class _Document:
    """The ``<mlt>`` tree under construction, with the bin's ids."""

    def __init__(self, build_dir: Path, project: Path):
        self.build_dir = Path(build_dir)
        self.folder = Path(project).parent
        self.root = ET.Element("mlt", LC_NUMERIC="C", version=MLT_VERSION, producer="main_bin")
        self.producers: dict[str, tuple[str, str, int]] = {}  # path → (producer id, kdenlive id, frames)
        self.next_id = FIRST_CLIP_ID

    def relative(self, path: Path) -> str:
        """``path`` as the project names it: relative to its folder."""
        return Path(os.path.relpath(Path(path).resolve(), self.folder.resolve())).as_posix()

    def producer(self, path: Path, frames: int, name: str, folder: str, still: bool) -> tuple[str, str]:
        """The producer of ``path`` (made on first use, long enough for every
        use); returns its id and its bin id."""
        key = str(path)
        if key in self.producers:
            ident, kid, length = self.producers[key]
            if frames > length:
                element = self.root.find(f"producer[@id='{ident}']")
                element.set("out", str(frames - 1))
                element.find("property[@name='length']").text = str(frames)
                self.producers[key] = (ident, kid, frames)
            return ident, kid
        kid = str(self.next_id)
        self.next_id += 1
        ident = f"producer{kid}"
        element = ET.SubElement(self.root, "producer", id=ident, **{"in": "0", "out": str(frames - 1)})
        _prop(element, "length", frames)
        _prop(element, "eof", "pause")
        _prop(element, "resource", self.relative(path))
        _prop(element, "mlt_service", STILL_SERVICE if still else "avformat")
        if still:
            _prop(element, "ttl", 25)
            _prop(element, "aspect_ratio", 1)
        _prop(element, "kdenlive:clipname", name)
        _prop(element, "kdenlive:folderid", folder)
        _prop(element, "kdenlive:id", kid)
        self.producers[key] = (ident, kid, frames)
        return ident, kid


def _profile(size: tuple[int, int], fps: int) -> dict[str, str]:
    width, height = size
    d = gcd(width, height)
    return {
        "description": f"{width}x{height} {fps} fps (cuecast)", "width": str(width), "height": str(height),
        "progressive": "1", "sample_aspect_num": "1", "sample_aspect_den": "1",
        "display_aspect_num": str(width // d), "display_aspect_den": str(height // d),
        "frame_rate_num": str(fps), "frame_rate_den": "1", "colorspace": "709",
    }


def _entry(playlist: ET.Element, producer: tuple[str, str], frames: int) -> None:
    entry = ET.SubElement(playlist, "entry", producer=producer[0], **{"in": "0", "out": str(frames - 1)})
    _prop(entry, "kdenlive:id", producer[1])


def _track(root: ET.Element, number: int, name: str, audio: bool, total: int) -> tuple[ET.Element, str]:
    """A Kdenlive track: its two playlists and the tractor joining them;
    returns the first playlist (the clips go there) and the tractor's id."""
    hide = "video" if audio else "audio"
    playlists = [ET.SubElement(root, "playlist", id=f"playlist{2 * number + i}") for i in range(2)]
    if audio:
        for playlist in playlists:
            _prop(playlist, "kdenlive:audio_track", 1)
    ident = f"tractor{number}"
    tractor = ET.SubElement(root, "tractor", id=ident, **{"in": "0", "out": str(total - 1)})
    _prop(tractor, "kdenlive:track_name", name)
    if audio:
        _prop(tractor, "kdenlive:audio_track", 1)
    for playlist in playlists:
        ET.SubElement(tractor, "track", producer=playlist.get("id"), hide=hide)
    return playlists[0], ident


def _transition(tractor: ET.Element, ident: str, service: str, track: int, total: int, **properties) -> None:
    transition = ET.SubElement(tractor, "transition", id=ident, **{"in": "0", "out": str(total - 1)})
    for name, value in (("a_track", 0), ("b_track", track), ("mlt_service", service), ("kdenlive_id", service),
                        ("internal_added", INTERNAL), ("always_active", 1), *properties.items()):
        _prop(transition, name, value)


def kdenlive_project(timeline: Timeline, lesson: Lesson, build_dir: Path, size: tuple[int, int],
                     project: Path) -> ET.Element:
    """The project's ``<mlt>`` tree; media paths relative to ``project``'s folder."""
    fps = timeline.fps
    total = max(1, to_frames(timeline.duration, fps))
    doc = _Document(build_dir, project)
    root = doc.root
    ET.SubElement(root, "profile", **_profile(size, fps))

    # Media first (MLT resolves references in document order), then the bin.
    clips = []
    for info in segment_infos(timeline, lesson):
        segment = info.segment
        first, last = to_frames(segment.start, fps), to_frames(segment.end, fps)
        if last <= first:
            continue  # shorter than half a frame: the video has no frame of it either
        still = SEGMENT_KINDS[segment.kind].still
        clips.append((info, first, last - first,
                      doc.producer(media_path(build_dir, segment), last - first, segment.id, MEDIA_FOLDER, still)))
    sounds = []
    for item in timeline.narration:
        if not item.path:
            continue
        start = min(to_frames(item.start, fps), total - 1)
        frames = max(1, min(to_frames(item.end, fps), total) - start)
        sounds.append((start, frames, doc.producer(Path(item.path), frames, item.beat_id, AUDIO_FOLDER, False)))

    main_bin = ET.SubElement(root, "playlist", id="main_bin")
    guides = []
    seen_cues = set()
    for info, first, _, _ in clips:
        if info.cue is None or info.segment.cue_id in seen_cues:
            continue
        seen_cues.add(info.segment.cue_id)
        guides.append({"comment": instruction(info, lesson), "pos": first, "type": GUIDE_TYPES.lookup(info.cue.kind, info.cue.location)})
    for name, value in (
        ("kdenlive:docproperties.version", DOCUMENT_VERSION),
        ("kdenlive:docproperties.decimalPoint", "."),
        # a number, as Kdenlive makes it (it names the document's cache folder); stable per lesson
        ("kdenlive:docproperties.documentid", int(hashlib.sha256(timeline.lesson_id.encode()).hexdigest()[:12], 16)),
        ("kdenlive:docproperties.guides", json.dumps(guides, ensure_ascii=False)),
        (f"kdenlive:folder.-1.{MEDIA_FOLDER}", "media"),
        (f"kdenlive:folder.-1.{AUDIO_FOLDER}", "audio"),
        ("kdenlive:documentnotes", f"{timeline.title}: made by cuecast from lesson '{timeline.lesson_id}'"),
        ("xml_retain", 1),  # the bin is kept, never played
    ):
        _prop(main_bin, name, value)
    for ident, kid, frames in doc.producers.values():
        _entry(main_bin, (ident, kid), frames)

    black = ET.SubElement(root, "producer", id="black_track", **{"in": "0", "out": str(total - 1)})
    for name, value in (("length", total), ("eof", "continue"), ("resource", "black"), ("aspect_ratio", 1),
                        ("mlt_service", "color"), ("set.test_audio", 0)):
        _prop(black, name, value)

    audio_playlist, audio_track = _track(root, 0, "A1", audio=True, total=total)
    cursor = 0
    for start, frames, producer in sounds:
        start = max(start, cursor)  # one track: an overlapping take follows the one before
        frames = min(frames, total - start)
        if frames <= 0:
            continue
        if start > cursor:
            ET.SubElement(audio_playlist, "blank", length=str(start - cursor))
        _entry(audio_playlist, producer, frames)
        cursor = start + frames
    video_playlist, video_track = _track(root, 1, "V1", audio=False, total=total)
    for _, _, frames, producer in clips:
        _entry(video_playlist, producer, frames)

    main = ET.SubElement(root, "tractor", id="maintractor", global_feed="1", **{"in": "0", "out": str(total - 1)})
    ET.SubElement(main, "track", producer="black_track")
    ET.SubElement(main, "track", producer=audio_track)
    ET.SubElement(main, "track", producer=video_track)
    _transition(main, "transition0", "mix", 1, total, sum=1)
    _transition(main, "transition1", "mix", 2, total, sum=1)
    _transition(main, "transition2", "qtblend", 2, total, compositing=0)
    return root


def write_kdenlive(timeline: Timeline, lesson: Lesson, build_dir: Path, path: Path,
                   size: tuple[int, int]) -> Path:
    """Write ``timeline.kdenlive`` atomically."""
    root = kdenlive_project(timeline, lesson, build_dir, size, path)
    ET.indent(root, space=" ")
    return write_text(path, "<?xml version='1.0' encoding='utf-8'?>\n" + ET.tostring(root, encoding="unicode") + "\n")
