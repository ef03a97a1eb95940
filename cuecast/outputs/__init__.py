"""Every file a build writes, in one table: ``OUTPUTS``.

Each output is one module with one ``write(context, path)`` (the context is
``cuecast.output_context.OutputContext``; ``write`` returns the path it
wrote) and one ``Output`` entry here: its key, its label for people, its
file name under ``build/<lesson>/``, the stage that makes it and the module.
A stage writes its outputs with ``write_outputs(stage, context)`` and records
what it returns; ``render build`` and ``render timeline`` list them and the
review page links them under ``output_label``.  Adding a format is one
module plus one entry.

The entry names its module instead of importing it, as OpenTimelineIO's
adapter manifest does: the table sits below every writer (the review page,
itself an output, reads the labels), and a build imports only the writers
of the stages it runs.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

from cuecast.output_context import OutputContext
from cuecast.defaults import SEGMENT_MEDIA


@dataclass(frozen=True)
class Output:
    """One output: ``key`` is what stages and the build record call it (a
    timeline format's key is its file name), ``label`` what people read,
    ``file`` its name in the lesson's build folder, ``stage`` the stage that
    writes it, ``module`` the dotted name of the module whose ``write`` makes
    it (``None``: the stage's own work leaves it, as the video's segment
    clips), ``wanted`` whether a build asks for it (the PDF only when
    ``--pdf`` is given)."""

    key: str
    label: str
    file: str
    stage: str
    module: Optional[str]
    wanted: Optional[Callable[[OutputContext], bool]] = None

    def write(self, context: OutputContext) -> Path:
        if self.module is None:
            raise ValueError(f"the {self.label} is made by the {self.stage} stage itself, not written by a module")
        return importlib.import_module(self.module).write(context, Path(context.build_dir) / self.file)


def _here(name: str) -> str:
    return f"{__name__}.{name}"


#: In the order each stage writes them (the PDF is converted from the deck).
OUTPUTS: list[Output] = [
    Output("deck", "deck", "slides.pptx", "slides", _here("pptx")),
    Output("slide images", "slide images", "slides", "slides", _here("slide_images")),
    Output("pdf", "pdf", "slides.pdf", "slides", _here("pdf"), wanted=lambda context: bool(context.pdf)),
    Output("timeline.otio", "OpenTimelineIO timeline", "timeline.otio", "timeline", _here("otio")),
    Output("timeline.edl", "CMX 3600 EDL (picture only)", "timeline.edl", "timeline", _here("edl")),
    Output("timeline.xml", "FCP 7 XML", "timeline.xml", "timeline", _here("fcpxml")),
    Output("timeline.kdenlive", "Kdenlive project (MLT XML)", "timeline.kdenlive", "timeline", _here("kdenlive")),
    Output("captions.srt", "captions (SRT)", "captions.srt", "timeline", _here("srt")),
    Output("captions.vtt", "captions (WebVTT)", "captions.vtt", "timeline", _here("vtt")),
    Output("chapters.vtt", "chapters (WebVTT)", "chapters.vtt", "timeline", _here("chapters")),
    Output("cues.csv", "cue sheet (CSV)", "cues.csv", "timeline", _here("cues_csv")),
    Output("cues.json", "cue sheet (JSON)", "cues.json", "timeline", _here("cues_json")),
    Output("narration.csv", "recording list (CSV)", "narration.csv", "timeline", _here("recording")),
    Output("video", "video", "video.mp4", "video", _here("video")),
    Output("segment media", "segment media", SEGMENT_MEDIA, "video", None),
    Output("notebook", "notebook", "code.ipynb", "notebook", _here("notebook")),
    Output("review page", "review page", "index.html", "review", _here("review_page")),
]


def output(key: str) -> Output:
    """The entry for ``key``; a ``KeyError`` naming the keys there are."""
    found = next((entry for entry in OUTPUTS if entry.key == key), None)
    if found is None:
        raise KeyError(f"no output '{key}' (there are: {', '.join(entry.key for entry in OUTPUTS)})")
    return found


def output_label(key: str) -> str:
    """What an output is, for people (a key no entry has is its own label)."""
    return next((entry.label for entry in OUTPUTS if entry.key == key), key)


def output_path(key: str, build_dir: Path) -> Path:
    """Where ``key`` is written in ``build_dir``."""
    return Path(build_dir) / output(key).file


def stage_outputs(stage: str) -> list[Output]:
    """The outputs ``stage`` writes, in order."""
    return [entry for entry in OUTPUTS if entry.stage == stage]


def write_outputs(stage: str, context: OutputContext, written: Mapping[str, Path] = (),
                  only: Optional[Sequence[str]] = None) -> dict[str, Path]:
    """Write ``stage``'s outputs that the build wants; key → path, in table
    order.  ``written``: outputs the stage already wrote this build (``render
    preview`` draws the slide images first), listed but not written again;
    ``only``: these keys alone."""
    written = dict(written)
    paths = {}
    for entry in stage_outputs(stage):
        if entry.module is None or (only is not None and entry.key not in only):
            continue
        if entry.key in written:
            paths[entry.key] = written[entry.key]
        elif entry.wanted is None or entry.wanted(context):
            paths[entry.key] = entry.write(context)
    return paths
