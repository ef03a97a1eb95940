"""The output a cue shows: the one owner of "which text goes under this code".

A file runs once and gives one Capture; a cue shows either the whole file's
output or, for a cell of a cell file, that cell's.  Every stage that puts
output in front of someone (the deck, the video terminal, the plan's reading
time, the notebook, the review page, the cue sheet, golden files, the check
report and the pytest items) asks here, so they cannot drift apart.

Two views:

* ``run_capture``: what the cue's code did when it ran (the cell's own
  output, status and exception), for the notebook, golden files and reports;
* ``shown_capture``: the same, narrowed by the cue's ``output: 3-12`` or
  emptied by ``output: none``, for what is put on screen.  An error is never
  hidden by either.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping, Optional, Sequence

from cuecast.kinds import RUNS_COMMAND, capture_name, capture_runs, kind_of
from cuecast.model import STATUS_ERROR, STATUS_EXPECTED_ERROR, STATUS_NOT_RUN, STATUS_OK, Capture, CellResult, Cue


def run_capture(cue: Cue, captures: Mapping[str, Capture]) -> Optional[Capture]:
    """The Capture of what ``cue`` shows: its file's (or its command's), or a
    view of its cell's (``cell`` names the cell); ``None`` when it has not run."""
    capture = captures.get(capture_name(cue)) or captures.get(cue.id)
    if capture is None or cue.cell is None:
        return capture
    result = next((cell for cell in capture.cells if cell.number == cue.cell), None)
    if result is None:  # the file never got as far as its cells (unreadable)
        return replace(capture, cell=cell_label(cue))
    return cell_view(capture, result)


def cell_view(capture: Capture, result: CellResult) -> Capture:
    """A file's Capture narrowed to one of its cells."""
    with_output = [cell for cell in capture.cells if cell.streams]
    return replace(
        capture,
        status=result.status,
        output=result.output,
        streams=result.streams,
        exception=result.exception,
        reason=result.reason,
        duration=result.duration,
        # the output cap was reached in the last cell that wrote: it and every later cell lost output
        truncated=capture.truncated and bool(with_output) and result.index >= with_output[-1].index,
        cells=(),
        cell=result_label(result),
    )


def result_label(result: CellResult) -> str:
    if result.number is None:
        return "set-up code" if result.index == 0 else f"code at line {result.start}"
    return result.title or f"cell {result.number}"


def units(capture: Capture) -> list[Capture]:
    """What ``render check`` counts in one file's Capture: the file itself,
    or each code cell of a cell file (and set-up code that failed), each a
    view whose ``cell`` names it."""
    if not capture.cells:
        return [capture]
    found = [cell_view(capture, result) for result in capture.cells
             if result.number is not None or result.status == STATUS_ERROR]
    if not capture.passed and all(unit.passed for unit in found):
        found.append(capture)  # failed after its cells (a diagram it could not draw): never lost
    return found


def shown_capture(cue: Cue, captures: Mapping[str, Capture]) -> Optional[Capture]:
    """``run_capture`` as the screen shows it: ``output: A-B`` keeps those
    lines of the output, ``output: none`` none of them."""
    capture = run_capture(cue, captures)
    if capture is None or (cue.output_lines is None and not cue.output_hidden):
        return capture
    if cue.output_hidden:
        return replace(capture, output="", streams=(), truncated=False)
    start, end = cue.output_lines
    lines = capture.output.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])  # lines as the terminal shows them
    kept = "".join(lines[start - 1 : end])
    return replace(capture, output=kept, streams=(("stdout", kept),) if kept else ())


def typed_command(cue: Cue, capture: Optional[Capture]) -> Capture:
    """A terminal cue's Capture as its terminal shows it: the command after
    the prompt, then the output (``(not run)`` before it ran)."""
    line = kind_of(cue).typed(cue)
    if capture is None:
        return Capture(snippet=capture_name(cue), status=STATUS_NOT_RUN, output=line, streams=(("stdout", line),),
                       reason="(not run)")
    return replace(capture, output=line + capture.output, streams=(("stdout", line), *capture.streams))


def hides_output(cue: Cue, capture: Optional[Capture]) -> bool:
    """``output: none``, unless the run failed: an error is always shown."""
    return cue.output_hidden and (capture is None or capture.passed)


def cell_label(cue: Cue) -> str:
    """How a cue's cell is named to people: its title, else ``cell N``; "" for a whole file."""
    if cue.cell is None:
        return ""
    return cue.cell_title or f"cell {cue.cell}"


def shown_name(cue: Cue) -> str:
    """What a cue runs, as test ids name it: ``snippets/t.py`` or
    ``snippets/t.py::Tensor attributes``."""
    label = cell_label(cue)
    return f"{cue.snippet}::{label}" if label else (cue.snippet or "")


def unit_name(capture: Capture) -> str:
    """A file or cell as reports and test ids name it: ``snippets/t.py`` or
    ``snippets/t.py::Tensor attributes``."""
    return f"{capture.snippet}::{capture.cell}" if capture.cell else capture.snippet


# --- tracebacks as a learner reads them --------------------------------------------

_FRAME = re.compile(r'^(?P<indent>\s*)File "(?P<path>[^"]+)", line \d+')
_PACKAGE = re.compile(r"[/\\](?:site|dist)-packages[/\\](?P<name>[^/\\]+)")
_STDLIB = re.compile(r"[/\\](?:lib|Lib)[/\\]python\d*(?:\.\d+)?[/\\]")


def _library(path: str) -> Optional[str]:
    """The package an absolute frame's file belongs to (``torch``;
    ``python`` for the standard library; else the file's name); ``None`` for
    the lesson's own files, which the runner names relative to the project."""
    if not (path.startswith(("/", "<")) or re.match(r"^[A-Za-z]:[/\\]", path)):
        return None
    found = _PACKAGE.search(path)
    if found:
        return found.group("name").split(".")[0].removesuffix(".py")
    if path.startswith("<") or _STDLIB.search(path):
        return "python"
    return re.split(r"[/\\]", path)[-1]  # some other file: its name, never where it lies


def learner_traceback(text: str) -> str:
    """``text`` with each traceback shown as IPython and sphinx-gallery show
    one to a learner: the frames of the lesson's own code and the error, the
    library frames between them folded into one line ("  … 4 frames in
    torch"), so no absolute path (a virtualenv's, a home folder's) is shown.
    Output without a traceback comes back as it was.  ``render check`` and
    the report keep the full traceback: they read the Capture itself."""
    if 'File "' not in text:
        return text
    out: list[str] = []
    folded: list[str] = []  # the packages of the library frames being folded, one entry a frame
    indent = ""
    in_library = False
    frame_indent = -1

    def flush() -> None:
        if folded:
            names = ", ".join(dict.fromkeys(folded))
            count = len(folded)
            out.append(f"{indent}… {count} frame{'s' if count != 1 else ''} in {names}")
            folded.clear()

    for line in text.split("\n"):
        frame = _FRAME.match(line)
        if frame:
            library = _library(frame.group("path"))
            frame_indent = len(frame.group("indent"))
            in_library = library is not None
            if in_library:
                if not folded:
                    indent = frame.group("indent")
                folded.append(library)
                continue
            flush()
            out.append(line)
            continue
        body = frame_indent >= 0 and line.strip() and len(line) - len(line.lstrip()) > frame_indent
        if body and in_library:
            continue  # the source line (and carets) of a folded frame
        if not body:
            flush()
            frame_indent = -1
            in_library = False
        out.append(line)
    flush()
    return "\n".join(out)


# --- the output as terminal lines --------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def printable(text: str) -> str:
    """Terminal text as a slide can hold it: colour escapes dropped, other
    control characters (not allowed in pptx XML) shown as U+FFFD."""
    return _CONTROL.sub("\ufffd", _ANSI.sub("", text.replace("\r\n", "\n")))


def output_lines(capture: Optional[Capture]) -> tuple[list[tuple[str, bool]], bool]:
    """The terminal's lines as (text, is_error), and whether the capture
    failed: what the slide and the video terminal both show under the code.
    A traceback the output does not already hold is appended, so an error is
    never hidden; timeouts, crashes and cells not run show their reason.
    Tracebacks are shown as a learner reads them (``learner_traceback``)."""
    if capture is None:
        return [("(not run)", False)], False
    text = learner_traceback(printable(capture.output)).rstrip("\n")
    lines = [(line, False) for line in text.split("\n")] if text else []
    failed = capture.status not in (STATUS_OK,)
    if capture.exception is not None:
        traceback = learner_traceback(printable(capture.exception.traceback)).rstrip("\n")
        tail = traceback or f"{capture.exception.type}: {capture.exception.message}"
        if tail and tail not in text:
            lines.extend((line, True) for line in tail.split("\n"))
        else:
            # The output holds the traceback: colour it from its first line on.
            start = text.find(tail.split("\n")[0]) if tail else -1
            if start >= 0:
                first = text[:start].count("\n")
                lines = [(line, i >= first) for i, (line, _) in enumerate(lines)]
    if capture.reason and capture.status != STATUS_EXPECTED_ERROR:
        lines.append((capture.reason, True))
    if capture.truncated:
        lines.append(("[output truncated by the runner]", True))
    if not lines:
        lines = [("(no output)", False)]
    return lines, failed


#: Where a printed value starts after a row's opening (``tensor([[``, ``[``):
#: continuation rows are indented to it, so wrapped tensor rows keep columns;
#: any other line's continuation rows keep its own indent (``.to(f64): …``
#: is no opening: its rows would start out of line with their neighbours').
_ROW_OPENING = re.compile(r"^\s*(?:[\w.]*\(?\[+)?")


def wrap_terminal_line(text: str, columns: int) -> list[str]:
    """``text`` as rows of at most ``columns`` characters, cut between values
    (after ``", "``, else at a space) and never between a minus sign and its
    digits; rows after the first are indented under the first value.  Rows
    of one printed tensor have the same shape, so they wrap at the same
    places and their columns stay aligned.  Cuecast wraps output itself,
    so PowerPoint, LibreOffice and the video all break it the same way."""
    columns = max(8, columns)
    if len(text) <= columns:
        return [text]
    indent = _continuation_indent(text)
    indent = indent if indent <= columns // 3 else 0
    rows: list[str] = []
    rest, room = text, columns
    while len(rest) > room:
        cut = rest.rfind(", ", 1, room)
        if cut > 0:
            head, rest = rest[: cut + 1], rest[cut + 2:]  # one separator space dropped, a sign's pad kept
        else:
            cut = rest.rfind(" ", 1, room + 1)
            joint = _last_joint(rest, room)
            if cut <= 0 and joint >= room // 2:  # a path or URL breaks after a joint, not inside a name
                head, rest = rest[: joint + 1], rest[joint + 1:]
            elif cut <= 0:
                cut = room
                while cut > 1 and (rest[cut - 1] in "-+." or rest[cut - 1].isdigit()) and rest[cut].isdigit():
                    cut -= 1  # a number is never split, a negative one least of all
                cut = cut if cut > 1 else room
                head, rest = rest[:cut], rest[cut:]
            else:
                head, rest = rest[:cut], rest[cut + 1:]
        rows.append(head.rstrip())
        room = columns - indent
    rows.append(rest)
    return [rows[0]] + [" " * indent + row for row in rows[1:]]


def _last_joint(text: str, room: int) -> int:
    """The index of the last ``/ . _ -`` in ``text[:room]`` a line may break
    after (a decimal point or a minus sign before digits is not one); -1."""
    for index in range(min(room, len(text) - 1) - 1, 0, -1):
        if text[index] in "/._-" and not (text[index] in ".-" and text[index + 1].isdigit()):
            return index
    return -1


def _continuation_indent(first_row: str) -> int:
    opening = _ROW_OPENING.match(first_row).end()
    return opening if opening <= 12 else 0


def unwrap_terminal_rows(rows: list[str]) -> str:
    """The line ``wrap_terminal_line`` made ``rows`` from (rows cut inside a
    word, which has no space to cut at, come back with one added)."""
    indent = _continuation_indent(rows[0]) if rows else 0
    tail = [row[indent:] if row[:indent].isspace() else row for row in rows[1:]]
    return " ".join([rows[0], *tail]) if rows else ""


def unwrap_terminal_text(text: str) -> list[str]:
    """Output lines from a terminal's text as a slide holds it (a line per
    paragraph, wrapped rows after ``\\v`` line breaks)."""
    return [unwrap_terminal_rows(line.split("\v")) for line in text.split("\n")]


def count_units(units: Sequence[Capture]) -> str:
    """What a list of checked units (``shown.units``) holds, in words; a
    terminal cue's command is not a snippet."""
    cells = sum(1 for unit in units if unit.cell)
    commands = sum(1 for unit in units if not unit.cell and capture_runs(unit.snippet) == RUNS_COMMAND)
    files = len(units) - cells - commands
    parts = [f"{n} {word}{'s' if n != 1 else ''}"
             for n, word in ((files, "snippet"), (cells, "cell"), (commands, "command")) if n]
    if not parts:
        return "0 snippets"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
