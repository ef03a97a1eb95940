"""Reading the file to import: every way it can be unusable is a clear
error naming it (exit 2), never a traceback.

A tutorial is text (a notebook is JSON text); an empty file, a binary file
(an image, a zip, a ``.pyc`` renamed by mistake) or bytes that are not UTF-8
are refused before any reader sees them.
"""

from __future__ import annotations

from pathlib import Path

from cuecast.errors import Diagnostic, ScriptError
from cuecast.model import Location
from cuecast.script_yaml import decode_utf8

#: Text tutorials are hand-written; a notebook carries its stored outputs
#: (plots as base64) and so may be far larger.
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024
#: Leading bytes of common binary formats someone might pass by mistake.
BINARY_MAGIC = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"PK\x03\x04": "a zip archive (a .docx, .pptx or .zip?)", b"%PDF": "a PDF document",
    b"\x7fELF": "a program", b"\x1f\x8b": "a gzip archive",
}


def _refuse(shown: str, message: str, hint: str = "") -> ScriptError:
    return ScriptError([Diagnostic(Location(shown), message, hint)])


def read_source(path: Path, shown: str) -> str:
    """The text of the file to import (a leading BOM dropped)."""
    limit = MAX_NOTEBOOK_BYTES if path.suffix.lower() == ".ipynb" else MAX_TEXT_BYTES
    try:
        if path.is_dir():
            raise _refuse(shown, "is a folder; give the tutorial file to import")
        size = path.stat().st_size
        if size > limit:
            raise _refuse(shown, f"is {size / 1024 / 1024:.1f} MB; files over {limit // 1024 // 1024} MB are "
                                 "refused", hint="a tutorial is hand-written text; is this the right file?")
        data = path.read_bytes()
    except FileNotFoundError:
        raise _refuse(shown, "no such file") from None
    except OSError as exc:
        raise _refuse(shown, f"cannot be read: {exc.strerror}") from None
    for magic, what in BINARY_MAGIC.items():
        if data.startswith(magic):
            raise _refuse(shown, f"is {what}, not a tutorial", hint=SUPPORTED_HINT)
    if b"\x00" in data[:8192]:
        raise _refuse(shown, "is a binary file, not a tutorial (it holds NUL bytes)", hint=SUPPORTED_HINT)
    try:
        text = decode_utf8(data, shown, "file")
    except ScriptError as exc:
        first = exc.diagnostics[0]
        raise ScriptError([Diagnostic(first.location, f"is not UTF-8 text: {first.message.split('(', 1)[-1].rstrip(')')}",
                                      "save it as UTF-8, or check that this is the right file")]) from None
    if not text.strip():
        raise _refuse(shown, "is empty: there is nothing to import")
    return text


SUPPORTED_HINT = ("render import reads a sphinx-gallery or percent-format .py, a .ipynb notebook, "
                  "a Quarto .qmd, a MyST or plain Markdown .md, or a Markdown video script")
