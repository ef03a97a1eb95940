"""Writing an import: only inside the project, never over an existing file
unless asked, and all or nothing.

Both targets (``script/<id>.yaml`` and ``snippets/<id>.py``) are checked
before either is written, so a refused import leaves the project as it was;
each file is written beside its target and renamed into place.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from cuecast.atomic import write_text
from cuecast.errors import ConfigError
from cuecast.importers import Imported


def targets(imported: Imported, project: Path, output: Optional[Path]) -> list[tuple[Path, str]]:
    """``(path, text)`` for each file to write, every path checked to lie in
    the project (symlinked folders included)."""
    project = Path(project)
    planned = [(output if output is not None else project / "script" / f"{imported.lesson_id}.yaml",
                imported.yaml_text())]
    if imported.snippet and imported.cell_text is not None:
        planned.append((project / imported.snippet, imported.cell_text))
    root = Path(os.path.realpath(project))
    for path, _ in planned:
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(root):
            raise ConfigError(f"{path} is outside the project folder {project}; nothing was written",
                              hint="give a path inside the project, or pick the project with --project DIR")
    return planned


def write_import(planned: list[tuple[Path, str]], force: bool) -> list[Path]:
    """Write every planned file, or none when one exists and ``force`` is off."""
    existing = [path for path, _ in planned if path.exists()]
    if existing and not force:
        names = " and ".join(str(path) for path in existing)
        raise ConfigError(f"{names} already exist{'s' if len(existing) == 1 else ''}; nothing was written",
                          hint="pass --force to overwrite, or --id NAME to import as another lesson")
    for path, _ in planned:
        if path.exists() and not path.is_file():
            raise ConfigError(f"{path} is not a file; nothing was written")
    written = []
    for path, text in planned:
        write_text(path, text)
        written.append(path)
    return written
