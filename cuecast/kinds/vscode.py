"""``show: vscode``: a snippet typed into the editor and run, its output in
the editor's terminal (a slide of code and output in the deck)."""

from __future__ import annotations

from cuecast.kinds.base import RUNS_SNIPPET, CueKind


def check(reader, entries: dict, fields: dict) -> None:
    if "snippet" not in entries:
        reader.error(entries["show"][1], "a vscode cue needs a 'snippet' (the file shown in the editor)")


def instruction(cue) -> str:
    if cue.cell is not None:
        return f"{KIND.marker}: {cue.snippet} cell {cue.cell}" + (f" — {cue.cell_title}" if cue.cell_title else "")
    where = f" lines {cue.lines[0]}-{cue.lines[1]}" if cue.lines else ""
    return f"{KIND.marker}: {cue.snippet}{where}"


KIND = CueKind(
    name="vscode",
    keys=("snippet", "cell", "lines", "region", "output", "timeout", "expect_error", "caption", "pace", "writes", "device"),
    marker="SHOW IN VS CODE",
    check=check,
    instruction=instruction,
    review=lambda cue: f"VS Code: {cue.snippet}",
    capture_name=lambda cue: cue.snippet,
    says_then=True,
    runs=RUNS_SNIPPET,
    script_word="CODE",
)
