"""Lay a lesson out into slides of positioned boxes — once — for both the
pptx writer and the raster drawer (see ``cuecast.deck.boxes`` for units).

Slides, in order: ``title``; then for every section and subsection its
``section:<id>`` slide (bullets with nested points, or a title card when it
has none), followed by one ``cue:<beat id>`` slide per cue of its beats
(code, diagram, image or browser), long code continuing on ``…/2``, ``…/3``.
Every slide's speaker notes are the narration of its beats.
"""

from __future__ import annotations

import re

from dataclasses import replace
from pathlib import Path
from typing import Mapping, Optional

from cuecast import kinds
from cuecast.deck import TITLE_SLIDE_ID, SectionPart, cue_slide_id, page_slide_id, section_parts, section_slide_id
from cuecast.deck.autograd_layout import layout_graph
from cuecast.deck.boxes import (
    EMU_PER_PT, Deck, ImageBox, Paragraph, Rect, Run, SlideLayout, TextBox, inches, moved, pt_to_emu,
)
from cuecast.deck.code_layout import arrange_code, fitted_terminal_panel, output_pages, tab_name
from cuecast.deck.fit import ellipsize, inner_size, shrink_to_fit
from cuecast.deck.measure import Measurer, line_height
from cuecast.deck.spacing import BOTTOM, CUE_TITLE_H, GAP, MARGIN, SUBTITLE_H, TITLE_H, TITLE_Y
from cuecast.templating import render_text, template_context
from cuecast.errors import Diagnostic, ScriptError
from cuecast.model import Beat, Capture, Cue, Lesson, Section, field_location
from cuecast.shown import hides_output, run_capture, shown_capture, typed_command
from cuecast.snippet_source import read_snippet, shown_numbered_lines




def compared_subsections(parent: Optional[Section]) -> list[Section]:
    """Two or three sibling subsections that all have bullets are shown as a
    comparison; any other shape keeps one plain slide per subsection."""
    if parent is None:
        return []
    siblings = [s for s in parent.subsections if any(b.bullet is not None for b in s.beats)]
    return siblings if 2 <= len(siblings) <= 3 and len(siblings) == len(
        [s for s in parent.subsections if s.beats]) else []


def inline_runs(text: str, size: float, color: str, code_color: str) -> tuple[Run, ...]:
    """Markdown-style `code` spans in bullets and titles become monospace
    runs (the backticks dropped); an unpaired backtick stays as written."""
    parts = text.split("`")
    if len(parts) < 3:
        return (Run(text, "sans", size, False, color),)
    if len(parts) % 2 == 0:  # odd number of backticks: the last one is literal
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    runs = []
    for index, part in enumerate(parts):
        if part:
            code = index % 2 == 1
            runs.append(Run(part, "mono" if code else "sans", size * 0.92 if code else size, False,
                            code_color if code else color))
    return tuple(runs)


#: A cue slide's subtitle (what its beat says) wraps to at most this many
#: rows; the notes hold the narration whole.
SUBTITLE_ROWS = 3
#: Where a sentence ends: a longer subtitle shows its first whole sentences.
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=\S)")

#: The " (2)" that tells apart cells named after one heading.
_NTH = re.compile(r"\s+\(\d+\)$")


def cue_title(section: Section, cue: Cue) -> str:
    """A code cue's slide title: the name of the cell it shows when the cell
    has a name of its own ("Joining tensors" under "Operations on
    Tensors"), else its section's title, as the viewer meets it."""
    named = _NTH.sub("", cue.cell_title or "").strip()
    return named if named and named != section.title.strip() else section.title

class _Builder:
    """Lays out one lesson; holds what every slide needs (theme, measurer,
    template context) so the per-slide functions stay short."""

    def __init__(self, lesson: Lesson, captures: Mapping[str, Capture], theme, pages=None) -> None:
        self.lesson = lesson
        self.captures = captures
        self.pages = pages or {}  # captured web pages by URL (cuecast.web)
        self.theme = theme
        self.measure = Measurer(theme)
        self.context = template_context(lesson, captures)
        self.W, self.H = theme.width, theme.height
        self._subtitles: dict[str, Optional[TextBox]] = {}  # by beat id: every page of a cue shows it

    # --- shared pieces -----------------------------------------------------

    def text(self, text: str, where) -> str:
        if self.lesson.templated:  # rendered once already (render_lesson): never twice
            return text
        return render_text(text, self.context, where)

    def title_box(self, title: str, y: int = TITLE_Y, h: int = TITLE_H, color: Optional[str] = None,
                  largest: Optional[float] = None, align: str = "left", name: str = "title") -> TextBox:
        """A title that shrinks (to ``title_min``), then wraps, then is cut."""
        theme = self.theme
        color = color or theme.color("title")
        w = self.W - 2 * MARGIN
        tw, th = inner_size(w, h, (0, 0, 0, 0))

        def make(size: float) -> list[Paragraph]:
            runs = tuple(replace(run, bold=run.font == "sans") for run in inline_runs(title, size, color, color))
            return [Paragraph(runs, size, line_height(size), align=align)]

        paragraphs, size, ok = shrink_to_fit(make, self.measure, tw, th, largest or theme.size("title"),
                                             theme.size("title_min"))
        if not ok:
            rows = max(1, int(th // line_height(size)))
            paragraphs = [ellipsize(self.measure, paragraphs[0], tw, rows)]
        return TextBox(name, MARGIN, y, w, h, tuple(paragraphs), role="title", anchor="middle" if align == "center" else "top")

    def subtitle_box(self, text: str, y: int, name: str = "subtitle", color: Optional[str] = None,
                     align: str = "left", h: int = SUBTITLE_H) -> TextBox:
        theme = self.theme
        w = self.W - 2 * MARGIN
        tw, th = inner_size(w, h, (0, 0, 0, 0))
        color = color or theme.color("muted")

        def make(size: float) -> list[Paragraph]:  # `code` in monospace, as in bullets, in the same colour
            return [Paragraph(inline_runs(text, size, color, color), size, line_height(size), align=align)]

        # A byline, kicker or caption too long to read at subtitle_min is cut with "…" (a cue's narration
        # never is: cue_subtitle).
        paragraphs, size, ok = shrink_to_fit(make, self.measure, tw, th, theme.size("subtitle"),
                                             theme.size("subtitle_min"))
        if not ok:
            paragraphs = [ellipsize(self.measure, paragraphs[0], tw, max(1, int(th // line_height(size))))]
        return TextBox(name, MARGIN, y, w, h, tuple(paragraphs), role="subtitle")

    def accent(self, y: int) -> Rect:
        return Rect("accent", MARGIN, y, inches(1.1), pt_to_emu(4), fill=self.theme.color("accent"))

    def decorations(self) -> list:
        if not self.theme.logo:
            return []
        from PIL import Image

        with Image.open(self.theme.logo) as image:
            iw, ih = image.size
        h = inches(0.45)
        w = int(h * iw / max(ih, 1))
        return [ImageBox("logo", self.W - MARGIN - w, self.H - inches(0.15) - h, w, h, self.theme.logo)]

    def slide(self, slide_id: str, title: str, notes: str, boxes: list, background: Optional[str] = None,
              beat_ids: tuple[str, ...] = ()) -> SlideLayout:
        return SlideLayout(slide_id, title, notes.strip() or title, tuple(boxes + self.decorations()),
                           background or self.theme.color("background"), beat_ids)

    # --- slides ------------------------------------------------------------

    def byline(self) -> str:
        """Where the shown outputs came from: torch's version and the
        device, else the device alone (commands only); empty when nothing ran."""
        captures = list(self.captures.values())
        first = next((c for c in captures if c.torch_version), None)
        if first is not None:
            return f"torch {first.torch_version} on {first.device_name or first.device}"
        ran = next((c for c in captures if c.device_name or c.device), None)
        return f"run on {ran.device_name or ran.device}" if ran is not None else ""

    def title_slide(self) -> SlideLayout:
        lesson, theme = self.lesson, self.theme
        title = self.text(lesson.title, lesson.location)
        boxes = [
            Rect("band", 0, 0, self.W, self.H, fill=theme.color("title_card")),
            self.title_box(title, y=inches(2.2), h=inches(1.9), color=theme.color("title_card_text"),
                           largest=theme.size("lesson_title"), name="title"),
            Rect("accent", MARGIN, inches(4.25), inches(1.6), pt_to_emu(5), fill=theme.color("accent")),
        ]
        notes = f"{title}."
        byline = self.byline()
        if byline:  # a lesson without snippets has no run to credit
            boxes.append(self.subtitle_box(byline, inches(4.5), name="byline", color=theme.color("title_card_text")))
            notes += f" The outputs on these slides came from {byline}."
        if lesson.prepare:
            notes += "\nBefore recording: " + "; ".join(lesson.prepare) + "."
        return self.slide(TITLE_SLIDE_ID, title, notes, boxes, background=theme.color("title_card"))

    def section_slides(self, section: Section, parent: Optional[Section], part: SectionPart) -> list[SlideLayout]:
        """The section's slide as ``part`` shows it: the bullets written so
        far (a build when bullets follow a cue), notes from what is said;
        bullets that do not fit continue on ``…/2`` onwards."""
        theme = self.theme
        title = self.text(section.title, field_location(section, "title"))
        notes = "\n".join(self.text(b.say, field_location(b, "say", "bullet")) for b in part.beats if b.say)
        bullets = list(part.bullets)
        slide_id = part.slide_id or section_slide_id(section)
        if not bullets:
            kicker = self.text(parent.title, field_location(parent, "title")) if parent else self.lesson.title
            boxes = [
                self.subtitle_box(kicker, inches(2.35), name="kicker", color=theme.color("accent")),
                self.title_box(title, y=inches(2.9), h=inches(1.7), color=theme.color("title_card_text"),
                               largest=theme.size("lesson_title")),
                Rect("accent", MARGIN, inches(4.75), inches(1.1), pt_to_emu(4), fill=theme.color("accent")),
            ]
            return [self.slide(slide_id, title, notes or title, boxes, background=theme.color("title_card"))]
        siblings = compared_subsections(parent)
        if section in siblings and slide_id == section_slide_id(section):
            return self.comparison_slides(section, parent, siblings, notes)
        y = TITLE_Y + TITLE_H + inches(0.35)
        area = (MARGIN, y, self.W - 2 * MARGIN, self.H - BOTTOM - y)
        every = [b for b in section.beats if b.bullet is not None]  # the last build: it sets the size of all
        pages = self.bullet_pages(bullets, every, area)
        slides = []
        for page, (box, beat_ids) in enumerate(pages, start=1):
            shown = title if len(pages) == 1 else f"{title} ({page}/{len(pages)})"
            boxes = [self.title_box(shown), self.accent(TITLE_Y + TITLE_H + pt_to_emu(4)), box]
            page_notes = notes if page == 1 else f"{notes}\n(continued, {page}/{len(pages)})"
            slides.append(self.slide(page_slide_id(slide_id, page), title, page_notes, boxes, beat_ids=beat_ids))
        return slides

    def comparison_slides(self, section: Section, parent: Section, siblings: list[Section],
                          notes: str) -> list[SlideLayout]:
        """Sibling subsections with bullets ("Pros of torch.nn", "Pros of
        torch.nn.functional") side by side under their parent's title, the
        one being narrated in full colour and the others muted, so every
        subsection keeps its own slide (and timeline segment) while the viewer
        sees the comparison.  A column too long for the slide even at
        ``body_min`` continues on ``…/2`` onwards, whole bullets at a time,
        as section bullets do (never cut: the narration reads them); each
        page names the narrated beats it holds, so the timeline turns to it."""
        theme = self.theme
        title = self.text(parent.title, field_location(parent, "title"))
        y = TITLE_Y + TITLE_H + inches(0.35)
        gap = inches(0.5)
        width = (self.W - 2 * MARGIN - gap * (len(siblings) - 1)) // len(siblings)
        headings = self.column_headings(siblings, section, width)
        # every column's rule on one line, under the tallest heading as measured
        heading_h = max(pt_to_emu(self.measure.height(paragraphs, width / EMU_PER_PT)) for paragraphs in headings)
        heading_h = max(inches(0.6), heading_h + pt_to_emu(6))
        top = y + heading_h + inches(0.2)
        columns = []
        for index, sibling in enumerate(siblings):
            x = MARGIN + index * (width + gap)
            beats = [b for b in sibling.beats if b.bullet is not None]
            area = (x, top, width, self.H - BOTTOM - top)
            columns.append((area, self.column_pages(beats, area, sibling is not section)))
        count = max(len(pages) for _, pages in columns)
        slides = []
        for page in range(1, count + 1):
            shown = title if count == 1 else f"{title} ({page}/{count})"
            boxes: list = [self.title_box(shown), self.accent(TITLE_Y + TITLE_H + pt_to_emu(4))]
            beat_ids: tuple[str, ...] = ()
            for index, (sibling, (area, pages)) in enumerate(zip(siblings, columns)):
                x = area[0]
                current = sibling is section
                boxes.append(TextBox(f"column-{index + 1}-title", x, y, width, heading_h, tuple(headings[index]),
                                     role="subtitle"))
                boxes.append(Rect(f"column-{index + 1}-rule", x, y + heading_h, width, pt_to_emu(3),
                                  fill=theme.color("accent") if current else theme.color("muted")))
                if page <= len(pages):
                    paragraphs, ids = pages[page - 1]
                    boxes.append(TextBox(f"column-{index + 1}", *area, tuple(paragraphs), role="bullets"))
                    if current:
                        beat_ids = ids
            page_notes = notes if page == 1 else f"{notes}\n(continued, {page}/{count})"
            slides.append(self.slide(page_slide_id(section_slide_id(section), page),
                                     self.text(section.title, field_location(section, "title")), page_notes, boxes,
                                     beat_ids=beat_ids if count > 1 else ()))
        return slides

    def column_headings(self, siblings: list[Section], section: Section, width: int) -> list[list[Paragraph]]:
        """Each column's heading at one size for all, the largest (``subtitle``
        down to ``subtitle_min``) at which every heading takes two lines at
        most; a longer one wraps further and its box grows to hold it."""
        theme = self.theme
        titles = [self.text(s.title, field_location(s, "title")) for s in siblings]

        def make(size: float) -> list[list[Paragraph]]:
            return [[Paragraph((Run(title, "sans", size, True,
                                    theme.color("title") if sibling is section else theme.color("muted")),),
                               size, line_height(size))] for title, sibling in zip(titles, siblings)]

        size = theme.size("subtitle")
        while size > theme.size("subtitle_min") and any(
                len(self.measure.paragraph_lines(p[0], width / EMU_PER_PT)) > 2 for p in make(size)):
            size -= 1
        return make(size)

    def bullet_groups(self, beats: list[Beat], size: float, muted: bool = False) -> list[list[Paragraph]]:
        """Each bullet's paragraphs at ``size`` (its points at the theme's
        ratio of ``point`` to ``body``): a bullet and its points stay together."""
        theme = self.theme
        text_color = theme.color("muted") if muted else theme.color("text")
        code_color = theme.color("muted") if muted else theme.color("inline_code")
        bullet_color = theme.color("muted") if muted else theme.color("bullet")
        point = size * theme.size("point") / theme.size("body")
        groups = []
        for beat in beats:
            bullet = self.text(beat.bullet or "", field_location(beat, "bullet"))
            group = [Paragraph(inline_runs(bullet, size, text_color, code_color), size, line_height(size),
                               bullet="•", bullet_color=bullet_color, indent=inches(0.45), space_before=size * 0.6)]
            for text in beat.points:
                group.append(Paragraph(
                    inline_runs(self.text(text, field_location(beat, "points")), point, text_color, code_color),
                    point, line_height(point), bullet="–", bullet_color=theme.color("muted"), indent=inches(1.0),
                    space_before=point * 0.25,
                ))
            groups.append(group)
        return groups

    def bullet_size(self, beats: list[Beat], area: tuple[int, int, int, int], muted: bool = False) -> tuple[float, bool]:
        """The largest size (``body`` down to ``body_min``) at which ``beats``
        fit ``area``, and whether they do."""
        tw, th = inner_size(area[2], area[3], (0, 0, 0, 0))
        _, size, ok = shrink_to_fit(lambda s: [p for g in self.bullet_groups(beats, s, muted) for p in g],
                                    self.measure, tw, th, self.theme.size("body"), self.theme.size("body_min"))
        return size, ok

    def bullet_pages(self, beats: list[Beat], every: list[Beat],
                     area: tuple[int, int, int, int]) -> list[tuple[TextBox, tuple[str, ...]]]:
        """``beats`` in ``area``, at the size at which ``every`` bullet of the
        section fits, so successive builds keep one size (see ``page_size``).
        Each page comes with the ids of the beats whose bullets it holds."""
        size = self.page_size(every, area)
        return [(TextBox("bullets", *area, tuple(page), role="bullets"), ids)
                for page, ids in self.paginated(beats, size, area)]

    def page_size(self, every: list[Beat], area: tuple[int, int, int, int], muted: bool = False) -> float:
        """The size of ``every`` bullet in ``area``: the largest (``body``
        down to ``body_min``) at which all fit; when not all fit at
        ``body_min``, whole bullets continue on the next page (never cut: the
        narration reads every one), at the largest size that needs no more
        pages than ``body_min`` does."""
        size, ok = self.bullet_size(every, area, muted)
        if not ok:
            fewest = len(self.paginated(every, self.theme.size("body_min"), area, muted))
            size = self.theme.size("body")
            while size > self.theme.size("body_min") and len(self.paginated(every, size, area, muted)) > fewest:
                size -= 1
        return size

    def paginated(self, beats: list[Beat], size: float, area: tuple[int, int, int, int],
                  muted: bool = False) -> list[tuple[list[Paragraph], tuple[str, ...]]]:
        """``beats`` at ``size`` split into pages of whole bullets that fit
        ``area``: each page's paragraphs and the ids of its beats."""
        tw, th = inner_size(area[2], area[3], (0, 0, 0, 0))
        pages: list[tuple[list[Paragraph], tuple[str, ...]]] = [([], ())]
        for beat, group in zip(beats, self.bullet_groups(beats, size, muted)):
            if pages[-1][0] and self.measure.height(pages[-1][0] + group, tw) > th + 0.01:
                pages.append(([], ()))
            paragraphs, ids = pages[-1]
            pages[-1] = (paragraphs + group, ids + (beat.id,))
        return pages

    def column_pages(self, beats: list[Beat], area: tuple[int, int, int, int],
                     muted: bool) -> list[tuple[list[Paragraph], tuple[str, ...]]]:
        """A comparison column's bullets, page by page (one page when they
        fit), with the ids of the beats each page holds."""
        return self.paginated(beats, self.page_size(beats, area, muted), area, muted)

    def cue_heading(self, section: Section, beat: Beat, cue: Cue, page: int, pages: int) -> tuple[str, list]:
        title = self.text(cue_title(section, cue), field_location(section, "title"))
        if pages > 1:
            title = f"{title} ({page}/{pages})"
        boxes: list = [self.title_box(title, h=CUE_TITLE_H, largest=self.theme.size("title") - 6)]
        subtitle = self.cue_subtitle(beat)
        if subtitle is not None:
            boxes.append(subtitle)
        return title, boxes

    def cue_subtitle(self, beat: Beat) -> Optional[TextBox]:
        """``_cue_subtitle``, fitted once a beat (each page of its cue and its content's top read it)."""
        if beat.id not in self._subtitles:
            self._subtitles[beat.id] = self._cue_subtitle(beat)
        return self._subtitles[beat.id]

    def _cue_subtitle(self, beat: Beat) -> Optional[TextBox]:
        """What the beat says, under a cue slide's title: one row at the
        largest size (``subtitle`` down to ``subtitle_min``) that holds it;
        else the fewest rows, up to ``SUBTITLE_ROWS``, at the largest size;
        the box grows to its rows and the content below moves down.  Longer
        narration shows its first whole sentences that fit (the notes keep
        it whole); "…" only where not even one sentence fits."""
        say = self.text(beat.shown_say, field_location(beat, "say", "bullet"))
        if not say:
            return None
        theme = self.theme
        w = self.W - 2 * MARGIN
        tw = w / EMU_PER_PT
        color = theme.color("muted")

        def make(text: str, size: float) -> Paragraph:  # `code` in monospace, as in bullets, in the same colour
            return Paragraph(inline_runs(text, size, color, color), size, line_height(size))

        def fitted(text: str) -> Optional[Paragraph]:
            for rows in range(1, SUBTITLE_ROWS + 1):
                size = theme.size("subtitle")
                while True:
                    if len(self.measure.paragraph_lines(make(text, size), tw)) <= rows:
                        return make(text, size)
                    if size <= theme.size("subtitle_min"):
                        break
                    size = max(theme.size("subtitle_min"), size - 1)
            return None

        paragraph = fitted(say)
        sentences = _SENTENCE_END.split(say)
        while paragraph is None and len(sentences) > 1:
            sentences.pop()
            paragraph = fitted(" ".join(sentences))
        if paragraph is None:
            paragraph = ellipsize(self.measure, make(say, theme.size("subtitle_min")), tw, SUBTITLE_ROWS)
        rows = len(self.measure.paragraph_lines(paragraph, tw))
        h = max(SUBTITLE_H, pt_to_emu(rows * paragraph.line_height) + pt_to_emu(4))
        return TextBox("subtitle", MARGIN, TITLE_Y + CUE_TITLE_H, w, h, (paragraph,), role="subtitle")

    def content_top(self, beat: Beat) -> int:
        """Where a cue slide's content starts: under its title and subtitle."""
        subtitle = self.cue_subtitle(beat)
        return TITLE_Y + CUE_TITLE_H + (subtitle.h if subtitle is not None else SUBTITLE_H) + inches(0.08)

    def notes_for(self, beat: Beat, cue: Cue) -> str:
        say = self.text(beat.say, field_location(beat, "say", "bullet"))
        extra = [self.text(p, field_location(beat, "points")) for p in beat.points]
        return "\n".join([say or (cue.title or cue.url or cue.snippet or cue.image or cue.command or ""), *extra])

    def numbered(self, cue: Cue) -> list[tuple[int, str]]:
        try:
            source = read_snippet(self.lesson, cue)
        except OSError as exc:
            raise ScriptError([Diagnostic(cue.location, f"cannot read snippet {cue.snippet}: {exc.strerror or exc}")]) from exc
        return shown_numbered_lines(source, cue.lines)

    def code_slides(self, section: Section, beat: Beat, cue: Cue, first_page: int = 1,
                    pages_before: int = 0) -> list[SlideLayout]:
        """The code cue's slides: code and output (see ``arrange_code``);
        pages after the first carry "(2/2)" and end with "/2" in their id."""
        numbered = self.numbered(cue)
        capture = shown_capture(cue, self.captures)
        top = self.content_top(beat)
        area = (MARGIN, top, self.W - 2 * MARGIN, self.H - BOTTOM - top)
        pages = arrange_code(numbered, capture, tab_name(cue.snippet or ""), area, GAP, self.theme, self.measure,
                             show_output=not hides_output(cue, capture))
        total = len(pages) + pages_before
        notes = self.notes_for(beat, cue)
        slides = []
        for index, boxes in enumerate(pages):
            page = first_page + index
            title, heading = self.cue_heading(section, beat, cue, page, total)
            if index < len(pages) - 1 and _has(pages[index + 1], "code:panel"):
                boxes = boxes + self.continued_note(boxes, page + 1, total)
            page_notes = notes if page == 1 else f"{notes}\n(continued, {page}/{total})"
            slides.append(self.slide(cue_slide_id(beat, page), title, page_notes, heading + boxes))
        return slides

    def continued_note(self, boxes: list, next_page: int, pages: int) -> list[TextBox]:
        """A note in the space the output takes on the last page; none where
        the code is as wide as the slide (the title's "(1/2)" says it)."""
        panel = next(b for b in boxes if b.name == "code:panel")
        x = panel.x + panel.w + GAP
        w = self.W - MARGIN - x
        if w < inches(1.5):
            return []
        size = self.theme.size("small") + 2
        text = f"The code continues on the next slide ({next_page}/{pages}); its output follows the last part."
        paragraph = Paragraph((Run(text, "sans", size, False, self.theme.color("muted")),), size, line_height(size))
        tw, _ = inner_size(w, inches(1), (0, 0, 0, 0))
        h = pt_to_emu(self.measure.height([paragraph], tw)) + pt_to_emu(4)
        return [TextBox("continued", x, panel.y + inches(0.3), w, h, (paragraph,), role="caption")]

    def diagram_slide(self, section: Section, beat: Beat, cue: Cue) -> list[SlideLayout]:
        """The real autograd graph across the slide; the snippet that built
        it (code and output) follows on ``cue:<beat id>/2`` onwards."""
        if cue.diagram != "autograd":
            raise ScriptError([Diagnostic(cue.location, f"unknown diagram {cue.diagram!r}", "expected: autograd")])
        capture = run_capture(cue, self.captures)
        code_pages = self.code_slides(section, beat, cue, first_page=2, pages_before=1) if cue.snippet else []
        total = 1 + len(code_pages)
        title, boxes = self.cue_heading(section, beat, cue, 1, total)
        top = self.content_top(beat)
        area = (MARGIN, top, self.W - 2 * MARGIN, self.H - BOTTOM - top)
        if capture is not None and capture.graph is not None:
            boxes += layout_graph(capture.graph, area, self.theme)
        else:
            why = "the snippet has not run" if capture is None else (capture.reason or "no tensor named loss with a grad_fn")
            boxes.append(self.notice(f"No autograd graph: {why}.", area))
        return [self.slide(cue_slide_id(beat), title, self.notes_for(beat, cue), boxes), *code_pages]

    def notice(self, text: str, area: tuple[int, int, int, int]) -> TextBox:
        size = self.theme.size("subtitle")
        paragraph = Paragraph((Run(text, "sans", size, True, self.theme.color("error")),), size, line_height(size))
        tw, th = inner_size(area[2], area[3], (0, 0, 0, 0))
        paragraph = ellipsize(self.measure, paragraph, tw, max(1, int(th // line_height(size))))
        return TextBox("notice", *area, (paragraph,), role="notice")

    def image_slide(self, section: Section, beat: Beat, cue: Cue) -> list[SlideLayout]:
        from PIL import Image

        title, boxes = self.cue_heading(section, beat, cue, 1, 1)
        path = Path(self.lesson.root) / (cue.image or "")
        try:
            with Image.open(path) as image:
                iw, ih = image.size
        except OSError as exc:
            raise ScriptError([Diagnostic(cue.location, f"cannot open image {cue.image}: {exc}")]) from exc
        top = self.content_top(beat)
        caption = self.text(cue.caption, field_location(cue, "caption")) if cue.caption else ""
        bottom = self.H - BOTTOM - (inches(0.5) if caption else 0)
        aw, ah = self.W - 2 * MARGIN, bottom - top
        scale = min(aw / iw, ah / ih)
        w, h = int(iw * scale), int(ih * scale)
        boxes.append(ImageBox("image", MARGIN + (aw - w) // 2, top + (ah - h) // 2, w, h, str(path)))
        if caption:
            boxes.append(self.subtitle_box(caption, bottom + inches(0.05), name="caption", align="center",
                                           h=inches(0.45)))
        return [self.slide(cue_slide_id(beat), title, self.notes_for(beat, cue), boxes)]

    def browser_slide(self, section: Section, beat: Beat, cue: Cue) -> list[SlideLayout]:
        page = self.pages.get(cue.url or "")
        if page is not None:
            from cuecast.deck.web_layout import captured_page_slide

            return captured_page_slide(self, section, beat, cue, page)
        theme = self.theme
        say = self.text(beat.say, field_location(beat, "say", "bullet"))
        page_title = self.text(cue.title, field_location(cue, "title")) if cue.title else (say or cue.url or "")
        title, boxes = self.cue_heading(section, beat, cue, 1, 1)
        top = self.content_top(beat)
        x, w = MARGIN + inches(0.6), self.W - 2 * MARGIN - inches(1.2)
        h = self.H - BOTTOM - top
        bar_h = inches(0.55)
        boxes.append(Rect("window", x, top, w, h, fill=theme.color("browser_page"), line=theme.color("muted")))
        boxes.append(Rect("address_bar", x, top, w, bar_h, fill=theme.color("browser_bar"), line=theme.color("muted")))
        small = theme.size("small") + 2
        url = cue.url or ""
        url_size = small
        while url_size > 8 and self.measure.width(Run(url, "sans", url_size)) > (w - inches(0.5)) / EMU_PER_PT * 0.96:
            url_size -= 1
        boxes.append(TextBox(
            "url", x + inches(0.2), top, w - inches(0.4), bar_h,
            (Paragraph((Run(url, "sans", url_size, False, theme.color("link"), link=url),), url_size, line_height(url_size)),),
            role="link", anchor="middle", wrap=False,
        ))
        inner_x, inner_w = x + inches(0.5), w - inches(1.0)
        heading_y = top + bar_h + inches(0.5)
        heading = self.title_box(page_title, y=heading_y, h=inches(1.3), name="page_title")
        heading = TextBox(heading.name, inner_x, heading.y, inner_w, heading.h, heading.paragraphs, role="title")
        if self.measure.height(heading.paragraphs, inner_w / EMU_PER_PT) > heading.h / EMU_PER_PT:
            heading = self._refit(heading, theme.size("title"))
        boxes.append(heading)
        caption = self.text(cue.caption, field_location(cue, "caption")) if cue.caption else (say if say != page_title else "")
        body = theme.size("subtitle")
        paragraphs = []
        if caption:
            paragraphs.append(Paragraph((Run(caption, "sans", body, False, theme.color("text")),), body, line_height(body)))
        paragraphs.append(Paragraph(
            (Run("Open the page: ", "sans", body, False, theme.color("muted")),
             Run(url, "sans", body, False, theme.color("link"), link=url)),
            body, line_height(body), space_before=body * 0.8,
        ))
        area_y = heading_y + inches(1.4)
        area = (inner_x, area_y, inner_w, top + h - area_y - inches(0.3))
        tw, th = inner_size(area[2], area[3], (0, 0, 0, 0))
        paragraphs_fit, _, _ = shrink_to_fit(
            lambda s: [Paragraph(tuple(Run(r.text, r.font, s, r.bold, r.color, r.link) for r in p.runs), s,
                                 line_height(s), space_before=p.space_before and s * 0.8) for p in paragraphs],
            self.measure, tw, th, body, theme.size("small"),
        )
        boxes.append(TextBox("page_body", *area, tuple(paragraphs_fit), role="caption"))
        return [self.slide(cue_slide_id(beat), title, self.notes_for(beat, cue), boxes)]

    def _refit(self, box: TextBox, largest: float) -> TextBox:
        text = box.paragraphs[0].text
        color = box.paragraphs[0].runs[0].color
        tw, th = inner_size(box.w, box.h, box.inset)
        paragraphs, size, ok = shrink_to_fit(
            lambda s: [Paragraph((Run(text, "sans", s, True, color),), s, line_height(s))],
            self.measure, tw, th, largest, self.theme.size("title_min"))
        if not ok:
            paragraphs = [ellipsize(self.measure, paragraphs[0], tw, max(1, int(th // line_height(size))))]
        return TextBox(box.name, box.x, box.y, box.w, box.h, tuple(paragraphs), role=box.role)

    def cue_slides(self, section: Section, beat: Beat) -> list[SlideLayout]:
        cue = beat.cue
        assert cue is not None
        return CUE_SLIDES.lookup(cue.kind, cue.location)(self, section, beat, cue)

    def slides_cue(self, section: Section, beat: Beat, cue: Cue) -> list[SlideLayout]:
        """A slides cue: its diagram, its picture, or its snippet's code."""
        if cue.diagram:
            return self.diagram_slide(section, beat, cue)
        if cue.image:
            return self.image_slide(section, beat, cue)
        if cue.snippet:
            return self.code_slides(section, beat, cue)
        raise ScriptError([Diagnostic(cue.location, f"a {cue.kind} cue needs something to show",
                                      "give it a snippet, diagram, image or url")])

    def terminal_slides(self, section: Section, beat: Beat, cue: Cue) -> list[SlideLayout]:
        """A terminal across the slide: the command after a ``$ `` prompt,
        then its output; long output continues on ``cue:<beat id>/2`` onwards."""
        capture = typed_command(cue, shown_capture(cue, self.captures))
        top = self.content_top(beat)
        area = (MARGIN, top, self.W - 2 * MARGIN, self.H - BOTTOM - top)
        first = fitted_terminal_panel("output", *area, capture, self.theme, self.measure)
        pages = [first, *output_pages(first, capture, area, self.theme, self.measure)]
        notes = self.notes_for(beat, cue)
        slides = []
        for page, boxes in enumerate(pages, start=1):
            title, heading = self.cue_heading(section, beat, cue, page, len(pages))
            page_notes = notes if page == 1 else f"{notes}\n(continued, {page}/{len(pages)})"
            slides.append(self.slide(cue_slide_id(beat, page), title, page_notes, heading + boxes))
        return slides


#: The slides of each cue kind: ``make(builder, section, beat, cue)``.
CUE_SLIDES = kinds.table("layout", {
    "vscode": _Builder.code_slides,
    "slides": _Builder.slides_cue,
    "browser": _Builder.browser_slide,
    "terminal": _Builder.terminal_slides,
})


def _parents(lesson: Lesson) -> dict[str, Section]:
    parents: dict[str, Section] = {}

    def visit(section: Section) -> None:
        for child in section.subsections:
            parents[child.id] = section
            visit(child)

    for section in lesson.sections:
        visit(section)
    return parents


def layout_deck(lesson: Lesson, captures: Mapping[str, Capture], theme, pages=None) -> Deck:
    """Every slide of ``lesson`` as positioned boxes (``captures`` keyed by
    snippet path; a cue without one shows "(not run)").  Template errors,
    unreadable snippets and images are collected and raised together as one
    ``ScriptError``.  ``pages`` (``cuecast.web``: captured pages by URL) puts
    the real page on a browser cue's slide; without one it is simulated."""
    left, top, right, bottom = theme.margins
    inner = replace(theme, width=theme.width - left - right, height=theme.height - top - bottom)
    builder = _Builder(lesson, captures, inner, pages)  # laid out inside the margins, then moved into place
    parents = _parents(lesson)
    slides: list[SlideLayout] = []
    problems: list[Diagnostic] = []

    def attempt(make) -> None:
        try:
            slides.extend(make())
        except ScriptError as exc:
            problems.extend(exc.diagnostics)

    attempt(lambda: [builder.title_slide()])
    for section in lesson.walk():
        made: set[str] = set()
        for part in section_parts(section):  # in written order: a bullet after a cue comes after it
            if part.cue_beat is not None:
                attempt(lambda: builder.cue_slides(section, part.cue_beat))
            elif part.slide_id not in made:
                made.add(part.slide_id)
                attempt(lambda: builder.section_slides(section, parents.get(section.id), part))
    if problems:
        raise ScriptError(problems)
    if left or top:
        slides = [replace(slide, boxes=tuple(moved(box, left, top) for box in slide.boxes)) for slide in slides]
    return Deck(theme.width, theme.height, tuple(slides))


def _has(boxes: list, name: str) -> bool:
    return any(box.name == name for box in boxes)
