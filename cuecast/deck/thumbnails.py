"""Slide thumbnails for the review page, made as the slides are drawn.

The slides stage (``deck.raster``) makes each slide's thumbnail while it has
the image in memory and keeps it in the slides folder's cache; the review
page (``cuecast.review``) reads the cache back instead of decoding every PNG.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path
from typing import Iterable, Optional

from cuecast.atomic import write_text

THUMB_WIDTH = 384
THUMBS_FILE = ".thumbs.json"


def thumbnail_uri(data: bytes) -> str:
    """A PNG's bytes as a small JPEG data URI."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image_thumbnail_uri(image)


def image_thumbnail_uri(image) -> str:
    """A slide image as a small JPEG data URI.  Where the width is a
    multiple of the thumbnail's (a 1920-pixel slide), each thumbnail pixel
    is the mean of a square of slide pixels, in a millisecond; otherwise
    Lanczos after a box reduction (``reducing_gap``), a sixth of its cost
    from full size.  The slides stage makes these as it draws, so the
    review page reads them back instead of decoding every PNG."""
    from PIL import Image

    if image.mode != "RGB":  # a slide is drawn in RGB: no copy for it
        image = image.convert("RGB")
    factor, rest = divmod(image.width, THUMB_WIDTH)
    if rest == 0 and factor >= 1:
        image = image.reduce(factor)
    else:
        height = round(image.height * THUMB_WIDTH / image.width)
        image = image.resize((THUMB_WIDTH, height), Image.LANCZOS, reducing_gap=2.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class ThumbnailCache:
    """Thumbnails by the SHA-256 of their slide image's bytes, kept in
    ``<slides folder>/.thumbs.json``: an unchanged slide's thumbnail is read
    back, not decoded and resized again."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / THUMBS_FILE
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries: dict = entries if isinstance(entries, dict) else {}
        except (OSError, ValueError):
            self.entries = {}
        self.changed = False

    def add(self, png_name: str, data: bytes, uri: str) -> None:
        """Keep ``uri`` as the thumbnail of the PNG ``data`` just written."""
        self.entries[png_name] = [hashlib.sha256(data).hexdigest(), uri]
        self.changed = True

    def uri(self, png: Path) -> Optional[str]:
        try:
            data = png.read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256(data).hexdigest()
        entry = self.entries.get(png.name)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == digest:
            return entry[1]
        uri = thumbnail_uri(data)
        self.entries[png.name] = [digest, uri]
        self.changed = True
        return uri

    def save(self, keep: Iterable[str]) -> None:
        """Write the file if anything was added, dropping removed slides."""
        keep = set(keep)
        stale = [name for name in self.entries if name not in keep]
        for name in stale:
            del self.entries[name]
        if (self.changed or stale) and self.path.parent.is_dir():
            write_text(self.path, json.dumps(self.entries))
            self.changed = False
