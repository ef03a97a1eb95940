"""A browser cue's slide when its page was captured (``cuecast.web``): the
cue's heading, then a browser window whose address bar holds the URL (a link)
and whose page is the screenshot, scaled as a whole into the slide; the
caption, if any, beneath.  The speaker notes say when the page was captured,
since the page on the web may have changed since.
"""

from __future__ import annotations

from cuecast.deck import cue_slide_id
from cuecast.deck.boxes import EMU_PER_PT, ImageBox, Paragraph, Rect, Run, SlideLayout, TextBox, inches
from cuecast.deck.measure import line_height
from cuecast.deck.spacing import ADDRESS_BAR_H, BOTTOM, MARGIN
from cuecast.model import Beat, Cue, Section, field_location
from cuecast.web.page import PageCapture

def page_window(page: PageCapture, url: str, area: tuple[int, int, int, int], theme, measure) -> list:
    """Boxes of a browser window showing ``page`` as large as ``area`` (EMU)
    allows, centred across it and at its top: window, address bar, URL, page."""
    x, y, w, h = area
    iw, ih = page.viewport
    scale = min(w / iw, (h - ADDRESS_BAR_H) / ih)
    pw, ph = int(iw * scale), int(ih * scale)
    wx = x + (w - pw) // 2
    boxes: list = [
        Rect("window", wx, y, pw, ADDRESS_BAR_H + ph, fill=theme.color("browser_page"), line=theme.color("muted")),
        Rect("address_bar", wx, y, pw, ADDRESS_BAR_H, fill=theme.color("browser_bar"), line=theme.color("muted")),
    ]
    size = theme.size("small")
    room = (pw - inches(0.4)) / EMU_PER_PT * 0.96
    while size > 8 and measure.width(Run(url, "sans", size)) > room:
        size -= 1
    boxes.append(TextBox(
        "url", wx + inches(0.2), y, pw - inches(0.4), ADDRESS_BAR_H,
        (Paragraph((Run(url, "sans", size, False, theme.color("link"), link=url),), size, line_height(size)),),
        role="link", anchor="middle", wrap=False,
    ))
    boxes.append(ImageBox("page", wx, y + ADDRESS_BAR_H, pw, ph, page.view))
    return boxes


def captured_note(url: str, page: PageCapture) -> str:
    return f"Page captured from {url} on {page.captured_on}."


def captured_page_slide(builder, section: Section, beat: Beat, cue: Cue, page: PageCapture) -> list[SlideLayout]:
    """The slide of ``cue`` showing ``page``; ``builder`` is the deck's
    layout builder (``cuecast.deck.layout``), whose heading, notes and slide
    frame every cue slide shares."""
    title, boxes = builder.cue_heading(section, beat, cue, 1, 1)
    top = builder.content_top(beat)
    caption = builder.text(cue.caption, field_location(cue, "caption")) if cue.caption else ""
    bottom = builder.H - BOTTOM - (inches(0.5) if caption else 0)
    url = cue.url or ""
    boxes += page_window(page, url, (MARGIN, top, builder.W - 2 * MARGIN, bottom - top), builder.theme,
                         builder.measure)
    if caption:
        boxes.append(builder.subtitle_box(caption, bottom + inches(0.05), name="caption", align="center",
                                          h=inches(0.45)))
    notes = f"{builder.notes_for(beat, cue)}\n\n{captured_note(url, page)}"
    return [builder.slide(cue_slide_id(beat), title, notes, boxes)]
