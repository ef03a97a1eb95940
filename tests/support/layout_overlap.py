"""Do words on a slide overlap, without LibreOffice?  The pptx is read back
with python-pptx and every word of every text box is placed where a renderer
sets it: the box's position and insets, its anchor, each paragraph's margins,
alignment, line spacing and space before, lines broken by cuecast's own
measurer (``cuecast.deck.measure``, which the PNG drawer uses too) at the
width the pptx leaves.  The words' boxes then go through the same rule as
LibreOffice's (``overlap.overlaps``: more than a quarter of the smaller box).

Why a second check: a LibreOffice conversion costs 1.5–3 s a deck and the
suite builds many decks; this one costs milliseconds a slide, so every deck
any test builds can be checked (``deck_watch``).  It reads only the file, so
it catches what the writer put there: a label under a badge, a heading that
runs into the bullets below it, text that overflows its box into the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tests.support.overlap import Word, overlaps

EMU_PER_PT = 12_700
#: A word's box is its glyphs' height: DejaVu's ascent plus descent.
GLYPH_HEIGHT = 1.164
#: A word: what lies between spaces and the measurer's zero-width breaks.
_WORDS = re.compile(r"[^\s\u200b]+")


@dataclass(frozen=True)
class _Fonts:
    """Maps the family names a pptx writes to the TTF files of a theme, so
    ``Measurer`` can measure runs read back from the file (its key is the
    family)."""

    files: dict

    def font_file(self, family: str, bold: bool = False) -> str:
        regular, bold_file = self.files.get(family) or self.files["*"]
        return bold_file if bold else regular


@lru_cache(maxsize=16)
def _fonts(theme_path: str | None) -> _Fonts:
    from cuecast.deck.theme import load_theme

    theme = load_theme(Path(theme_path) if theme_path else None)
    files = {spec.family: (str(spec.regular), str(spec.bold)) for spec in theme.fonts.values()}
    files["*"] = files[theme.font("sans").family]
    return _Fonts(files)


def _theme_for(pptx: Path) -> str | None:
    """The theme of the lesson whose build folder holds ``pptx``
    (``<project>/build/<lesson>/slides.pptx``), else the default one."""
    from cuecast.deck.theme import lesson_theme_path

    parents = Path(pptx).resolve().parents
    if len(parents) > 2 and parents[1].name == "build":
        try:
            path = lesson_theme_path(parents[2])
            if path is not None and Path(path).is_file():
                return str(path)
        except Exception:  # a project without a theme of its own: the default one
            pass
    return None


def _pts(element, path: str, attribute: str = "val", scale: float = 100.0) -> float | None:
    from pptx.oxml.ns import qn

    node = element
    for tag in path.split("/"):
        node = node.find(qn(tag)) if node is not None else None
    if node is None or node.get(attribute) is None:
        return None
    return int(node.get(attribute)) / scale


def _segments(p):
    """A paragraph's runs, split at its line breaks (``a:br``): a list of rows,
    each a list of ``(text, size, bold, family)``."""
    from pptx.oxml.ns import qn

    rows = [[]]
    for child in p:
        if child.tag == qn("a:br"):
            rows.append([])
        elif child.tag == qn("a:r"):
            r_pr = child.find(qn("a:rPr"))
            latin = r_pr.find(qn("a:latin")) if r_pr is not None else None
            text = child.findtext(qn("a:t")) or ""
            size = int(r_pr.get("sz", "1800")) / 100 if r_pr is not None else 18.0
            bold = r_pr is not None and r_pr.get("b") == "1"
            rows[-1].append((text, size, bold, latin.get("typeface") if latin is not None else "*"))
    return rows


def _end_size(p) -> float:
    from pptx.oxml.ns import qn

    end = p.find(qn("a:endParaRPr"))
    return int(end.get("sz", "1800")) / 100 if end is not None else 18.0


def shape_words(shape, page: int, measurer) -> list[Word]:
    """The words of one text shape, each with the box a renderer draws it in
    (points from the slide's top left)."""
    from pptx.oxml.ns import qn

    from cuecast.deck.boxes import Run
    from cuecast.deck.measure import SLACK

    frame = shape.text_frame
    left, top = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
    width, height = shape.width / EMU_PER_PT, shape.height / EMU_PER_PT
    insets = [value / EMU_PER_PT for value in (frame.margin_left, frame.margin_top, frame.margin_right, frame.margin_bottom)]
    inner_w = width - insets[0] - insets[2]
    body_pr = frame._txBody.find(qn("a:bodyPr"))
    wraps = body_pr is None or body_pr.get("wrap") != "none"
    anchor = body_pr.get("anchor", "t") if body_pr is not None else "t"
    lines = []  # (y offset, line height, size, left margin, width, align, runs, bullet, bullet's indent)
    y = 0.0
    for index, p in enumerate(frame._txBody.findall(qn("a:p"))):
        p_pr = p.find(qn("a:pPr"))
        attr = (lambda name, default=0: int(p_pr.get(name, default)) if p_pr is not None else default)
        mar_l, mar_r, indent = attr("marL") / EMU_PER_PT, attr("marR") / EMU_PER_PT, attr("indent") / EMU_PER_PT
        align = p_pr.get("algn", "l") if p_pr is not None else "l"
        spacing = _pts(p_pr, "a:lnSpc/a:spcPts") if p_pr is not None else None
        before = (_pts(p_pr, "a:spcBef/a:spcPts") or 0.0) if p_pr is not None and index else 0.0
        bullet = p_pr.find(qn("a:buChar")).get("char") if p_pr is not None and p_pr.find(qn("a:buChar")) is not None else None
        y += before
        available = inner_w - mar_l - mar_r
        for row_index, row in enumerate(_segments(p)):
            runs = [Run(text, family, size, bold) for text, size, bold, family in row if text]
            size = max((run.size for run in runs), default=_end_size(p))
            line_height = spacing if spacing else size * 1.2
            # a renderer fills the whole width the pptx leaves (the measurer keeps SLACK spare)
            broken = measurer.wrap(runs, available / SLACK) if wraps and runs else [tuple(runs)]
            for line_index, line in enumerate(broken):
                mark = bullet if row_index == 0 and line_index == 0 else None
                lines.append((y, line_height, size, mar_l, available, align, line, mark, indent))
                y += line_height
    offset = insets[1]
    if anchor == "ctr":
        offset += (height - insets[1] - insets[3] - y) / 2
    elif anchor == "b":
        offset = height - insets[3] - y
    words = []
    for line_y, line_height, size, mar_l, available, align, line, mark, indent in lines:
        used = measurer.line_width(line)
        x = left + insets[0] + mar_l
        if align == "ctr":
            x += (available - used) / 2
        elif align == "r":
            x += available - used
        glyph = size * GLYPH_HEIGHT
        y0 = top + offset + line_y + max(0.0, line_height - glyph) / 2
        if mark and mark.strip():
            bullet_x = left + insets[0] + mar_l + indent
            words.append(Word(page, mark, bullet_x, y0, bullet_x + measurer.width(Run(mark, "*", size)), y0 + glyph))
        joined = False  # does the last word go on into this run (``torch`` ``.`` ``ones(`` is one word)?
        for run in line:
            for match in _WORDS.finditer(run.text):
                x0 = x + measurer.width(run, run.text[:match.start()])
                x1 = x0 + measurer.width(run, match.group())
                upper, lower = y0, y0 + run.size * GLYPH_HEIGHT
                if joined and match.start() == 0:
                    last = words.pop()
                    words.append(Word(page, last.text + match.group(), last.x0, min(last.y0, upper), x1,
                                      max(last.y1, lower)))
                else:
                    words.append(Word(page, match.group(), x0, upper, x1, lower))
            joined = bool(run.text) and not (run.text[-1].isspace() or run.text[-1] == "\u200b") and (
                joined or bool(_WORDS.search(run.text)))
            x += measurer.width(run)
    return words


def deck_words(pptx: Path) -> list[Word]:
    """Every word of ``pptx``, placed as its text boxes set it."""
    from pptx import Presentation

    from cuecast.deck.measure import Measurer

    measurer = Measurer(_fonts(_theme_for(pptx)))
    words = []
    for page, slide in enumerate(Presentation(str(pptx)).slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                words.extend(shape_words(shape, page, measurer))
    return words


def layout_overlaps(pptx: Path) -> list[tuple[Word, Word]]:
    """Pairs of words of ``pptx`` that overlap as its text boxes set them."""
    return overlaps(deck_words(pptx))
