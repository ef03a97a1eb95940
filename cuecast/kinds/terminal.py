"""``show: terminal``: a shell command (``command:``) typed at a ``$ ``
prompt and run in the project folder, its output under it.

The command runs as snippets do (``cuecast.runner.command``): in the project
folder, under the same timeout and memory limit, everything it starts ended
with it, its output cached like a Capture under ``$ <command>``.  ``render
check`` passes it when it exits 0 (or fails, with ``expect_error: true``).
"""

from __future__ import annotations

from typing import Optional

from cuecast.kinds.base import RUNS_COMMAND, CueKind

#: The prompt a terminal shows before the command, and the prefix of the name
#: its Capture is kept under.
PROMPT = "$ "


def command_name(command: str) -> str:
    """The name of a command's Capture (``$ pip --version``): what reports
    and the captures mapping call it."""
    return f"{PROMPT}{command}"


def check(reader, entries: dict, fields: dict) -> None:
    if "command" not in entries:
        reader.error(entries["show"][1], "a terminal cue needs a 'command' (what is typed at the prompt)",
                     hint="for example: command: pip --version")


def read_command(reader, entries) -> Optional[str]:
    """A terminal cue's ``command:``: one line, typed at the prompt."""
    value = reader.text(entries, "command")
    if value is None:
        return None
    if "\n" in value.strip():
        reader.error(entries["command"][1], "'command' must be one line (what is typed at the prompt)",
                     hint="join the commands with && on one line, or give each its own terminal cue")
        return None
    return value.strip()


def capture_name(cue) -> Optional[str]:
    return command_name(cue.command) if cue.command else None


KIND = CueKind(
    name="terminal",
    keys=("command", "output", "timeout", "expect_error", "caption", "pace"),
    marker="SHOW IN TERMINAL",
    check=check,
    instruction=lambda cue: f"{KIND.marker}: {cue.command}",
    review=lambda cue: f"Terminal: {PROMPT}{cue.command}",
    capture_name=capture_name,
    runs=RUNS_COMMAND,
    capture_prefix=PROMPT,
    typed=lambda cue: f"{PROMPT}{cue.command or ''}\n",
    script_word="TERMINAL",
    readers=(("command", read_command),),
)
