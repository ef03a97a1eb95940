"""The two shapes every cue kind is made of: a ``CueKind`` (what the kind is,
whatever the stage) and a ``KindTable`` (one stage's entry per kind).

See ``cuecast.kinds`` for why a kind is split this way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Iterator, MutableMapping, Optional, TypeVar

from cuecast.errors import CuecastError

T = TypeVar("T")

#: Every key a cue may be given, in the order messages list them (a new
#: kind's new key goes at the end, so existing messages keep their order).
CUE_KEYS = ("snippet", "cell", "lines", "region", "output", "timeout", "expect_error", "diagram", "image", "url",
            "title", "caption", "pace", "command", "writes", "device")


#: What a cue kind runs: a snippet file, a shell command, or nothing.
RUNS_SNIPPET, RUNS_COMMAND, RUNS_NOTHING = "snippet", "command", "nothing"


def _nothing_typed(cue) -> str:
    return ""


def _no_check(reader, entries, fields) -> None:
    """A kind whose keys need nothing beyond their own checks."""


@dataclass(frozen=True)
class CueKind:
    """One ``show:`` value and what belongs to it in every stage alike.

    name:
        The ``show:`` value (``vscode``).
    keys:
        The cue keys a script may give it (a subset of ``CUE_KEYS``); any
        other is reported as not applying to it.
    marker:
        How the seed's video script and the cue sheet say it
        (``SHOW IN VS CODE``).
    check:
        ``check(reader, entries, fields)`` reports what a cue of this kind
        lacks or combines wrongly, once every key was read on its own
        (``reader`` is the script parser: ``reader.error(node, message)``).
    instruction:
        What the presenter puts on screen, for the cue sheet, the OTIO
        markers and the Kdenlive guides: ``SHOW IN VS CODE: snippets/x.py``.
    review:
        The review page's "shown" column: ``VS Code: snippets/x.py``.
    capture_name:
        The name its Capture is kept under (``captures[name]``): the snippet
        path, ``$ <command>``; ``None`` when it runs nothing.
    says_then:
        Whether ``then:`` (narration once the output is on screen) applies.
    runs:
        What a cue of the kind runs (``RUNS_SNIPPET``: its snippet, if it
        names one; ``RUNS_COMMAND``; ``RUNS_NOTHING``): the runner, the check
        report and the panels ask this, never the kind's name.
    capture_prefix:
        What begins the name of the captures it makes when that name is not
        a file's path (``$ `` for a command), so a report that holds only a
        capture knows what made it (``kinds.capture_runs``).
    typed:
        The line typed before its output, as the screen shows it (a
        terminal's ``$ pip --version``); "" when nothing is typed.
    shows_page:
        Whether it shows the web page at its ``url`` (captured once per build).
    script_word:
        The word of a video script's ``[SHOW …]`` line that means this kind
        (``CODE``): the Markdown importer's vocabulary.
    readers:
        ``(key, read)`` for the keys whose values only this kind knows how
        to read: ``read(reader, entries)`` returns the ``Cue`` field's value
        (``None`` when absent or wrong, after reporting it).
    """

    name: str
    keys: tuple[str, ...]
    marker: str
    instruction: Callable[[object], str]
    review: Callable[[object], str]
    capture_name: Callable[[object], Optional[str]]
    check: Callable[[object, dict, dict], None] = _no_check
    says_then: bool = False
    runs: str = RUNS_NOTHING
    capture_prefix: str = ""
    typed: Callable[[object], str] = _nothing_typed
    shows_page: bool = False
    script_word: str = ""
    readers: tuple[tuple[str, Callable[[object, dict], object]], ...] = ()

    def __post_init__(self) -> None:
        stray = [key for key in self.keys if key not in CUE_KEYS]
        if stray:
            raise ValueError(f"cue kind '{self.name}' uses keys no cue has: {', '.join(stray)} (add them to CUE_KEYS)")


class KindTable(MutableMapping[str, T], Generic[T]):
    """One stage's entry for each cue kind (or each segment kind).

    Made by ``cuecast.kinds.table``, which checks at import that it names
    every kind and no other; ``lookup`` raises a located ``CuecastError``
    for a kind it has no entry for, never a silent default.  An entry may
    be set later, for a kind registered after the stage was imported (a
    test's throwaway kind: ``monkeypatch.setitem(table, "notepad", entry)``).
    """

    def __init__(self, stage: str, entries: Mapping[str, T], kinds: tuple[str, ...], what: str = "cue kind"):
        missing = [kind for kind in kinds if kind not in entries]
        extra = [kind for kind in entries if kind not in kinds]
        if missing or extra:
            parts = ([f"no entry for {', '.join(missing)}"] if missing else []) + (
                [f"entries for unknown {what}s {', '.join(extra)}"] if extra else [])
            raise ValueError(f"the {stage} table of {what}s has {'; '.join(parts)}")
        self.stage = stage
        self.what = what
        self._entries = dict(entries)

    def __getitem__(self, kind: str) -> T:
        return self._entries[kind]

    def __setitem__(self, kind: str, entry: T) -> None:
        self._entries[kind] = entry

    def __delitem__(self, kind: str) -> None:
        del self._entries[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, kind: str, location=None) -> T:
        """The entry for ``kind``; a ``CuecastError`` at ``location`` (the
        cue's) when this stage does not know it."""
        try:
            return self._entries[kind]
        except KeyError:
            raise CuecastError(f"the {self.stage} stage cannot handle {self.what} '{kind}' "
                               f"(it knows: {', '.join(self._entries)})", location) from None
