"""Golden captures: prove that what a snippet prints is still what the slides show.

A golden file keeps the normalised output of one snippet beside its lesson
script, reviewed in git like any source::

    script/pytorch-intro.yaml
    script/pytorch-intro.golden/casting.txt          # snippets/casting.py
    script/pytorch-intro.golden/layers.cuda.txt      # optional, one device only
    script/pytorch-intro.golden/extra__util.txt      # snippets/extra/util.py

Comparison is tolerant where output legitimately varies and strict everywhere
else:

* **Normalisers** first rewrite what changes from run to run and machine to
  machine without meaning anything: memory addresses, timings, CUDA/MPS device
  suffixes in tensor reprs, absolute temp and project paths, ANSI colours,
  trailing whitespace and CRLF line ends.
* **Numbers** are then compared with a tolerance, so float noise across
  machines, BLAS builds and devices passes while a value that really changed
  fails: ``|actual - golden| <= atol + rtol * |golden|`` (defaults below), plus
  one unit in the last place when both are printed with the same fine fixed
  precision (torch's ``0.5000`` vs ``0.5001``: noise on a rounding boundary).  Integer-looking tokens (shapes in ``torch.Size([64, 15])``, counts,
  int tensors) must match exactly, so a changed shape always fails.
* **Text** outside numbers must match exactly, apart from the horizontal
  padding torch puts around numbers to align columns (a value that flips sign
  shifts its column by one space); a changed dtype is a text change and fails.

This module is pure text work on ``Capture`` values; it neither runs code nor
imports torch.
"""

from __future__ import annotations

import difflib
import math
import re
import tempfile
from dataclasses import replace, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Mapping, Optional, Sequence

from cuecast.atomic import write_text
from cuecast.model import STATUS_EXPECTED_ERROR, Capture, Cue, Lesson
from cuecast.shown import unit_name, units

#: Default relative tolerance.  Float32 results differ across CPUs, BLAS builds
#: and GPUs by a few units in the 6th–7th significant digit; 1e-4 leaves room
#: for that noise accumulating through a small training loop, yet catches any
#: change a viewer could see in torch's default 4-decimal print.
DEFAULT_RTOL = 1e-4
#: Default absolute tolerance, for values that should be 0 but come out as
#: ``1e-8`` on another machine (where a relative tolerance means nothing).
DEFAULT_ATOL = 1e-6

#: The folder suffix beside a script: ``script/<lesson id>.golden/``.
GOLDEN_SUFFIX = ".golden"

#: GoldenResult.status values.
GOLDEN_MATCH = "match"  # output equals the golden file within tolerance
GOLDEN_DRIFT = "drift"  # output differs: ``drift`` says how
GOLDEN_MISSING = "missing"  # no golden file yet (run --update-golden)
GOLDEN_WRITTEN = "written"  # --update-golden wrote a new or changed file
GOLDEN_UNCHANGED = "unchanged"  # --update-golden found it already matching
GOLDEN_SKIPPED = "skipped"  # the snippet itself failed; nothing to compare
GOLDEN_STALE = "stale"  # a golden file no snippet of the lesson prints any more
GOLDEN_REMOVED = "removed"  # --update-golden deleted a stale file
GOLDEN_PASSING = (GOLDEN_MATCH, GOLDEN_WRITTEN, GOLDEN_UNCHANGED, GOLDEN_SKIPPED, GOLDEN_STALE, GOLDEN_REMOVED)
#: The device suffixes a per-device golden file may carry (``layers.cuda.txt``).
GOLDEN_DEVICES = ("cpu", "cuda", "mps", "xpu")


# --- normalising -------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
#: CPython prints ids as 0x + 12 hex digits on 64-bit; 8+ leaves short literals
#: such as ``0xff`` alone.
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{8,}\b")
_TIME_UNIT = r"(?:ns|us|µs|ms|s|sec|secs|seconds?|min|mins|minutes?)"
#: ``1.23 s``, ``123ms``, ``took 0.5s``, ``%timeit``'s ``1.2 µs ± 30 ns``.
_TIMING = re.compile(
    rf"(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s?{_TIME_UNIT}(?![\w])"
    rf"(?:\s*±\s*\d+(?:\.\d+)?\s?{_TIME_UNIT}(?![\w]))?"
)
#: ``, device='cuda:0'`` inside a tensor repr: the same tensor printed on CPU
#: has no device at all.
_DEVICE_KWARG = re.compile(r",\s*device='(?:cuda|mps|xpu)(?::\d+)?'")
#: ``device(type='cuda', index=0)`` as ``print(x.device)`` shows it.
_DEVICE_OBJECT = re.compile(r"device\(type='(?:cuda|mps|xpu)'(?:,\s*index=\d+)?\)")
#: ``cuda:0`` / ``mps:0`` printed on its own (``print(x.device)``).
_DEVICE_NAME = re.compile(r"\b(?:cuda|mps|xpu):\d+\b")
#: Anything up to ``site-packages/`` differs per virtualenv and Python.
_SITE_PACKAGES = re.compile(r"(?:[A-Za-z]:)?[^\s'\"]*[/\\](?:site|dist)-packages(?=[/\\])")
_WINDOWS_TEMP = re.compile(r"[A-Za-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp\\[^\\\s'\"]+")
_MAC_TEMP = re.compile(r"(?:/private)?/var/folders/[^\s'\"]+?/T/[^/\s'\"]+")


def _temp_pattern() -> re.Pattern:
    """``<tempdir>/<one folder>`` (the snippet's working folder, a pytest
    tmp_path): where it lives and its random name differ every run."""
    temp = re.escape(tempfile.gettempdir().rstrip("/\\"))
    return re.compile(rf"(?:{temp}|/tmp)[/\\][^/\\\s'\"]+")


def normalise(text: str, roots: Sequence[str | Path] = (), *, keep_devices: bool = False) -> str:
    """Rewrite what legitimately varies between runs so that two captures of
    the same behaviour compare equal as text.

    ``roots`` are absolute folders (the lesson's project root) shown as
    ``<root>`` so a warning's ``/home/ci/work/snippets/x.py:3`` matches the
    author's ``/Users/me/course/snippets/x.py:3``.  The function is idempotent:
    golden files are stored normalised and normalised again when read.
    ``keep_devices`` leaves ``cuda:0`` and ``device='cuda:0'`` as printed, for
    a golden file that belongs to one device and should say so.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ANSI.sub("", text)
    for root in sorted({str(r).rstrip("/\\") for r in roots if str(r)}, key=len, reverse=True):
        if len(root) > 1:
            text = text.replace(root, "<root>")
    text = _SITE_PACKAGES.sub("<site-packages>", text)
    text = _WINDOWS_TEMP.sub("<tmp>", text)
    text = _MAC_TEMP.sub("<tmp>", text)
    text = _temp_pattern().sub("<tmp>", text)
    # Removing one pattern can join its neighbours into another (``0.5`` +
    # ``, device='cuda:0'`` + ``ms`` becomes a timing), so repeat until nothing
    # changes: a golden file normalised again must stay as it is.
    for _ in range(8):
        before = text
        if not keep_devices:
            text = _DEVICE_KWARG.sub("", text)
            text = _DEVICE_OBJECT.sub("device(type='cpu')", text)
            text = _DEVICE_NAME.sub("cpu", text)
        text = _ADDRESS.sub("0x…", text)
        text = _TIMING.sub("<time>", text)
        if text == before:
            break
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


# --- tokenising and comparing ------------------------------------------------

#: A number not glued to a word (``float32``, ``x1`` and ``cuda:0``'s colon
#: side stay text): ints, decimals (``1.``, ``.5``), scientific notation,
#: ``nan`` and ``inf``, each with an optional sign.
_NUMBER = re.compile(
    r"(?<![\w.])[-+]?(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|nan|inf)(?![\w.])"
)
_INTEGER = re.compile(r"[-+]?\d+")
_SPACES = re.compile(r"[ \t]+")


def tokenize(line: str) -> tuple[list[str], list[str]]:
    """Split one line into its text pieces and its number tokens.

    ``texts`` always has one more item than ``numbers`` (text before, between
    and after the numbers), so two lines have the same shape exactly when
    their ``texts`` are equal.
    """
    texts: list[str] = []
    numbers: list[str] = []
    last = 0
    for match in _NUMBER.finditer(line):
        texts.append(line[last : match.start()])
        numbers.append(match.group())
        last = match.end()
    texts.append(line[last:])
    return texts, numbers


def _text_key(texts: list[str]) -> list[str]:
    """The text pieces as they must match: padding around numbers ignored,
    runs of spaces inside text compared as one."""
    return [_SPACES.sub(" ", piece).strip(" \t") for piece in texts]


def _last_place(token: str) -> tuple[tuple[int, bool], float]:
    """How a float token was formatted (decimals, scientific?) and the size
    of one unit in its last printed place: ``0.5000`` → ``((4, False), 1e-4)``."""
    mantissa, sci, exponent = token.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return (decimals, bool(sci)), 10.0 ** (-decimals + (int(exponent) if exponent else 0))


#: The largest last place (relative to max(1, |value|)) for which a one-unit
#: flip is put down to rounding.  Torch prints 4 decimals, so ``0.5000`` vs
#: ``0.5001`` is noise at a rounding boundary; Python prints floats exactly
#: (shortest repr), so ``0.5`` vs ``0.6`` is a real change.
ROUNDING_FLIP_LIMIT = 1e-3


def _rounding_allowance(expected: str, actual: str) -> float:
    """One unit in the last place when both tokens use the same fixed
    precision and that place is fine enough that a one-unit flip is what
    float noise does to a value sitting on a rounding boundary; else 0."""
    (want_format, unit), (got_format, _) = _last_place(expected), _last_place(actual)
    if want_format != got_format or want_format[0] == 0:
        return 0.0
    scale = max(1.0, abs(float(expected)), abs(float(actual)))
    return unit if unit <= ROUNDING_FLIP_LIMIT * scale else 0.0


@dataclass(frozen=True)
class NumberMismatch:
    """One number beyond tolerance, or an exact token that changed."""

    line: int  # 1-based line in the normalised texts
    expected: str
    actual: str
    delta: float  # |actual - expected|; inf when one side is nan/inf or an int changed
    tolerance: float

    def __str__(self) -> str:
        if self.tolerance == 0.0:
            return f"line {self.line}: {self.actual} vs {self.expected} (integers must match exactly)"
        return (
            f"line {self.line}: {self.actual} vs {self.expected} "
            f"(|Δ|={self.delta:.1e} > tol {self.tolerance:.1e})"
        )


def compare_numbers(expected: str, actual: str, rtol: float, atol: float) -> Optional[tuple[float, float]]:
    """``None`` when two number tokens agree, else ``(delta, tolerance)``.

    Integer-looking tokens on either side must be the same text (a shape of
    64 is never "close to" 65).  Otherwise both are floats and agree when
    ``|a - b| <= atol + rtol*|expected|``, plus one unit in the last place
    for a fixed-precision flip (see ``_rounding_allowance``); nan only equals
    nan and infinities only themselves.
    """
    if _INTEGER.fullmatch(expected) or _INTEGER.fullmatch(actual):
        if expected.lstrip("+") == actual.lstrip("+"):
            return None
        return (math.inf, 0.0)
    a, b = float(actual), float(expected)
    if math.isnan(a) or math.isnan(b):
        return None if math.isnan(a) and math.isnan(b) else (math.inf, math.nan)
    if math.isinf(a) or math.isinf(b):
        return None if a == b else (math.inf, math.inf)
    tolerance = atol + rtol * abs(b) + _rounding_allowance(expected, actual)
    delta = abs(a - b)
    return None if delta <= tolerance else (delta, tolerance)


@dataclass(frozen=True)
class Drift:
    """How an actual output differs from its golden text.

    ``diff`` is a unified diff of the normalised texts, in which lines that
    agree within tolerance are shown as unchanged so only real changes stand
    out; ``mismatches`` names every number beyond tolerance; ``changed_lines``
    are lines whose text (outside numbers) changed.
    """

    diff: str
    mismatches: tuple[NumberMismatch, ...] = ()
    changed_lines: tuple[int, ...] = ()
    line_count: tuple[int, int] = (0, 0)  # (golden, actual)

    @property
    def summary(self) -> str:
        """One line for a table or a JUnit message."""
        parts = []
        if self.line_count[0] != self.line_count[1]:
            parts.append(f"{self.line_count[1]} lines instead of {self.line_count[0]}")
        if self.changed_lines:
            shown = ", ".join(str(n) for n in self.changed_lines[:5])
            more = "…" if len(self.changed_lines) > 5 else ""
            parts.append(f"text changed on line {shown}{more}")
        exact = sum(1 for m in self.mismatches if m.tolerance == 0.0)
        if exact:
            parts.append(f"{exact} integer(s) changed")
        if len(self.mismatches) > exact:
            parts.append(f"{len(self.mismatches) - exact} number(s) beyond tolerance")
        return "; ".join(parts) or "output changed"

    def report(self) -> str:
        """The diff followed by one line per number beyond tolerance."""
        lines = [self.diff.rstrip("\n")] if self.diff else []
        lines += [str(m) for m in self.mismatches]
        return "\n".join(lines)


def compare(
    golden_text: str,
    actual_text: str,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    *,
    golden_name: str = "golden",
    actual_name: str = "actual",
    roots: Sequence[str | Path] = (),
    keep_devices: bool = False,
) -> Optional[Drift]:
    """``None`` when ``actual_text`` matches ``golden_text`` (both normalised,
    numbers within tolerance), else a ``Drift`` with a readable diff."""
    golden_lines = normalise(golden_text, roots, keep_devices=keep_devices).splitlines()
    actual_lines = normalise(actual_text, roots, keep_devices=keep_devices).splitlines()
    mismatches: list[NumberMismatch] = []
    changed: list[int] = []
    # The diff shows a line that agrees within tolerance as its golden self,
    # so float noise does not bury the real change.
    shown_actual = list(actual_lines)
    same_length = len(golden_lines) == len(actual_lines)
    if same_length:
        for number, (want, got) in enumerate(zip(golden_lines, actual_lines), start=1):
            if want == got:
                continue
            want_texts, want_numbers = tokenize(want)
            got_texts, got_numbers = tokenize(got)
            if _text_key(want_texts) != _text_key(got_texts):
                changed.append(number)
                continue
            line_mismatches = []
            for expected, actual in zip(want_numbers, got_numbers):
                result = compare_numbers(expected, actual, rtol, atol)
                if result is not None:
                    line_mismatches.append(NumberMismatch(number, expected, actual, *result))
            if line_mismatches:
                mismatches.extend(line_mismatches)
            else:
                shown_actual[number - 1] = want
    if same_length and not mismatches and not changed:
        return None
    diff = "\n".join(
        difflib.unified_diff(
            golden_lines, shown_actual, fromfile=golden_name, tofile=actual_name, lineterm=""
        )
    )
    return Drift(
        diff=diff,
        mismatches=tuple(mismatches),
        changed_lines=tuple(changed),
        line_count=(len(golden_lines), len(actual_lines)),
    )


def _fragment_pattern(texts: list[str]) -> re.Pattern:
    """A pattern for a fragment's shape: its text pieces as written (padding
    next to a number free, as ``compare`` treats it) with any number in
    each number's place."""
    parts = []
    for index, piece in enumerate(texts):
        inner = index < len(texts) - 1
        if index:
            piece = piece.lstrip(" \t")
            parts.append(r"[ \t]*")
        if inner:
            piece = piece.rstrip(" \t")
        parts.append(r"[ \t]+".join(re.escape(word) for word in _SPACES.split(piece)))
        if inner:
            parts.append(rf"[ \t]*({_NUMBER.pattern})")
    return re.compile("".join(parts))


def find_close(
    text: str, fragment: str, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL
) -> Optional[str]:
    """Where ``text`` holds ``fragment`` with its numbers within tolerance:
    the matching text, or ``None``.

    A test or tool that looks for one printed value in real output must not
    depend on how this CPU rounds: a softmax row that sums to 0.99999994 on
    one machine prints ``tensor([1.0000, 1.0000])`` and on another
    ``tensor([1., 1.])``.  Numbers are judged as ``compare`` judges them
    (integers exactly); the text between them must be as written.
    """
    texts, numbers = tokenize(fragment)
    if not numbers:
        return fragment if fragment in text else None
    pattern = _fragment_pattern(texts)
    start = 0
    while (match := pattern.search(text, start)) is not None:
        if all(compare_numbers(want, got, rtol, atol) is None for want, got in zip(numbers, match.groups())):
            return match.group()
        start = match.start() + 1
    return None


# --- golden files --------------------------------------------------------------


def golden_dir(lesson: Lesson) -> Path:
    """``<script folder>/<lesson id>.golden``: beside the script, so a lesson
    and its expected outputs are reviewed together."""
    source = Path(lesson.source)
    if not source.is_absolute():
        # The parser shows the source relative to the folder render ran in.
        from_cwd = Path.cwd() / source
        source = from_cwd if from_cwd.exists() else Path(lesson.root) / source
    return source.parent / f"{lesson.id}{GOLDEN_SUFFIX}"


def golden_stem(snippet: str) -> str:
    """The file name stem for a project-relative snippet path:
    ``snippets/casting.py`` → ``casting``; ``snippets/extra/util.py`` →
    ``extra__util``; ``other/x.py`` → ``other__x`` (the conventional
    ``snippets/`` folder is dropped, other folders kept with ``/`` → ``__``).
    A cell (``snippets/t.py::Tensor attributes``) adds its title's slug:
    ``t--tensor-attributes``, so inserting a cell renames no golden file."""
    from cuecast.ids import bound_slug, slugify

    path, _, cell = snippet.partition("::")
    parts = list(PurePosixPath(path.replace("\\", "/")).with_suffix("").parts)
    if len(parts) > 1 and parts[0] == "snippets":
        parts = parts[1:]
    stem = bound_slug("__".join(parts))  # a deep path still names a file the disk accepts
    return f"{stem}--{slugify(cell) or 'cell'}" if cell else stem


def golden_path(lesson: Lesson, snippet: str, device: Optional[str] = None, *, per_device: bool = False) -> Path:
    """Where a snippet's golden text lives.

    With a ``device``, ``<stem>.<device>.txt`` is preferred when it exists (an
    author opts in with ``--golden-per-device`` when a snippet prints
    something device-specific); ``per_device=True`` names it even when it does
    not exist yet, for writing.  Otherwise ``<stem>.txt``.
    """
    folder = golden_dir(lesson)
    stem = golden_stem(snippet)
    if device:
        specific = folder / f"{stem}.{device}.txt"
        if per_device or specific.exists():
            return specific
    return folder / f"{stem}.txt"


def golden_text(capture: Capture) -> str:
    """What a golden file holds for a capture: the output as a terminal shows
    it, plus, for a snippet that teaches an error, the exception it raised
    (its type and message; not the traceback, whose line numbers shift with
    every edit)."""
    text = capture.output
    if capture.exception is not None and capture.status == STATUS_EXPECTED_ERROR:
        if text and not text.endswith("\n"):
            text += "\n"
        text += f"[raised] {capture.exception.type}: {capture.exception.message}\n"
    return text


def read_golden(path: Path) -> Optional[str]:
    """The golden text at ``path``, or ``None`` when there is none."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def write_golden(path: Path, text: str, roots: Sequence[str | Path] = (), *, keep_devices: bool = False) -> Path:
    """Write ``text`` normalised to ``path`` atomically (a half-written golden
    file would fail every later check with a confusing diff)."""
    return write_text(Path(path), normalise(text, roots, keep_devices=keep_devices))


def is_device_golden(path: Path, device: Optional[str]) -> bool:
    """Whether ``path`` is one device's own golden file (``<stem>.<device>.txt``),
    which keeps that device's names (``cuda:0``) rather than normalising them."""
    return bool(device) and Path(path).name.endswith(f".{device}.txt")


@dataclass(frozen=True)
class GoldenResult:
    """The golden verdict for one snippet of a lesson."""

    snippet: str
    path: Path
    status: str
    drift: Optional[Drift] = None
    cue: Optional[Cue] = field(default=None, compare=False)
    lesson_id: str = ""

    @property
    def passed(self) -> bool:
        return self.status in GOLDEN_PASSING

    @property
    def message(self) -> str:
        """A sentence for the check's table and for a pytest failure."""
        shown = _display(self.path)
        if self.status == GOLDEN_MISSING:
            return f"no golden file {shown}; run `render check --update-golden` to create it"
        if self.status == GOLDEN_DRIFT and self.drift is not None:
            return f"output drifted from {shown}: {self.drift.summary}"
        if self.status == GOLDEN_SKIPPED:
            return "snippet failed; golden output not compared"
        if self.status == GOLDEN_STALE:
            return f"{shown} belongs to no snippet of the lesson; `render check --update-golden` deletes it"
        return f"{self.status}: {shown}"

    def report(self) -> str:
        """The message, then the diff and the numbers beyond tolerance."""
        if self.status == GOLDEN_DRIFT and self.drift is not None:
            return f"{self.message}\n{self.drift.report()}"
        return self.message


def _display(path: Path, root: Optional[str] = None) -> str:
    """``path`` relative to the current folder (or ``root``) when inside it."""
    for base in (Path.cwd(), Path(root) if root else None):
        if base is None:
            continue
        try:
            return Path(path).resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def check_snippet_golden(
    lesson: Lesson,
    snippet: str,
    capture: Capture,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    *,
    update: bool = False,
    per_device: bool = False,
    cue: Optional[Cue] = None,
) -> GoldenResult:
    """Compare (or, with ``update``, write) one snippet's golden file.

    A snippet that did not pass is ``skipped``: the run already fails for it,
    and writing its broken output as golden would bless the breakage.  An
    update leaves a file that still matches within tolerance untouched, so
    float noise never churns git history; with ``per_device`` it writes
    ``<stem>.<device>.txt`` only where this device's output differs from the
    shared ``<stem>.txt`` (a GPU check printing ``True`` where the CPU printed
    ``False``), so every other snippet keeps one golden for all devices.
    """
    path = golden_path(lesson, snippet, capture.device)
    if not capture.passed:
        return GoldenResult(snippet, path, GOLDEN_SKIPPED, cue=cue)
    roots = (lesson.root,)
    actual = golden_text(capture)

    expected = read_golden(path)
    drift = None
    if expected is not None:
        drift = compare(
            expected, actual, rtol, atol,
            golden_name=_display(path, lesson.root),
            actual_name=f"{snippet} (actual, {capture.device})",
            roots=roots,
            keep_devices=is_device_golden(path, capture.device),
        )
    if update and per_device and path == golden_path(lesson, snippet) and (expected is None or drift is not None):
        # Only a device that prints differently from the shared file gets a
        # file of its own: the other snippets keep one golden for every device.
        path = golden_path(lesson, snippet, capture.device, per_device=True)
        expected = None
    if update:
        if expected is not None and drift is None:
            return GoldenResult(snippet, path, GOLDEN_UNCHANGED, cue=cue)
        write_golden(path, actual, roots, keep_devices=is_device_golden(path, capture.device))
        return GoldenResult(snippet, path, GOLDEN_WRITTEN, drift, cue=cue)
    if expected is None:
        return GoldenResult(snippet, path, GOLDEN_MISSING, cue=cue)
    return GoldenResult(snippet, path, GOLDEN_DRIFT if drift else GOLDEN_MATCH, drift, cue=cue)


def golden_units(capture: Capture) -> list[tuple[str, Capture]]:
    """``(golden name, unit)`` for the file or each of its cells: the unit's
    name, made unique where two cell titles slug alike ("Sum (a)", "Sum: a"),
    so each cell keeps a golden file of its own."""
    found, stems = [], {}
    for unit in units(capture):
        name = unit_name(unit)
        seen = stems.get(golden_stem(name), 0)
        stems[golden_stem(name)] = seen + 1
        found.append((f"{name} ({seen + 1})" if seen else name, unit))
    return found


def check_lesson_golden(
    lesson: Lesson,
    captures: Mapping[str, Capture],
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    update: bool = False,
    *,
    per_device: bool = False,
) -> list[GoldenResult]:
    """One ``GoldenResult`` per snippet of the lesson, in script order.

    ``captures`` maps snippet paths (as cues name them) to what they printed;
    a snippet with no capture (not run, e.g. filtered out) is left out.
    """
    results = []
    cues = list(lesson.snippet_cues())
    checked: set[str] = set()
    for cue in cues:
        capture = captures.get(cue.snippet)
        if capture is None:
            continue
        for name, unit in golden_units(capture):  # the file, or each of its cells
            checked.add(name)
            results.append(
                check_snippet_golden(
                    lesson, name, unit, rtol, atol,
                    update=update, per_device=per_device, cue=cue,
                )
            )
    if all(cue.snippet in captures for cue in cues):  # a partial run cannot tell what is stale
        results += stale_golden_files(lesson, checked, remove=update)
    return results


def stale_golden_files(lesson: Lesson, snippets: set[str], remove: bool = False) -> list[GoldenResult]:
    """Golden files in the lesson's folder that no snippet prints any more (a
    snippet renamed or dropped from the script): reported, or deleted with
    ``remove`` so the folder holds exactly what the lesson checks."""
    folder = golden_dir(lesson)
    if not folder.is_dir():
        return []
    known = {golden_stem(snippet) for snippet in snippets}
    found = []
    for path in sorted(folder.glob("*.txt")):
        stem = path.name[: -len(".txt")]
        base, _, device = stem.rpartition(".")
        if stem in known or (device in GOLDEN_DEVICES and base in known):
            continue
        if remove:
            path.unlink(missing_ok=True)
        found.append(GoldenResult(path.name, path, GOLDEN_REMOVED if remove else GOLDEN_STALE))
    return found


def check_golden(
    target: Optional[Path],
    results: Sequence,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    *,
    update: bool = False,
    per_device: bool = False,
) -> list[GoldenResult]:
    """``render check --golden``: the golden verdicts for a finished check.

    ``results`` are the check's per-snippet results (anything with
    ``lesson_id``, ``snippet`` and ``file_capture``); the lessons are parsed again
    from ``target`` (cheap, and it keeps the check's own API unchanged).
    """
    from cuecast.script import load_lessons

    captures: dict[str, dict[str, Capture]] = {}
    for result in results:
        whole = result.file_capture or result.capture  # a cell's result carries its file's
        captures.setdefault(result.lesson_id, {})[whole.snippet] = whole
    verdicts: list[GoldenResult] = []
    for lesson in load_lessons(target):
        verdicts += [
            replace(verdict, lesson_id=lesson.id)
            for verdict in check_lesson_golden(
                lesson, captures.get(lesson.id, {}), rtol, atol, update, per_device=per_device
            )
        ]
    return verdicts


def format_golden_results(results: Sequence[GoldenResult]) -> str:
    """What the check prints: every drift with its diff, every missing file,
    what an update wrote, then one summary line."""
    lines: list[str] = []
    for result in results:
        if result.status == GOLDEN_DRIFT:
            lines += ["", f"DRIFT {result.snippet}: {result.report()}"]
        elif result.status == GOLDEN_MISSING:
            lines.append(f"MISSING {result.snippet}: {result.message}")
        elif result.status == GOLDEN_WRITTEN:
            lines.append(f"wrote {_display(result.path)}")
        elif result.status == GOLDEN_STALE:
            lines.append(f"STALE {result.message}")
        elif result.status == GOLDEN_REMOVED:
            lines.append(f"removed {_display(result.path)} (no snippet of the lesson prints it)")
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "no snippets"
    lines += ["", f"golden: {summary}"]
    return "\n".join(lines)
