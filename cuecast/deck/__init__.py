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
    one slide for every section and subsection (bullets, or a title card);
    bullets written after a cue bring it back as a build with them added,
    ``section:<section id>+2``, ``+3``… (see ``section_parts``); bullets
    that do not fit one slide continue on ``section:<section id>/2`` (or
    ``…+2/2``), ``/3``….
``cue:<beat id>``
    one slide for every cue; long code continues on ``cue:<beat id>/2``, ``/3``…
``outro``
    the closing slide, when the plan has one (``PlanOptions.outro_seconds``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from cuecast.model import Beat, Section

TITLE_SLIDE_ID = "title"
OUTRO_SLIDE_ID = "outro"


def slide_slug(slide_id: str) -> str:
    """The part of a timeline segment's id that names the slide it shows:
    ``title``, ``outro``, ``section:<id>+2`` → ``<id>-2``."""
    return slide_id.split(":", 1)[-1].replace("+", "-")


def section_slide_id(section: Section, build: int = 1) -> str:
    """The id of a (sub)section's own slide; ``build`` > 1 names the slide
    again with the bullets written after a cue added."""
    base = f"section:{section.id}"
    return base if build <= 1 else f"{base}+{build}"


@dataclass(frozen=True)
class SectionPart:
    """One stretch of a section in written order: a run of beats said over
    the section slide ``slide_id`` (which shows ``bullets``, every bullet
    written so far), or one beat's ``cue``."""

    beats: tuple[Beat, ...]
    slide_id: Optional[str] = None
    bullets: tuple[Beat, ...] = ()

    @property
    def cue_beat(self) -> Optional[Beat]:
        return self.beats[0] if self.slide_id is None else None


def section_parts(section: Section) -> list[SectionPart]:
    """The section in the order it was written: a section opens on its slide
    (a title card when a cue comes first); a run of beats after a cue brings
    the slide back, as a new build when the run adds bullets.  The deck and
    the timeline both walk this list, so they agree on every slide id."""
    parts: list[SectionPart] = []
    bullets: list[Beat] = []
    builds = 1
    run: list[Beat] = []

    def close_run() -> None:
        nonlocal builds
        if not run and parts:
            return
        added = [beat for beat in run if beat.bullet is not None]
        if added and parts:
            builds += 1
        bullets.extend(added)
        parts.append(SectionPart(tuple(run), section_slide_id(section, builds), tuple(bullets)))
        run.clear()

    for beat in section.beats:
        if beat.cue is None:
            run.append(beat)
            continue
        close_run()
        parts.append(SectionPart((beat,)))
    close_run()
    return parts


def cue_slide_id(beat: Beat, page: int = 1) -> str:
    """The id of the slide showing ``beat``'s cue; ``page`` > 1 names the
    continuation slides of long code (``cue:<beat id>/2``)."""
    return page_slide_id(f"cue:{beat.id}", page)


def page_slide_id(slide_id: str, page: int) -> str:
    """The id of page ``page`` of the slide ``slide_id`` (``/2`` from the second)."""
    return slide_id if page <= 1 else f"{slide_id}/{page}"


def base_slide_id(slide_id: str) -> str:
    """A continuation slide's first page id (``cue:x/2`` → ``cue:x``,
    ``section:x+2/2`` → ``section:x+2``)."""
    head, sep, tail = slide_id.rpartition("/")
    return head if sep and tail.isdigit() and head.startswith(("cue:", "section:")) else slide_id


def cue_pages(slide_ids) -> dict[str, int]:
    """How many pages each cue's (and section slide's) slides take
    (``cue:x`` → 2 for ``cue:x`` and ``cue:x/2``), from a deck's slide ids
    in order."""
    pages: dict[str, int] = {}
    for slide_id in slide_ids:
        if slide_id.startswith(("cue:", "section:")):
            base = base_slide_id(slide_id)
            pages[base] = pages.get(base, 0) + 1
    return pages


def page_beats(slides) -> dict[str, tuple[str, ...]]:
    """The beats whose bullets each page of a section slide holds (slide id
    → beat ids), from a deck's slides: the timeline shows a continued page
    while its bullets are said."""
    return {slide.id: slide.beat_ids for slide in slides if slide.beat_ids}


#: The helpers that make and read slide ids, for callers that want them by name.
SLIDE_IDS = {
    "title": TITLE_SLIDE_ID,
    "outro": OUTRO_SLIDE_ID,
    "section": section_slide_id,
    "cue": cue_slide_id,
    "base": base_slide_id,
}
