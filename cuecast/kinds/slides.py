"""``show: slides``: a slide of its own: a diagram drawn from the snippet's
real run (``diagram: autograd``, its code and output on the pages after) or a
picture (``image:``)."""

from __future__ import annotations

from cuecast.kinds.base import RUNS_SNIPPET, CueKind


def check(reader, entries: dict, fields: dict) -> None:
    if "diagram" not in entries and "image" not in entries:
        reader.error(entries["show"][1], "a slides cue needs a 'diagram' (e.g. autograd) or an 'image'")
    elif "diagram" in entries and "image" in entries:
        reader.error(entries["image"][0], "give a slides cue either 'diagram' or 'image', not both")
    if fields.get("diagram") == "autograd" and "snippet" not in entries:
        reader.error(entries["diagram"][1],
                     "diagram 'autograd' needs a 'snippet' (the code whose autograd graph it draws)")


def instruction(cue) -> str:
    if cue.diagram:
        source = f" of {cue.snippet}" if cue.snippet else ""
        return f"{KIND.marker}: {cue.diagram} diagram{source}"
    if cue.image:
        return f"{KIND.marker}: {cue.image}"
    return f"{KIND.marker}: {cue.caption or cue.title or cue.id}"


KIND = CueKind(
    name="slides",
    keys=("diagram", "image", "snippet", "cell", "lines", "region", "output", "timeout", "expect_error", "title",
          "caption", "pace", "writes", "device"),
    marker="SHOW ON SLIDES",
    check=check,
    instruction=instruction,
    review=lambda cue: f"Slide: {cue.diagram or cue.image or cue.id}",
    capture_name=lambda cue: cue.snippet,
    runs=RUNS_SNIPPET,
    script_word="SLIDE",
)
