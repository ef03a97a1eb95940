"""Which theme file a lesson's deck is drawn with, and a cheap stamp of it
and the files beside it, without reading the theme.

A build whose inputs did not change compares fingerprints and stops: it
must not parse the theme, find its fonts and open them to learn that
nothing changed.  The stamp is what the theme is made from instead: the
theme file's bytes and the name, size and modification time of every file
beside it that it names (its fonts, logo and master).  The fonts and
defaults cuecast ships are cuecast's own files, in its tool version
(``cuecast.tool_version``).
"""

from __future__ import annotations

import hashlib
from stat import S_ISREG
from pathlib import Path
from typing import Optional

#: The theme shipped with the project; used when a lesson has none of its own.
PROJECT_SLIDES = Path(__file__).resolve().parents[2] / "slides"
DEFAULT_THEME_PATH = PROJECT_SLIDES / "theme.yaml"


def lesson_theme_path(lesson_root: Path, option: Optional[Path] = None) -> Optional[Path]:
    """``--theme`` if given, else the lesson's ``slides/theme.yaml`` if it has
    one, else ``None`` (the project's default theme)."""
    if option is not None:
        return option
    candidate = Path(lesson_root) / "slides" / "theme.yaml"
    return candidate if candidate.is_file() else None


def theme_stamp(path: Optional[Path], names_dir: Optional[Path] = None) -> tuple:
    """What the theme at ``path`` (``None``: the project's default, or the
    built-in one) is read from: its path, a digest of its bytes, and
    (name, size, mtime) of each file beside it that it names (fonts, logo,
    master), found by reading its values, not by checking them.  With
    ``names_dir``, the values read from these bytes are kept there by their
    digest (a pure function of the bytes), so the next build needs no YAML
    parser to stamp the same theme."""
    path = Path(path) if path is not None else DEFAULT_THEME_PATH
    try:
        data = path.read_bytes()
    except OSError as exc:  # no theme file: the built-in theme, or an error said when it is loaded
        return (str(path), exc.errno)
    digest = hashlib.sha256(data).hexdigest()
    files = []
    for name in sorted(set(_kept_scalars(data, digest, names_dir))):
        try:
            status = (path.parent / name).stat()
        except (OSError, ValueError):  # not a file's name (a colour, a key), or a file not there
            continue
        if S_ISREG(status.st_mode):
            files.append((name, status.st_size, status.st_mtime_ns))
    return (str(path), digest, tuple(files))


def _kept_scalars(data: bytes, digest: str, names_dir: Optional[Path]) -> list[str]:
    """``_scalars(data)``, read back from ``names_dir`` when kept there."""
    import json

    kept = Path(names_dir) / f"{digest}.json" if names_dir is not None else None
    if kept is not None:
        try:
            found = json.loads(kept.read_text(encoding="utf-8"))
            if isinstance(found, list) and all(isinstance(name, str) for name in found):
                return found
        except (OSError, ValueError):
            pass  # not kept yet, or damaged: read the theme
    found = _scalars(data)
    if kept is not None:
        from cuecast.atomic import write_text

        try:
            write_text(kept, json.dumps(found))
        except OSError:
            pass  # a read-only build folder: parsed again next time
    return found


def _scalars(data: bytes) -> list[str]:
    """Every scalar the theme holds, read from its parse events: aliases are
    not expanded (an alias bomb costs its own length, and loading the theme
    reports it), and a theme that does not parse gives what came before the
    error (its digest changed, and loading it says what is wrong)."""
    import yaml

    found: list[str] = []
    try:
        for event in yaml.parse(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, yaml.ScalarEvent):
                found.append(event.value)
    except Exception:  # noqa: BLE001 - any parse failure: the loader reports it, located
        pass
    return found
