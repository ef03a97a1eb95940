"""Do words on a slide overlap?  The deck is rendered the way a person opens
it (LibreOffice, ``soffice --headless --convert-to pdf``), every word's box
is read back with poppler (``pdftotext -bbox``), and two words whose boxes
share more than a quarter of the smaller one's area overlap.

Every test that builds a deck calls ``check_deck(pptx)`` (or
``check_lesson_deck``): a deck is converted once a session whatever test
asks (cached by the pptx's digest, one LibreOffice profile for all), so
checking every deck the suite builds costs a conversion per distinct deck.
``word_boxes`` and ``overlaps`` are there for tests that want to look closer
(a PDF a test already has, one page).  ``line_mismatches`` compares the lines
LibreOffice broke a deck's text into with the lines cuecast's measurer (and
so its PNG drawer) broke it into.
"""

from __future__ import annotations

import atexit
import hashlib
import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The share of the smaller box two words may have in common.
OVERLAP_SHARE = 0.25

_PAGE = re.compile(r"<page\b[^>]*>(.*?)</page>", re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', re.S)


@dataclass(frozen=True)
class Word:
    page: int  # 1-based, a slide's number
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x0) * max(0.0, self.y1 - self.y0)


def tools_missing() -> bool:
    return not (shutil.which("soffice") and shutil.which("pdftotext"))


needs_tools = pytest.mark.skipif(tools_missing(), reason="needs LibreOffice (soffice) and poppler (pdftotext)")


#: Scratch space of this session's conversions: LibreOffice's profile (made
#: once: a fresh one costs seconds a start) and each deck's PDF by digest.
_SCRATCH: dict[str, Path] = {}


def _scratch(name: str) -> Path:
    if "root" not in _SCRATCH:
        _SCRATCH["root"] = root = Path(tempfile.mkdtemp(prefix="cuecast-overlap-"))
        atexit.register(_remove_if_ours, root, os.getpid())
    folder = _SCRATCH["root"] / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remove_if_ours(root: Path, owner: int) -> None:
    """At this session's exit, not at the exit of a child forked from it
    (a test that runs a snippet as the worker's forked child runs atexit)."""
    if os.getpid() == owner:
        shutil.rmtree(root, ignore_errors=True)


def pptx_to_pdf(pptx: Path, folder: Path) -> Path:
    """``pptx`` as LibreOffice renders it, a PDF in ``folder`` (converted
    once a session for each distinct deck, then copied)."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / (Path(pptx).stem + ".pdf")
    shutil.copyfile(_converted(Path(pptx)), pdf)
    return pdf


def _pdf_of(pptx: Path) -> Path:
    """Where this session keeps LibreOffice's PDF of ``pptx`` (by digest)."""
    return _scratch("pdf") / f"{hashlib.sha256(Path(pptx).read_bytes()).hexdigest()[:20]}.pdf"


def converted_already(pptx: Path):
    """LibreOffice's PDF of ``pptx`` if a test had it converted this
    session, else None (checking it then costs no conversion)."""
    if "root" not in _SCRATCH:
        return None
    pdf = _pdf_of(pptx)
    return pdf if pdf.is_file() else None


def _converted(pptx: Path) -> Path:
    pdf = _pdf_of(pptx)
    digest = pdf.stem
    if not pdf.is_file():
        source = _scratch("pptx") / f"{digest}.pptx"
        shutil.copyfile(pptx, source)
        result = subprocess.run(
            ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{_scratch('profile')}",
             "--convert-to", "pdf", "--outdir", str(pdf.parent), str(source)],
            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert result.returncode == 0 and pdf.is_file(), result.stderr or result.stdout
    return pdf


def word_boxes(pdf: Path) -> list[Word]:
    """Every word of ``pdf`` with its box (points, from the page's top left)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = []
    for number, page in enumerate(_PAGE.findall(out), start=1):
        for x0, y0, x1, y1, text in _WORD.findall(page):
            words.append(Word(number, html.unescape(text), float(x0), float(y0), float(x1), float(y1)))
    return words


def overlaps(words: list[Word]) -> list[tuple[Word, Word]]:
    """Pairs of words on one page whose boxes share more than
    ``OVERLAP_SHARE`` of the smaller one's area."""
    found = []
    by_page: dict[int, list[Word]] = {}
    for word in words:
        by_page.setdefault(word.page, []).append(word)
    for page_words in by_page.values():
        page_words.sort(key=lambda w: w.x0)
        for i, a in enumerate(page_words):
            for b in page_words[i + 1:]:
                if b.x0 >= a.x1:
                    break
                w = min(a.x1, b.x1) - max(a.x0, b.x0)
                h = min(a.y1, b.y1) - max(a.y0, b.y0)
                smaller = min(a.area, b.area)
                if w > 0 and h > 0 and smaller > 0 and w * h > OVERLAP_SHARE * smaller:
                    found.append((a, b))
    return found


def describe(pairs: list[tuple[Word, Word]]) -> str:
    return "\n".join(f"slide {a.page}: {a.text!r} ({a.x0:.0f},{a.y0:.0f}) overlaps {b.text!r} ({b.x0:.0f},{b.y0:.0f})"
                     for a, b in pairs)


def assert_no_overlaps(pptx: Path) -> list[Word]:
    """Render ``pptx`` with LibreOffice and fail naming every overlapping
    pair of words; returns the words (for further checks)."""
    words = word_boxes(_converted(Path(pptx)))
    assert words, f"LibreOffice drew no text from {pptx}"
    pairs = overlaps(words)
    assert not pairs, f"{len(pairs)} overlapping words in {pptx}:\n{describe(pairs)}"
    return words


def check_deck(pptx: Path, deck=None, theme=None) -> None:
    """The checks every deck the suite builds passes: no overlapping words
    as LibreOffice draws ``pptx``; given the laid-out ``deck`` it was
    written from and its ``theme``, LibreOffice breaks every line where the
    measurer (and so the PNG drawer) did."""
    words = assert_no_overlaps(pptx)
    if deck is not None:
        mismatches = line_mismatches(deck, theme, words)
        assert not mismatches, "\n".join(mismatches)


def check_lesson_deck(script: Path, pptx: Path) -> None:
    """``check_deck`` for a deck a build wrote from ``script``: its deck is
    laid out again here from the captures the build cached."""
    from cuecast.deck.layout import layout_deck
    from cuecast.deck.theme import lesson_theme_path, load_theme
    from cuecast.runner import RunOptions, run_lesson
    from cuecast.script import load_lesson

    lesson = load_lesson(Path(script))
    theme = load_theme(lesson_theme_path(Path(lesson.root)))
    check_deck(pptx, layout_deck(lesson, run_lesson(lesson, RunOptions(device="cpu")), theme), theme)


def _drawn_lines(words: list[Word]) -> list[str]:
    """Words inside one text box as the lines they were drawn on, top to
    bottom; words that touch (a code span and the full stop after it) are
    joined without a space."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.y0 + w.y1) / 2):
        middle = (word.y0 + word.y1) / 2
        if rows and abs((rows[-1][0].y0 + rows[-1][0].y1) / 2 - middle) < 0.35 * (word.y1 - word.y0):
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        text = row[0].text
        for before, word in zip(row, row[1:]):
            text += ("" if word.x0 - before.x1 < 0.1 * (word.y1 - word.y0) else " ") + word.text
        lines.append(text)
    return lines


def _plain(text: str) -> str:
    return " ".join(text.replace("\u200b", "").replace("•", "").replace("–", "").split())


def line_mismatches(deck, theme, words: list[Word]) -> list[str]:
    """Each wrapped text box (not code or output, which cuecast breaks into
    rows itself) whose lines as LibreOffice drew them (``words``, from the
    deck's PDF) differ from the lines the measurer made, so from the PNG."""
    from cuecast.deck.boxes import EMU_PER_PT, TextBox
    from cuecast.deck.fit import inner_size
    from cuecast.deck.measure import Measurer

    measurer = Measurer(theme)
    found = []
    for page, slide in enumerate(deck.slides, start=1):
        on_page = [w for w in words if w.page == page]
        for box in slide.boxes:
            if not isinstance(box, TextBox) or not box.wrap or box.role in ("code", "terminal", "gutter"):
                continue
            x0, y0 = box.x / EMU_PER_PT, box.y / EMU_PER_PT
            x1, y1 = x0 + box.w / EMU_PER_PT, y0 + box.h / EMU_PER_PT
            inside = [w for w in on_page if x0 <= (w.x0 + w.x1) / 2 <= x1 and y0 <= (w.y0 + w.y1) / 2 <= y1]
            drawn = [line for line in map(_plain, _drawn_lines(inside)) if line]
            width, _ = inner_size(box.w, box.h, box.inset)
            measured = [_plain("".join(run.text for run in line)) for paragraph in box.paragraphs
                        for line in measurer.paragraph_lines(paragraph, width, box.wrap)]
            measured = [line for line in measured if line]
            if drawn != measured:
                found.append(f"{slide.id} {box.name}: LibreOffice {drawn} measured {measured}")
    return found
