"""A lesson's parse kept for the next build, in
``build/.cache/parse/<digest of the script's path>.pickle``.

Parsing the default lesson, with the parser's imports (PyYAML's pure-Python
composer, the speech and maths rules, the schema), was a third of a build
with nothing changed.  A kept parse is used only when everything it was made
from is as it was, each compared by content, not by its times:

- the tool (``tool_version``: any edit of cuecast parses again), the
  script's path as given and as shown, the current folder and the project
  folder;
- the script's bytes (SHA-256; a script is at most 2 MB);
- every file the parser consulted (``script.read_lesson``): where it leads
  through symlinks, whether it is a file, a folder or missing, and the bytes
  of those it read (snippets, pictures, a Piper voice's config).

Only a parse without problems is kept, so every error is still found and
located by the parser itself; the parser warns about nothing, so there is
nothing to replay.  A cache that is missing, cut short, from another version
or unreadable is parsed again and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from pathlib import Path
from typing import Optional, Union

from cuecast.atomic import file_hash, write_bytes
from cuecast.projects import script_project
from cuecast.tool_version import tool_version

CACHE_FOLDER = ("build", ".cache", "parse")


def cache_path(script: Path) -> Path:
    name = hashlib.sha256(os.path.abspath(script).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return script_project(script).joinpath(*CACHE_FOLDER, f"{name}.pickle")


def witness(path: str, read: bool) -> tuple:
    """What the parse could have seen of ``path``: where it leads, what it
    is, and the size and digest of its bytes when ``read``."""
    try:
        status = os.stat(path)
    except OSError:
        return (path, "missing")
    real = os.path.realpath(path)
    if stat.S_ISDIR(status.st_mode):
        return (path, real, "folder")
    if not stat.S_ISREG(status.st_mode):
        return (path, real, "other")
    if not read:
        return (path, real, "file")
    try:
        return (path, real, "file", file_hash(Path(path)))
    except OSError:
        return (path, "unreadable")


def _key(script: Path) -> tuple:
    return (tool_version(), os.path.abspath(script), str(script), os.getcwd())


def cached_lesson(script: Path):
    """The kept parse of ``script`` when all it was made from is unchanged, else None."""
    try:
        kept = pickle.loads(cache_path(script).read_bytes())
        if kept["key"] != _key(script):
            return None
        if [witness(*entry) for entry in kept["consulted"]] != kept["inputs"]:
            return None
        return kept["lesson"]
    except Exception:  # missing, cut short, another version's classes: parse again
        return None


def load_lesson(script: Union[str, Path]):
    """``script.load_lesson(script)``, read back when nothing it depends on changed."""
    script = Path(script)
    lesson = cached_lesson(script)
    return lesson if lesson is not None else _parse_and_keep(script)


def _parse_and_keep(script: Union[str, Path]):
    """Parse ``script`` and keep the parse, with what it was made from."""
    from cuecast.script import read_lesson

    script = Path(script)
    lesson, consulted = read_lesson(script)
    entries = [(os.path.abspath(script), True)] + sorted(consulted.items())
    kept = {"key": _key(script), "consulted": entries, "inputs": [witness(*e) for e in entries], "lesson": lesson}
    try:
        write_bytes(cache_path(script), pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only project: parsed again next time
    return lesson


def load_lessons(target: Optional[Path] = None) -> list:
    """``script.load_lessons(target)`` with each lesson read by ``load_lesson``;
    a single script skips importing the parser when its parse is current."""
    load = load_lesson
    if target is not None and Path(target).suffix.lower() in (".yaml", ".yml") and Path(target).is_file():
        lesson = cached_lesson(Path(target))
        if lesson is not None:
            return [lesson]
        load = _parse_and_keep  # its kept parse was just found stale: not looked up again
    from cuecast.script import load_lessons as parse_lessons

    return parse_lessons(target, load=load)
