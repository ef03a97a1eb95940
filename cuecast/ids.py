"""Ids that become file names, and the bound that keeps them usable as such.

A lesson id names ``build/<id>/``, a beat id names its recording, its
narration WAV and its segment media, a section id names slide images; so an
id is checked the same way wherever it comes from (an ``id:`` in the script,
a section title, the script's file name), and a file system's 255-byte name
limit is never the first to object.

The bounds leave room for what is put around an id in a file name
(``.03-cue-<beat id>-p2.png.1a2b3c4d.part``), even for a beat id derived
from the longest section id (``<section id>-<n>``).
"""

from __future__ import annotations

import hashlib
import re
from typing import Optional

#: Explicit ids: no spaces or slashes, not starting with '-' or '.'.
ID_PATTERN = re.compile(r"^\w[\w.-]*\Z")  # \Z: "$" would let a final newline in
#: The longest id an author may write, in characters and in UTF-8 bytes
#: (a letter of another script takes 2 to 4 bytes in a file name).
MAX_ID_CHARS = 100
MAX_ID_BYTES = 150
#: Slugs made from titles are cut shorter, so ids derived from them
#: (``<section id>-<n>``) stay within the bound too.
MAX_SLUG_CHARS = 80
MAX_SLUG_BYTES = 120
#: The hex digits of the title's hash a cut slug ends with, so two long
#: titles that start alike still get different ids.
_HASH_CHARS = 6


def slugify(title: str) -> str:
    """The default id of a section: lowercase, every run of characters that are
    not letters or digits turned into one '-', none at either end.  Letters of
    any script count (so a Hebrew title keeps its letters).  A slug past the
    bound is cut at a '-' and ends with a short hash of the whole slug."""
    return bound_slug(re.sub(r"[\W_]+", "-", title.lower()).strip("-"))


def _fits(text: str, chars: int, size: int) -> bool:
    return len(text) <= chars and len(text.encode("utf-8", "surrogatepass")) <= size


def bound_slug(slug: str) -> str:
    """``slug`` itself when it fits the slug bound, else its head (cut at a
    '-' where one falls in the second half) and ``-`` and a hash of it all:
    stable, unique and short enough to name files."""
    if _fits(slug, MAX_SLUG_CHARS, MAX_SLUG_BYTES):
        return slug
    room_chars = MAX_SLUG_CHARS - _HASH_CHARS - 1
    room_bytes = MAX_SLUG_BYTES - _HASH_CHARS - 1
    head = slug[:room_chars]
    while len(head.encode("utf-8", "surrogatepass")) > room_bytes:
        head = head[:-1]
    cut = head.rfind("-")
    if cut >= len(head) // 2:
        head = head[:cut]
    digest = hashlib.sha1(slug.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]
    return f"{head.rstrip('-')}-{digest}"


def id_problem(value: str) -> Optional[str]:
    """Why ``value`` cannot be an id (the end of a sentence that starts with
    the id), or ``None`` when it can."""
    if not ID_PATTERN.match(value):
        return "may only hold letters, digits, '-', '_' and '.' (and not start with '-' or '.')"
    if len(value) > MAX_ID_CHARS:
        return f"is {len(value)} characters long; ids name files, so at most {MAX_ID_CHARS}"
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > MAX_ID_BYTES:
        return f"takes {size} bytes as UTF-8; ids name files, so at most {MAX_ID_BYTES} bytes"
    return None


def shown_id(value: str, limit: int = 40) -> str:
    """An id as a message quotes it: characters that do not print escaped
    (``\\n``), long ones cut with '…'."""
    shown = "".join(char if char.isprintable() else repr(char)[1:-1] for char in value[:limit])
    return shown if len(value) <= limit else shown[: limit - 1] + "…"
