"""The slide deck: a lesson is laid out once into positioned boxes
(``cuecast.deck.layout``), then drawn twice — as native, editable pptx shapes
(``cuecast.deck.pptx_writer``) and as Pillow images for the video and
``render slides --png`` (``cuecast.deck.raster``).

This package's ``__init__`` only holds the slide id scheme, because the
timeline and video stages import it and must not pay for python-pptx.

Slide ids (a contract with the timeline and video stages):

``title``
    the title slide.
``section:<section id>``
    one slide for every section and subsection (bullets, or a title card).
``cue:<beat id>``
    one slide for every cue; long code continues on ``cue:<beat id>/2``, ``/3``…
"""

from __future__ import annotations

from cuecast.model import Beat, Section

TITLE_SLIDE_ID = "title"


def section_slide_id(section: Section) -> str:
    """The id of a (sub)section's own slide."""
    return f"section:{section.id}"


def cue_slide_id(beat: Beat, page: int = 1) -> str:
    """The id of the slide showing ``beat``'s cue; ``page`` > 1 names the
    continuation slides of long code (``cue:<beat id>/2``)."""
    base = f"cue:{beat.id}"
    return base if page <= 1 else f"{base}/{page}"


def base_slide_id(slide_id: str) -> str:
    """A continuation slide's first page id (``cue:x/2`` → ``cue:x``)."""
    head, sep, tail = slide_id.rpartition("/")
    return head if sep and tail.isdigit() and head.startswith("cue:") else slide_id


#: The helpers that make and read slide ids, for callers that want them by name.
SLIDE_IDS = {
    "title": TITLE_SLIDE_ID,
    "section": section_slide_id,
    "cue": cue_slide_id,
    "base": base_slide_id,
}
