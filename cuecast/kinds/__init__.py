"""Cue kinds in one place: what a ``show:`` value means, and each stage's one
table keyed by kind.

The choice: **one module per kind here, one table per stage there.**

* A kind's module (``vscode``, ``slides``, ``browser``, ``terminal``) holds
  what belongs to the kind whatever the stage: the keys a script may give it,
  the rules that check them (``missing 'command'``), how people read it
  (``SHOW IN TERMINAL: pip --version`` in the cue sheet, the OTIO markers and
  the Kdenlive guides; ``Terminal: $ pip --version`` on the review page) and
  the name its Capture is kept under.  It imports nothing heavy.
* Each stage keeps its own behaviour for each kind in one ``table`` beside
  the helpers that behaviour shares with the stage's other kinds (the deck's
  title box, the video's editor scene, the planner's pacing).

Why not a kind class carrying every stage's hooks: the stages must stay
apart.  The planner and the cue sheet must not load python-pptx, the video
drawer, nbformat or the runner, and a class with a hook per stage would
import all of them (or hide the imports in each hook); a stage's code for one
kind would also leave the helpers it shares with that stage's other kinds.
A table is the stage's own dispatch, so the stage reads top to bottom.

Nothing falls through: ``table`` refuses, at import, a table that misses a
kind or names an unknown one, and ``KindTable.lookup`` raises a located
``CuecastError`` for a kind it has no entry for (never a default such as
"slide").  ``tests/kinds/test_registry.py`` imports every module of ``STAGES`` and
checks that each registered its tables and that they cover every kind.

Adding a kind: one module here (its ``KIND``, listed in ``KINDS`` below),
then one entry in each table that ``STAGES`` names: the test lists any
missing.  ``terminal`` was added this way.  ``KINDS`` is read when the parser
and ``kind_of`` run and a table takes an entry after it is made, so a kind
can also be registered from outside (``tests/support/notepad_kind.py``).
"""

from __future__ import annotations

from typing import Mapping, Optional, TypeVar

from cuecast.errors import CuecastError
from cuecast.kinds import browser, slides, terminal, vscode
from cuecast.kinds.base import CUE_KEYS, RUNS_COMMAND, RUNS_NOTHING, RUNS_SNIPPET, CueKind, KindTable
from cuecast.model import SEGMENT_KINDS

T = TypeVar("T")

#: Every cue kind, in the order the docs and messages list them.  The
#: parser and ``kind_of`` read it when they run, so a kind registered later
#: (a test's throwaway kind, ``monkeypatch.setitem``) is known to them.
KINDS: dict[str, CueKind] = {kind.name: kind for kind in (vscode.KIND, slides.KIND, browser.KIND, terminal.KIND)}
#: The built-in ``show:`` values, which every stage's table must cover when
#: it is made.
CUE_KINDS = tuple(KINDS)

#: The modules that keep a table keyed by kind, and the tables each must
#: register (stage names as ``table`` is given them).  The video's table is
#: keyed by segment kind (``model.SEGMENT_KINDS``: a new kind that needs its
#: own kind of screen adds one there).
STAGES = {
    "cuecast.plan": ("plan",),
    "cuecast.deck.layout": ("layout",),
    "cuecast.video.compose": ("video",),
    "cuecast.export.otio_writer": ("otio markers",),
    "cuecast.export.kdenlive": ("kdenlive guides",),
    "cuecast.notebook": ("notebook",),
    "cuecast.review": ("review",),
    "cuecast.importers.video_script": ("video script import",),
}

#: Every table made by ``table`` / ``segment_table``, by stage name.
REGISTERED: dict[str, KindTable] = {}


def table(stage: str, entries: Mapping[str, T]) -> KindTable[T]:
    """``stage``'s entry for each cue kind, checked to name every kind."""
    made = KindTable(stage, entries, CUE_KINDS)
    REGISTERED[stage] = made
    return made


def segment_table(stage: str, entries: Mapping[str, T]) -> KindTable[T]:
    """``stage``'s entry for each segment kind (``model.SEGMENT_KINDS``)."""
    made = KindTable(stage, entries, tuple(SEGMENT_KINDS), what="segment kind")
    REGISTERED[stage] = made
    return made


def kind_of(cue) -> CueKind:
    """The kind of ``cue``; a located ``CuecastError`` for one not registered."""
    kind = KINDS.get(cue.kind)
    if kind is None:
        raise CuecastError(f"the script stage cannot handle cue kind '{cue.kind}' (it knows: {', '.join(KINDS)})",
                           cue.location)
    return kind


def capture_name(cue) -> str:
    """The name ``cue``'s Capture is kept under ("" when it runs nothing)."""
    return kind_of(cue).capture_name(cue) or ""


def capture_runs(name: str) -> str:
    """What made the capture kept under ``name``: a kind whose captures are
    not named by a file (``$ pip --version``) says so by its
    ``capture_prefix``; any other name is a snippet file's path."""
    return next((kind.runs for kind in KINDS.values() if kind.capture_prefix and name.startswith(kind.capture_prefix)),
                RUNS_SNIPPET)


def script_kind(words: str) -> Optional[str]:
    """The kind a video script's ``[SHOW …]`` wording means: the first kind
    (in ``KINDS`` order) whose ``script_word`` it holds; ``None`` if none."""
    words = words.upper()
    return next((name for name, kind in KINDS.items() if kind.script_word and kind.script_word in words), None)


__all__ = ["CUE_KEYS", "CUE_KINDS", "KINDS", "RUNS_COMMAND", "RUNS_NOTHING", "RUNS_SNIPPET", "CueKind",
           "KindTable", "STAGES", "capture_name", "capture_runs", "kind_of", "script_kind", "segment_table", "table"]
