"""Stand-ins for ``sys.stdout``, ``sys.stderr`` and ``sys.stdin`` while a
snippet runs.

Both output streams write into one ``OutputRecorder`` so stdout and stderr
keep the order they were written in (a warning between two prints stays
between them).  The recorder counts bytes as they arrive and drops everything
past the cap, so a snippet printing 50 MB costs the worker at most the cap.

What it keeps is safe for every later stage, so they need no guards of their
own: a line longer than ``MAX_LINE_CHARS`` is cut with a note (a slide or a
video frame cannot show it, and drawing it whole would ask Pillow for an
image wider than it allows), and lone surrogates (``print('\udcff')``, a
file name decoded with ``surrogateescape``) become U+FFFD, as invalid bytes
written to ``sys.stdout.buffer`` do, so the output always encodes as UTF-8.
"""

from __future__ import annotations

import codecs
import io
import re
from typing import Callable, Optional

#: The longest line of output kept; the rest of a longer line is dropped
#: with a note where it was cut.
MAX_LINE_CHARS = 10_000
#: What a character that cannot be encoded is kept as.
REPLACEMENT = "\ufffd"
_SURROGATES = re.compile("[\ud800-\udfff]")


def format_size(size: int) -> str:
    """``1_000_000`` → ``'1.0 MB'`` (decimal units, as a user reads them)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"


def truncation_note(limit: int) -> str:
    return f"… output truncated after {format_size(limit)}"


def line_cut_note(limit: int = MAX_LINE_CHARS) -> str:
    """Ends a line cut at ``limit`` characters (the rest of it is dropped)."""
    return f"… (line cut after {limit:,} characters)"


def encodable(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, so it encodes
    as UTF-8 (a surrogate pair written as two code points is two of them)."""
    return text if text.isascii() else _SURROGATES.sub(REPLACEMENT, text)


def bounded_text(text: str, limit: int) -> str:
    """``text`` as the recorder would keep it (encodable, long lines cut,
    at most ``limit`` bytes): for text a snippet produces outside its output
    streams, such as an exception's message and traceback."""
    recorder = OutputRecorder(limit)
    recorder.write("text", text)
    return "".join(part for _, part in recorder.chunks())


class OutputRecorder:
    """Ordered ``(stream, text)`` chunks with a byte budget.

    Consecutive writes to the same stream are merged into one chunk.  Once the
    budget is spent, the text that still fits is kept, a note line is added and
    every later write is dropped without being encoded or stored.  ``tee``
    also gets every kept piece as it arrives (the worker writes them to a
    file, so the output up to a hang or crash survives the kill).
    """

    def __init__(self, limit: int, tee: Optional[Callable[[str, str], None]] = None):
        self.limit = limit
        self.used = 0
        self.truncated = False
        self._chunks: list[list] = []  # [stream, [parts]]
        self._tee = tee
        #: Characters kept since the last newline (of any stream: they share the terminal).
        self._column = 0
        #: Whether the current line was cut: its characters are dropped until a newline.
        self._cutting = False
        #: What was kept when the snippet ended (``seal``); later writes are dropped.
        self._sealed: Optional[tuple[tuple[str, str], ...]] = None

    def seal(self) -> None:
        """The snippet has ended: keep what was written so far and drop what
        its threads write after, as ``python FILE`` does (its daemon threads
        stop when the interpreter exits, and what they print then is lost).
        Without the seal, a daemon thread's late print would be captured or
        not depending on how long cuecast took to pack the result."""
        if self._sealed is None:
            self._sealed = self.chunks()

    def _append(self, stream: str, text: str) -> None:
        if self._tee is not None:
            self._tee(stream, text)
        if self._chunks and self._chunks[-1][0] == stream != CELL_MARK:
            self._chunks[-1][1].append(text)
        else:
            self._chunks.append([stream, [text]])

    def write(self, stream: str, text: str) -> None:
        if self.truncated or not text or self._sealed is not None:
            return
        text = self._bound_lines(encodable(text))
        if not text:
            return
        size = len(text) if text.isascii() else len(text.encode("utf-8"))
        if self.used + size <= self.limit:
            self.used += size
            self._append(stream, text)
            return
        room = self.limit - self.used
        if text.isascii():
            kept = text[:room]
        else:
            kept = text.encode("utf-8")[:room].decode("utf-8", "ignore")
        if kept:
            self._append(stream, kept)
        self.used = self.limit
        self.truncated = True
        ends_line = not self._chunks or self._last_text().endswith("\n")
        self._append(stream, ("" if ends_line else "\n") + truncation_note(self.limit) + "\n")

    def _bound_lines(self, text: str) -> str:
        """``text`` with each line past ``MAX_LINE_CHARS`` (counted across
        writes) cut there with a note, the rest of the line dropped."""
        last_newline = text.rfind("\n")
        if not self._cutting and self._column + len(text) <= MAX_LINE_CHARS:  # the common case: no line can be long
            self._column = len(text) - last_newline - 1 if last_newline >= 0 else self._column + len(text)
            return text
        kept: list[str] = []
        at = 0
        while at < len(text):
            newline = text.find("\n", at)
            end = len(text) if newline < 0 else newline
            if not self._cutting:
                room = MAX_LINE_CHARS - self._column
                if end - at <= room:
                    kept.append(text[at:end])
                    self._column += end - at
                else:
                    kept.append(text[at:at + room] + line_cut_note())
                    self._cutting = True
            if newline < 0:
                break
            kept.append("\n")
            self._column, self._cutting = 0, False
            at = newline + 1
        return "".join(kept)

    def mark_cell(self, index: int) -> None:
        """Everything written from now on belongs to cell ``index`` of a cell
        file (until the next mark); the mark costs none of the budget and
        reaches the tee, so a killed worker's output still splits by cell."""
        self._append(CELL_MARK, str(index))

    def _last_text(self) -> str:
        return self._chunks[-1][1][-1] if self._chunks else ""

    def chunks(self) -> tuple[tuple[str, str], ...]:
        if self._sealed is not None:
            return self._sealed
        return tuple((stream, "".join(parts)) for stream, parts in self._chunks)


class RecordingStream(io.TextIOBase):
    """A text stream that forwards to an ``OutputRecorder`` under one name."""

    def __init__(self, recorder: OutputRecorder, name: str, encoding: str = "utf-8",
                 before_write: Optional[Callable[[], None]] = None):
        super().__init__()
        self._recorder = recorder
        self._name = name
        self._encoding = encoding
        #: Called before each write: hands output written below Python so far
        #: to the recorder first (see ``fdcapture``), keeping the order.
        self._before_write = before_write

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    @property
    def errors(self) -> Optional[str]:  # type: ignore[override]
        return "strict"

    @property
    def name(self) -> str:
        return f"<{self._name}>"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self._before_write is not None and text:
            self._before_write()
        self._recorder.write(self._name, text)
        return len(text)

    def flush(self) -> None:
        pass

    @property
    def buffer(self):
        """Binary writes (``sys.stdout.buffer.write(b'...')``) are decoded and
        recorded too, so they keep their place in the output (one view per
        stream, so a character split between two writes is joined)."""
        view = self.__dict__.get("_binary")
        if view is None:
            view = self.__dict__["_binary"] = _BinaryView(self)
        return view


class _BinaryView(io.RawIOBase):
    """``sys.stdout.buffer``: bytes decoded as UTF-8, a character split
    between two writes joined again, an invalid byte kept as U+FFFD."""

    def __init__(self, text_stream: RecordingStream):
        super().__init__()
        self._text = text_stream
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._text.write(self._decoder.decode(bytes(data)))
        return len(data)


#: What ``input()`` says inside a snippet: stdin is not a place to get values
#: from when a lesson is rendered unattended.
NO_STDIN_MESSAGE = (
    "input() is not available: cuecast runs snippets without a keyboard; "
    "put the value in the snippet instead"
)


class NoInput(io.TextIOBase):
    """``sys.stdin`` for a snippet: any read raises ``EOFError`` (what a script
    run with no input gets) with a message that says why."""

    def readable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def read(self, size=-1):
        raise EOFError(NO_STDIN_MESSAGE)

    def readline(self, size=-1):
        raise EOFError(NO_STDIN_MESSAGE)

    def readlines(self, hint=-1):
        raise EOFError(NO_STDIN_MESSAGE)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"


#: The pseudo-stream of a cell boundary (its text is the cell's index).
CELL_MARK = "cell"
#: The stream a bare last expression's repr is written to (a notebook's execute_result).
RESULT = "result"


def split_by_cell(chunks) -> tuple[tuple[tuple[str, str], ...], dict[int, tuple[tuple[str, str], ...]]]:
    """``chunks`` without cell marks, and the chunks of each marked cell."""
    plain: list[tuple[str, str]] = []
    cells: dict[int, list[tuple[str, str]]] = {}
    current: Optional[list] = None
    for stream, text in chunks:
        if stream == CELL_MARK:
            current = cells.setdefault(int(text), [])
            continue
        if plain and plain[-1][0] == stream:
            plain[-1] = (stream, plain[-1][1] + text)
        else:
            plain.append((stream, text))
        if current is not None:
            current.append((stream, text))
    return tuple(plain), {index: tuple(found) for index, found in cells.items()}


# --- the tee file: output that survives a killed worker --------------------------

_STREAM_CODES = {"stdout": b"o", "stderr": b"e", RESULT: b"r", CELL_MARK: b"c"}
_CODE_STREAMS = {v: k for k, v in _STREAM_CODES.items()}


def tee_frame(stream: str, text: str) -> bytes:
    """One write as a frame: a stream byte, 4 bytes of length, the UTF-8 text."""
    data = text.encode("utf-8", "surrogatepass")
    return _STREAM_CODES.get(stream, b"o") + len(data).to_bytes(4, "big") + data


def read_tee(blob: bytes) -> tuple[tuple[str, str], ...]:
    """The ``(stream, text)`` chunks in a tee file, merged like the recorder
    merges them; a frame cut short by the kill is kept as far as it got."""
    chunks: list[list[str]] = []
    at = 0
    while at + 5 <= len(blob):
        stream = _CODE_STREAMS.get(blob[at:at + 1], "stdout")
        size = int.from_bytes(blob[at + 1:at + 5], "big")
        text = blob[at + 5:at + 5 + size].decode("utf-8", "replace")
        at += 5 + size
        if chunks and chunks[-1][0] == stream != CELL_MARK:
            chunks[-1][1] += text
        else:
            chunks.append([stream, text])
    return tuple((stream, text) for stream, text in chunks)
