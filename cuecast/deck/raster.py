"""Draw a laid-out slide as an image with Pillow — the same boxes the pptx
writer writes, so the video shows the deck and ``render slides --png`` lets a
person look at every slide without PowerPoint.

Text is drawn with the theme's TTF files and wrapped by the same
``Measurer`` the layout used, so lines break where the layout counted them.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw

from cuecast import executors
from cuecast.atomic import file_hash, write_bytes, write_text
from cuecast.deck.boxes import CORNER_RADIUS, EMU_PER_PT, Connector, ImageBox, Rect, SlideLayout, TextBox
from cuecast.deck.fit import inner_size
from cuecast.deck.measure import Measurer, drawn, pil_font
from cuecast.deck.theme import hex_rgb
from cuecast.defaults import FRAME_SIZE


@lru_cache(maxsize=32)
def _image(path: str, w: int, h: int) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGBA").resize((max(w, 1), max(h, 1)), Image.LANCZOS)


class _Painter:
    def __init__(self, theme, size: tuple[int, int]) -> None:
        self.theme = theme
        self.scale = size[0] / theme.width
        self.measure = Measurer(theme)

    def px(self, emu: float) -> float:
        return emu * self.scale

    def font(self, key: str, bold: bool, size_pt: float):
        return pil_font(self.theme.font_file(key, bold), max(1, round(self.px(size_pt * EMU_PER_PT))))

    def rect(self, draw: ImageDraw.ImageDraw, box) -> None:
        if not (box.fill or box.line):
            return
        x0, y0 = self.px(box.x), self.px(box.y)
        # a box thinner than a pixel at this scale is still drawn, one pixel wide
        x1, y1 = max(x0, self.px(box.x + box.w) - 1), max(y0, self.px(box.y + box.h) - 1)
        fill = hex_rgb(box.fill) if box.fill else None
        outline = hex_rgb(box.line) if box.line else None
        if box.rounded:
            radius = max(0.0, min(self.px(min(CORNER_RADIUS, min(box.w, box.h) / 2)), (x1 - x0) / 2, (y1 - y0) / 2))
            draw.rounded_rectangle((x0, y0, x1, y1), radius=radius, fill=fill, outline=outline, width=1)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=fill, outline=outline, width=1)

    def text(self, draw: ImageDraw.ImageDraw, box: TextBox) -> None:
        self.rect(draw, box)
        inner_w, inner_h = inner_size(box.w, box.h, box.inset)
        laid = []
        total = 0.0
        for index, paragraph in enumerate(box.paragraphs):
            before = paragraph.space_before if index else 0.0
            lines = self.measure.paragraph_lines(paragraph, inner_w, box.wrap)
            laid.append((paragraph, before, lines))
            total += before + paragraph.line_height * len(lines)
        y = box.y / EMU_PER_PT + box.inset[1] / EMU_PER_PT
        if box.anchor == "middle":
            y += max(0.0, (inner_h - total) / 2)
        left = (box.x + box.inset[0]) / EMU_PER_PT
        for paragraph, before, lines in laid:
            y += before
            text_left = left + paragraph.indent / EMU_PER_PT
            for line_index, runs in enumerate(lines):
                size = max((r.size for r in runs), default=paragraph.size)
                font = self.font(runs[0].font if runs else paragraph.font, False, size)
                ascent, descent = font.getmetrics()
                slack = self.px(paragraph.line_height * EMU_PER_PT) - (ascent + descent)
                baseline = self.px(y * EMU_PER_PT) + slack / 2 + ascent
                width = self.measure.line_width(runs)
                if paragraph.align == "center":
                    x = text_left + (inner_w - paragraph.indent / EMU_PER_PT - width) / 2
                elif paragraph.align == "right":
                    x = text_left + (inner_w - paragraph.indent / EMU_PER_PT - width)
                else:
                    x = text_left
                if paragraph.bullet and line_index == 0:
                    hang = min(paragraph.indent, 342900) / EMU_PER_PT
                    draw.text((self.px((text_left - hang) * EMU_PER_PT), baseline), paragraph.bullet,
                              font=self.font("sans", False, paragraph.size), fill=hex_rgb(paragraph.bullet_color),
                              anchor="ls")
                for run in runs:
                    run_font = self.font(run.font, run.bold, run.size)
                    x_px = self.px(x * EMU_PER_PT)
                    draw.text((x_px, baseline), drawn(run.text), font=run_font, fill=hex_rgb(run.color), anchor="ls")
                    # Advance by what was drawn: the font is set at a whole pixel size, so a run drawn
                    # a hair wider than measured must not run into the next one ("like backward()").
                    advance = max(self.measure.width(run), run_font.getlength(drawn(run.text)) / self.px(EMU_PER_PT))
                    if run.link and run.text.strip():
                        under = baseline + max(1.0, self.px(run.size * EMU_PER_PT) * 0.1)
                        draw.line((x_px, under, self.px((x + advance) * EMU_PER_PT), under),
                                  fill=hex_rgb(run.color), width=max(1, round(self.px(run.size * EMU_PER_PT) / 16)))
                    x += advance
                y += paragraph.line_height

    def connector(self, draw: ImageDraw.ImageDraw, box: Connector) -> None:
        x1, y1, x2, y2 = (self.px(v) for v in (box.x1, box.y1, box.x2, box.y2))
        width = max(1, round(self.px(box.width * EMU_PER_PT)))
        color = hex_rgb(box.color)
        angle = math.atan2(y2 - y1, x2 - x1)
        head = max(6.0, width * 4.0)
        draw.line((x1, y1, x2 - math.cos(angle) * head * 0.8, y2 - math.sin(angle) * head * 0.8), fill=color, width=width)
        left = (x2 - head * math.cos(angle - 0.45), y2 - head * math.sin(angle - 0.45))
        right = (x2 - head * math.cos(angle + 0.45), y2 - head * math.sin(angle + 0.45))
        draw.polygon((left, (x2, y2), right), fill=color)

    def image(self, canvas: Image.Image, box: ImageBox) -> None:
        w, h = round(self.px(box.w)), round(self.px(box.h))
        picture = _image(box.path, w, h)
        canvas.paste(picture, (round(self.px(box.x)), round(self.px(box.y))), picture)


def draw_slide(slide: SlideLayout, theme, size: tuple[int, int] = FRAME_SIZE) -> Image.Image:
    """An RGB image of ``slide`` at ``size`` pixels, drawn from its boxes."""
    canvas = Image.new("RGB", size, hex_rgb(slide.background))
    draw = ImageDraw.Draw(canvas)
    painter = _Painter(theme, size)
    for box in slide.boxes:
        if isinstance(box, TextBox):
            painter.text(draw, box)
        elif isinstance(box, Rect):
            painter.rect(draw, box)
        elif isinstance(box, Connector):
            painter.connector(draw, box)
        elif isinstance(box, ImageBox):
            painter.image(canvas, box)
    return canvas

def png_name(index: int, slide_id: str) -> str:
    """``03-section-device.png`` for the third slide, id ``section:device``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", slide_id).strip("-")
    return f"{index:02d}-{safe}.png"



#: Beside the images: the layout digest each was drawn from.
DRAWN_FILE = ".drawn.json"


def slide_digest(slide, theme) -> str:
    """What a slide image depends on: its laid-out boxes, the theme, and the
    bytes of any picture on it (a picture edited in place keeps its path)."""
    pictures = []
    for box in slide.boxes:
        if isinstance(box, ImageBox):
            try:
                stat = os.stat(box.path)
                pictures.append((box.path, stat.st_size, stat.st_mtime_ns))
            except OSError:
                pictures.append((box.path, None, None))
    return hashlib.sha256(repr((slide, theme, pictures)).encode("utf-8", "surrogatepass")).hexdigest()


def png_bytes(slide: SlideLayout, theme) -> tuple[bytes, str]:
    """The slide as the PNG file ``write_pngs`` writes, and its review-page
    thumbnail; a plain function of plain values, so a Ray task can draw it.

    Written by ``cuecast.deck.png`` (unfiltered rows, zlib's fastest
    level): a slide is flat colour and text, so the file is about as small
    as Pillow's default makes it, in under half the time."""
    from cuecast.deck import png
    from cuecast.deck.thumbnails import image_thumbnail_uri

    image = draw_slide(slide, theme)
    return png.png_bytes(image), image_thumbnail_uri(image)


def write_pngs(deck, theme, folder: Path) -> list[Path]:
    """Draw the slides into ``folder``: only those whose layout changed since
    they were last drawn (an edit to one cell redraws that cell's slides, not
    the deck); stale images of removed slides are deleted, each image is
    written atomically.  An image deleted or edited since it was drawn (by
    hand, or cut short) is drawn again although its layout is unchanged:
    ``.drawn-files.json`` keeps the size and hash of each image written."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        drawn = json.loads((folder / DRAWN_FILE).read_text(encoding="utf-8"))
        drawn = drawn if isinstance(drawn, dict) else {}
    except (OSError, ValueError):
        drawn = {}
    stamps = _read_stamps(folder)
    written, digests, todo = [], {}, []
    for index, slide in enumerate(deck.slides, start=1):
        path = folder / png_name(index, slide.id)
        digest = slide_digest(slide, theme)
        if drawn.get(path.name) != digest or not _holds(path, stamps.get(path.name)):
            todo.append((path, slide))
        digests[path.name] = digest
        written.append(path)
    # drawn where the build's executor says (Ray tasks, or here), written here
    from cuecast.deck.thumbnails import ThumbnailCache

    thumbs = ThumbnailCache(folder)
    drawn_now = executors.current().map(png_bytes, [(slide, theme) for _, slide in todo])
    for (path, _), (data, thumb) in zip(todo, drawn_now):
        write_bytes(path, data)
        thumbs.add(path.name, data, thumb)
    thumbs.save(p.name for p in written)
    write_text(folder / DRAWN_FILE, json.dumps(digests, indent=0, sort_keys=True))
    _write_stamps(folder, written)
    keep = {p.name for p in written}
    for old in folder.glob("[0-9][0-9]-*.png"):
        if old.name not in keep:
            old.unlink()
    return written


#: Beside the images: the size and hash of each as written.
STAMPS_FILE = ".drawn-files.json"


def _read_stamps(folder: Path) -> dict:
    try:
        stamps = json.loads((folder / STAMPS_FILE).read_text(encoding="utf-8"))
        return stamps if isinstance(stamps, dict) else {}
    except (OSError, ValueError):
        return {}


def _holds(path: Path, stamp) -> bool:
    """Whether ``path`` still holds the bytes with ``stamp``'s size and hash
    (``[size, sha256]``); no stamp, no file: it does not."""
    try:
        return (isinstance(stamp, list) and len(stamp) == 2 and path.stat().st_size == stamp[0]
                and file_hash(path)[1] == stamp[1])
    except OSError:
        return False


def _write_stamps(folder: Path, images: list[Path]) -> None:
    """Stamp the images as they are now: just drawn, or just checked."""
    write_text(folder / STAMPS_FILE, json.dumps({p.name: list(file_hash(p)) for p in images}, indent=0,
                                                sort_keys=True))
