"""The deck as a PDF to hand out, converted from ``slides.pptx`` by
LibreOffice Impress, so the PDF shows exactly the deck a presenter opens.

LibreOffice runs headless with a profile of its own in a temporary folder: a
LibreOffice the author has open, or a second conversion running at the same
time, does not hold the conversion up.  A handout exports Impress's notes
pages, one a slide: the slide above its speaker notes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

from cuecast.atomic import atomic_path
from cuecast.errors import CuecastError, EXIT_FAILED

#: Seconds a conversion may take (a cold LibreOffice start is most of it).
CONVERT_SECONDS = 300

INSTALL_HINT = ("install LibreOffice Impress (Debian/Ubuntu: apt-get install libreoffice-impress; "
                "macOS: brew install --cask libreoffice), or open slides.pptx and export it as PDF")


class PdfUnavailable(CuecastError):
    """LibreOffice is not installed: the PDF cannot be made here."""


class PdfFailed(CuecastError):
    """LibreOffice ran but wrote no PDF."""

    exit_code = EXIT_FAILED


def find_soffice() -> Optional[str]:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


def require_soffice() -> str:
    """LibreOffice's ``soffice``, or the error saying how to install it;
    asked before a build starts, so a missing LibreOffice costs no work."""
    found = find_soffice()
    if found is None:
        raise PdfUnavailable("--pdf needs LibreOffice (soffice), which is not installed", hint=INSTALL_HINT)
    return found


def pdf_filter(handout: bool) -> str:
    """The ``--convert-to`` argument: Impress's PDF export, with notes pages
    only for a handout (LibreOffice 7.4+ reads the options as JSON)."""
    if not handout:
        return "pdf:impress_pdf_Export"
    options = {"ExportNotesPages": {"type": "boolean", "value": "true"},
               "ExportOnlyNotesPages": {"type": "boolean", "value": "true"}}
    return "pdf:impress_pdf_Export:" + json.dumps(options, separators=(",", ":"))


def write_pdf(pptx: Path, out: Path, handout: bool = False) -> Path:
    """Convert ``pptx`` to ``out`` (written atomically); ``PdfUnavailable``
    without LibreOffice, ``PdfFailed`` when it writes nothing."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable("cannot write a PDF: LibreOffice (soffice) is not installed", hint=INSTALL_HINT)
    pptx, out = Path(pptx), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=out.parent) as tmp:
        work = Path(tmp)
        command = [soffice, "--headless", "--norestore", "--nolockcheck",
                   f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--convert-to", pdf_filter(handout), "--outdir", str(work), str(pptx)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_SECONDS,
                                    stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PdfFailed(f"LibreOffice did not convert {pptx.name} within {CONVERT_SECONDS} s") from None
        written = work / f"{pptx.stem}.pdf"
        if result.returncode != 0 or not written.is_file() or written.stat().st_size == 0:
            said = (result.stderr or result.stdout).strip().splitlines()
            raise PdfFailed(f"LibreOffice could not convert {pptx.name} to PDF"
                            + (f": {said[-1]}" if said else f" (exit status {result.returncode})"))
        with atomic_path(out) as part:
            shutil.move(str(written), part)
    return out
