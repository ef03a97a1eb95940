"""One base exception for everything cuecast reports to a user.

Each error knows its exit code and how to show itself, so only the CLI turns
errors into exit codes and nothing prints a Python traceback for bad input.
Errors cross process boundaries (snippet workers), so they keep only plain,
picklable fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from cuecast.model import Location

#: Exit codes, listed in the README's "When something goes wrong".
EXIT_OK = 0
EXIT_FAILED = 1  # a snippet failed, an output drifted: the build is wrong
EXIT_USAGE = 2  # bad script, theme, option or input: the author must fix it
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place in a user's file."""

    location: Location
    message: str
    hint: str = ""


class CuecastError(Exception):
    """Base of every error cuecast shows to a user."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, location: Optional[Location] = None, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __reduce__(self):
        return (type(self), (self.message, self.location, self.hint))

    @property
    def diagnostics(self) -> Sequence[Diagnostic]:
        if self.location is None:
            return ()
        return (Diagnostic(self.location, self.message, self.hint),)

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.message}"


class ScriptError(CuecastError):
    """A lesson script (or a file it names) is invalid; carries every problem
    found, not only the first, so the author fixes them in one go."""

    def __init__(self, diagnostics: Sequence[Diagnostic], message: str = ""):
        self._diagnostics = tuple(diagnostics)
        first = self._diagnostics[0] if self._diagnostics else None
        super().__init__(
            message or (first.message if first else "invalid script"),
            first.location if first else None,
        )

    def __reduce__(self):
        return (type(self), (self._diagnostics, self.message))

    @property
    def diagnostics(self) -> Sequence[Diagnostic]:
        return self._diagnostics

    def __str__(self) -> str:
        return "\n".join(f"{d.location}: {d.message}" for d in self._diagnostics)


class ConfigError(CuecastError):
    """A bad option, theme or environment (e.g. ``--device cuda`` with no GPU)."""


class BuildFailed(CuecastError):
    """The build ran but its result is wrong: a snippet failed or drifted."""

    exit_code = EXIT_FAILED
