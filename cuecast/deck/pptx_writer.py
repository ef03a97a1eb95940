"""Draw a laid-out deck as a native, editable pptx with python-pptx.

Every box becomes a real shape: text boxes with coloured runs (not pictures),
autograd nodes as rounded rectangles with connectors glued to them
(``begin_connect``/``end_connect``, so they follow a node that is moved),
links as run hyperlinks, narration as speaker notes.  The presentation is
16:9 and built on the blank layout, because python-pptx's default template is
4:3 and its placeholders do not move when the slide is widened.

Line spacing is written as exact points and the size is set on empty
paragraphs too (``endParaRPr``), so PowerPoint and LibreOffice lay text out as
tall as the layout measured it.  Each slide's ``name`` is its slide id.
"""

from __future__ import annotations

import io
import zipfile

from pathlib import Path
from typing import Optional

from cuecast.atomic import atomic_path
from cuecast.deck.boxes import (
    CORNER_RADIUS, EMU_PER_PT, Connector, Deck, ImageBox, Paragraph, Rect, Run, SlideLayout, TextBox,
)
from cuecast.deck.master import presentation_from_master, remove_placeholders
from cuecast.deck.measure import PIECES, Measurer, with_joints

_ALIGN = {"left": "LEFT", "center": "CENTER", "right": "RIGHT"}



def _rgb(hex_color: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color.lstrip("#"))


def _shape(shapes, box, rounded: bool):
    from pptx.enum.shapes import MSO_SHAPE

    kind = MSO_SHAPE.ROUNDED_RECTANGLE if rounded else MSO_SHAPE.RECTANGLE
    shape = shapes.add_shape(kind, box.x, box.y, box.w, box.h)
    if rounded:
        shape.adjustments[0] = min(0.5, CORNER_RADIUS / max(min(box.w, box.h), 1))
    shape.shadow.inherit = False
    if box.fill:
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(box.fill)
    else:
        shape.fill.background()
    if box.line:
        shape.line.color.rgb = _rgb(box.line)
        shape.line.width = 9525
    else:
        shape.line.fill.background()
    return shape


_ALGN = {"left": "l", "center": "ctr", "right": "r"}


def _sub(parent, tag: str, **attrs):
    from lxml import etree
    from pptx.oxml.ns import qn

    element = etree.SubElement(parent, qn(tag))
    for key, value in attrs.items():
        element.set(key, value)
    return element


def _write_paragraph(paragraph_xml, paragraph: Paragraph, theme, wrap_width: Optional[int] = None) -> None:
    """Fill one ``a:p`` by writing its XML directly: python-pptx's per-run
    property API costs ~1 ms a run, too slow for hundreds of code tokens.
    Only hyperlinks go through python-pptx (they need a relationship).
    ``wrap_width`` (EMU), for a box whose words wrap: its text area's width."""
    p = paragraph_xml._p
    joints = wrap_width is not None
    if paragraph.continues:  # a wrapped row: a line break, then its runs, before the paragraph's end mark
        end_mark = p.find(_qn("a:endParaRPr"))
        if end_mark is not None:
            p.remove(end_mark)
        _sub(_sub(p, "a:br"), "a:rPr", lang="en-US", sz=str(int(round(paragraph.size * 100))))
    p_pr = p.get_or_add_pPr()
    if paragraph.continues:
        _write_runs(p, paragraph_xml, paragraph, theme, joints)
        if end_mark is not None:
            p.append(end_mark)
        return
    p_pr.set("algn", _ALGN[paragraph.align])
    if wrap_width is not None:
        p_pr.set("marR", str(wrap_margin(paragraph, wrap_width, Measurer(theme))))
    for tag, points in (("a:lnSpc", paragraph.line_height), ("a:spcBef", paragraph.space_before), ("a:spcAft", 0.0)):
        _sub(_sub(p_pr, tag), "a:spcPts", val=str(int(round(points * 100))))
    if paragraph.bullet:
        p_pr.set("marL", str(paragraph.indent))
        p_pr.set("indent", str(-min(paragraph.indent, 342900)))
        _sub(_sub(p_pr, "a:buClr"), "a:srgbClr", val=paragraph.bullet_color.lstrip("#").upper())
        _sub(p_pr, "a:buFont", typeface=theme.font("sans").family)
        _sub(p_pr, "a:buChar", char=paragraph.bullet)
    else:
        if paragraph.indent:
            p_pr.set("marL", str(paragraph.indent))
        p_pr.set("indent", "0")
        _sub(p_pr, "a:buNone")
    _write_runs(p, paragraph_xml, paragraph, theme, joints)
    # The size of an empty paragraph (a blank code line) comes from here.
    family = theme.font(paragraph.runs[0].font if paragraph.runs else paragraph.font).family
    end = _sub(p, "a:endParaRPr", lang="en-US", sz=str(int(round(paragraph.size * 100))))
    _sub(end, "a:latin", typeface=family)


def _write_runs(p, paragraph_xml, paragraph: Paragraph, theme, joints: bool) -> None:
    for run in paragraph.runs:
        if run.link:
            r = paragraph_xml.add_run()
            r.text = _text(run, joints)
            r.hyperlink.address = run.link
            r_pr = r._r.get_or_add_rPr()
        else:
            r_xml = _sub(p, "a:r")
            r_pr = _sub(r_xml, "a:rPr")
            _sub(r_xml, "a:t").text = _text(run, joints)
        r_pr.set("lang", "en-US")
        r_pr.set("sz", str(int(round(run.size * 100))))
        r_pr.set("b", "1" if run.bold else "0")
        r_pr.set("dirty", "0")
        fill = _sub(r_pr, "a:solidFill")
        _sub(fill, "a:srgbClr", val=run.color.lstrip("#").upper())
        family = theme.font(run.font).family
        _sub(r_pr, "a:latin", typeface=family)
        _sub(r_pr, "a:cs", typeface=family)
        link = r_pr.find(_qn("a:hlinkClick"))
        if link is not None:  # schema order: fill and fonts come before the link
            r_pr.remove(link)
            r_pr.append(link)


def wrap_margin(paragraph: Paragraph, wrap_width: int, measurer: Measurer) -> int:
    """The right margin (EMU) that makes a renderer break ``paragraph`` into
    the lines the measurer did (so PowerPoint and LibreOffice show the PNG's
    lines): the width it leaves lies halfway between the longest measured
    line and the shortest line that would have taken the next word, so a
    renderer whose widths differ from Pillow's by a little (LibreOffice's
    DejaVu: ±0.2%) still breaks at the same words."""
    available = (wrap_width - paragraph.indent) / EMU_PER_PT
    lines = measurer.paragraph_lines(paragraph, wrap_width / EMU_PER_PT)
    longest = max((measurer.line_width(line) for line in lines), default=0.0)
    overflow = available
    for line, following in zip(lines, lines[1:]):
        first = next((Run(piece, r.font, r.size, r.bold) for r in following for piece in PIECES.findall(r.text)), None)
        if first is not None:
            overflow = min(overflow, measurer.line_width((*line, first)))
    target = min(available, (longest + overflow) / 2) if len(lines) > 1 else available
    return max(0, int(round((available - target) * EMU_PER_PT)))


def _text(run, joints: bool) -> str:
    """A run's text as written: in a box that wraps, sans text with the
    measurer's breaks after the joints of long words (``measure.with_joints``)."""
    return with_joints(run.text) if joints and run.font == "sans" else run.text


def _qn(tag: str) -> str:
    from pptx.oxml.ns import qn

    return qn(tag)


def _write_text(shapes, box: TextBox, theme):
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE

    if box.fill or box.line or box.rounded:
        shape = _shape(shapes, box, box.rounded)
    else:
        shape = shapes.add_textbox(box.x, box.y, box.w, box.h)
    frame = shape.text_frame
    # Measured-to-fit single lines must never re-wrap in a renderer whose
    # hinting makes them a hair wider (LibreOffice at small sizes).
    frame.word_wrap = box.wrap
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left, frame.margin_top, frame.margin_right, frame.margin_bottom = box.inset
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE if box.anchor == "middle" else MSO_ANCHOR.TOP
    target = None
    for index, paragraph in enumerate(box.paragraphs):
        if not (paragraph.continues and target is not None):
            target = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        # a terminal's rows are cuecast's own (each fits): only text a renderer wraps needs a margin
        wraps = box.wrap and box.role != "terminal"
        _write_paragraph(target, paragraph, theme, box.w - box.inset[0] - box.inset[2] if wraps else None)
    return shape


def _write_connector(shapes, box: Connector, named: dict):
    from lxml import etree
    from pptx.enum.shapes import MSO_CONNECTOR
    from pptx.oxml.ns import qn

    connector = shapes.add_connector(MSO_CONNECTOR.STRAIGHT, box.x1, box.y1, box.x2, box.y2)
    start, end = named.get(box.start), named.get(box.end)
    if start is not None:
        connector.begin_connect(start, 0)  # top edge of the node it leaves
    if end is not None:
        connector.end_connect(end, 2)  # bottom edge of the node it feeds
    connector.line.color.rgb = _rgb(box.color)
    connector.line.width = int(box.width * 12700)
    line = connector.line._get_or_add_ln()
    etree.SubElement(line, qn("a:tailEnd")).attrib.update({"type": "triangle", "w": "med", "len": "med"})
    return connector


def _write_slide(prs, layout, slide_layout: SlideLayout, theme) -> None:
    slide = prs.slides.add_slide(layout)
    slide._element.cSld.set("name", slide_layout.id)
    if theme.master is None:
        background = slide.background.fill
        background.solid()
        background.fore_color.rgb = _rgb(slide_layout.background)
    else:  # the master's background and artwork show through
        remove_placeholders(slide)
    named: dict = {}
    for box in slide_layout.boxes:
        if isinstance(box, TextBox):
            shape = _write_text(slide.shapes, box, theme)
        elif isinstance(box, Rect):
            shape = _shape(slide.shapes, box, box.rounded)
        elif isinstance(box, ImageBox):
            shape = slide.shapes.add_picture(box.path, box.x, box.y, box.w, box.h)
        elif isinstance(box, Connector):
            shape = _write_connector(slide.shapes, box, named)
        else:  # pragma: no cover - the layout only makes the four kinds
            raise TypeError(f"unknown box {box!r}")
        shape.name = box.name
        named[box.name] = shape
    slide.notes_slide.notes_text_frame.text = slide_layout.notes


def build_presentation(deck: Deck, theme):
    """The python-pptx ``Presentation`` of ``deck`` (not yet saved)."""
    from pptx import Presentation

    if theme.master is not None:
        prs, layout = presentation_from_master(theme.master, theme.master_layout)
    else:
        prs = Presentation()
        layout = prs.slide_layouts[6]  # the blank layout: no 4:3 placeholders to stretch
    prs.slide_width = deck.width
    prs.slide_height = deck.height
    for slide_layout in deck.slides:
        _write_slide(prs, layout, slide_layout, theme)
    return prs


def write_pptx(deck: Deck, theme, path: Path) -> Path:
    """Write ``deck`` to ``path`` (a temporary file renamed into place).

    The zip's entries carry a fixed date instead of the time of writing, so
    the same deck is the same file whenever and wherever it is built (a Ray
    build and a local one, or a rebuild after its record was lost)."""
    prs = build_presentation(deck, theme)
    saved = io.BytesIO()
    prs.save(saved)
    with atomic_path(Path(path)) as tmp:
        tmp.write_bytes(_dated(saved.getvalue()))
    return Path(path)


#: The date every entry of a written deck carries (zip's earliest).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _dated(package: bytes) -> bytes:
    """``package`` (a zip) with every entry's date set to ``ZIP_DATE``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            new.writestr(entry, old.read(info))
    return out.getvalue()
