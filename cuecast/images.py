"""Pictures an author names (an ``image:`` cue, a theme's ``logo:``) are
checked when the script or theme is read, not when a slide is drawn.

By then the deck may already be half rewritten, and Pillow's own objections
(a decompression bomb, a truncated file, a header it cannot parse) arrive as
exceptions of any type with no line of the script.  Reading the header tells
the size; decoding the whole picture once proves every stage can draw it.
"""

from __future__ import annotations

import os
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Optional

#: The largest picture accepted: twice an 8K frame each way, and no more
#: pixels than a 50-megapixel photo (about 200 MB once decoded).
MAX_IMAGE_SIDE = 16_384
MAX_IMAGE_PIXELS = 50_000_000


def image_problem(path: Path) -> Optional[tuple[str, str]]:
    """``(what is wrong, what to do)`` when ``path`` is not a picture every
    stage can draw, else ``None``.  The answer is cached by the file's size
    and modification time (a script names the same picture many times)."""
    try:
        stat = os.stat(path)
    except OSError as exc:
        return f"cannot be read: {exc.strerror}", ""
    return _problem(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _problem(path: str, size: int, mtime_ns: int) -> Optional[tuple[str, str]]:
    from PIL import Image

    redo = "export it again as PNG or JPEG"
    smaller = "scale it down (a slide is drawn at most 7680 pixels wide)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the size check below says it better than DecompressionBombWarning
            with Image.open(path) as image:
                width, height = image.size
                if width < 1 or height < 1:
                    return f"says it is {width}×{height} pixels", redo
                if max(width, height) > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
                    return f"is {width}×{height} pixels; {_LIMIT}", smaller
                image.load()  # decodes every pixel: a truncated or corrupt file fails here, not mid-build
    except Image.DecompressionBombError as exc:  # past Pillow's own limit, refused before the size is known
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        shown = f"{int(pixels.group(1)) / 1_000_000:,.0f} megapixels" if pixels else "too many pixels"
        return f"is {shown}; {_LIMIT}", smaller
    except Exception as exc:  # Pillow's decoders raise anything from OSError to struct.error on a damaged file
        return f"cannot be decoded ({_reason(exc)})", redo
    return None


_LIMIT = f"pictures are limited to {MAX_IMAGE_SIDE} pixels a side and {MAX_IMAGE_PIXELS // 1_000_000} megapixels"


def _reason(exc: BaseException) -> str:
    from PIL import UnidentifiedImageError

    if isinstance(exc, UnidentifiedImageError):
        return "not a picture format Pillow knows"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 80 else text[:79] + "…"
