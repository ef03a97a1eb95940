"""Which project a script or a folder belongs to: the folder its snippet
paths are relative to and its ``build/`` goes in.  One rule, read by the
parser, the parse cache, ``render watch`` and a build answered from its
record (which must find it without importing the parser)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

PathLike = Union[str, "os.PathLike[str]"]


def folder_project(folder: PathLike) -> Path:
    """The parent of a folder named ``script``, else the folder itself."""
    folder = Path(os.path.abspath(folder))
    return folder.parent if folder.name == "script" else folder


def script_project(script: PathLike) -> Path:
    """The project of a script: see ``folder_project`` of its folder."""
    return folder_project(os.path.dirname(os.path.abspath(script)))


def target_project(target: Optional[PathLike]) -> Path:
    """The project a command's target names: a script's, a folder's, or
    (no target) the current folder."""
    if target is None:
        return Path.cwd()
    return folder_project(target) if os.path.isdir(target) else script_project(target)
