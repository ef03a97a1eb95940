"""Text as the importers' readers take it: ``(line number, text)`` pairs."""

from __future__ import annotations


def numbered(text: str) -> list[tuple[int, str]]:
    """``text``'s lines, numbered from 1 as in the file they came from."""
    return list(enumerate(text.splitlines(), start=1))
