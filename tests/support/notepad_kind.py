"""A throwaway cue kind, ``show: notepad``: a snippet shown in a plain text
editor and run, its output under it.  One module, as a kind in
``cuecast/kinds/`` is; ``register`` is its entry in ``kinds.KINDS`` and in
each stage's table, set with ``monkeypatch`` so it is gone after the test.

It is shown and planned as a ``vscode`` cue (its entries in the plan, the
deck, the notebook, the review page and the importer are vscode's) but has
its own marker colour and Kdenlive guide, so a test can tell that the
timeline asked the kind's own entries."""

from __future__ import annotations

import importlib

from cuecast import kinds
from cuecast.kinds.base import RUNS_SNIPPET, CueKind

NAME = "notepad"

KIND = CueKind(
    name=NAME,
    keys=("snippet", "output", "timeout", "expect_error", "caption", "pace"),
    marker="SHOW IN NOTEPAD",
    instruction=lambda cue: f"SHOW IN NOTEPAD: {cue.snippet}",
    review=lambda cue: f"Notepad: {cue.snippet}",
    capture_name=lambda cue: cue.snippet,
    says_then=True,
    runs=RUNS_SNIPPET,
    script_word="NOTEPAD",
)

#: Its own entries; every other table gets vscode's.
OWN_ENTRIES = {"otio markers": "PINK", "kdenlive guides": 7}


def register(monkeypatch) -> None:
    """The kind in ``kinds.KINDS`` and an entry in every table ``kinds.STAGES`` names."""
    for module in kinds.STAGES:
        importlib.import_module(module)
    monkeypatch.setitem(kinds.KINDS, NAME, KIND)
    for stages in kinds.STAGES.values():
        for stage in stages:
            table = kinds.REGISTERED[stage]
            if table.what == "cue kind":
                monkeypatch.setitem(table, NAME, OWN_ENTRIES.get(stage, table["vscode"]))
