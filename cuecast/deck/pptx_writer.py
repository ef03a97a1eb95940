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

from pathlib import Path

from cuecast.atomic import atomic_path
from cuecast.deck.boxes import CORNER_RADIUS, Connector, Deck, ImageBox, Paragraph, Rect, SlideLayout, TextBox

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


def _write_paragraph(paragraph_xml, paragraph: Paragraph, theme) -> None:
    from lxml import etree
    from pptx.enum.text import PP_ALIGN
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    paragraph_xml.alignment = getattr(PP_ALIGN, _ALIGN[paragraph.align])
    paragraph_xml.line_spacing = Pt(paragraph.line_height)
    paragraph_xml.space_before = Pt(paragraph.space_before)
    paragraph_xml.space_after = Pt(0)
    p_pr = paragraph_xml._p.get_or_add_pPr()
    if paragraph.bullet:
        p_pr.set("marL", str(paragraph.indent))
        p_pr.set("indent", str(-min(paragraph.indent, 342900)))
        color = etree.SubElement(p_pr, qn("a:buClr"))
        etree.SubElement(color, qn("a:srgbClr")).set("val", paragraph.bullet_color.lstrip("#").upper())
        etree.SubElement(p_pr, qn("a:buFont")).set("typeface", theme.font("sans").family)
        etree.SubElement(p_pr, qn("a:buChar")).set("char", paragraph.bullet)
    else:
        if paragraph.indent:
            p_pr.set("marL", str(paragraph.indent))
        p_pr.set("indent", "0")
        etree.SubElement(p_pr, qn("a:buNone"))
    for run in paragraph.runs:
        r = paragraph_xml.add_run()
        r.text = run.text
        font = r.font
        font.name = theme.font(run.font).family
        font.size = Pt(run.size)
        font.bold = run.bold
        font.color.rgb = _rgb(run.color)
        if run.link:
            r.hyperlink.address = run.link
    # The size of an empty paragraph (a blank code line) comes from here.
    end = etree.SubElement(paragraph_xml._p, qn("a:endParaRPr"))
    end.set("lang", "en-US")
    end.set("sz", str(int(round(paragraph.size * 100))))
    family = theme.font(paragraph.runs[0].font if paragraph.runs else paragraph.font).family
    etree.SubElement(end, qn("a:latin")).set("typeface", family)


def _write_text(shapes, box: TextBox, theme):
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE

    if box.fill or box.line or box.rounded:
        shape = _shape(shapes, box, box.rounded)
    else:
        shape = shapes.add_textbox(box.x, box.y, box.w, box.h)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left, frame.margin_top, frame.margin_right, frame.margin_bottom = box.inset
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE if box.anchor == "middle" else MSO_ANCHOR.TOP
    for index, paragraph in enumerate(box.paragraphs):
        target = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        _write_paragraph(target, paragraph, theme)
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


def _write_slide(prs, slide_layout: SlideLayout, theme) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # the blank layout
    slide._element.cSld.set("name", slide_layout.id)
    background = slide.background.fill
    background.solid()
    background.fore_color.rgb = _rgb(slide_layout.background)
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

    prs = Presentation()
    prs.slide_width = deck.width
    prs.slide_height = deck.height
    for slide_layout in deck.slides:
        _write_slide(prs, slide_layout, theme)
    return prs


def write_pptx(deck: Deck, theme, path: Path) -> Path:
    """Write ``deck`` to ``path`` (a temporary file renamed into place)."""
    prs = build_presentation(deck, theme)
    with atomic_path(Path(path)) as tmp:
        prs.save(str(tmp))
    return Path(path)
