"""Which saves count, and where to look for them: shared by ``render
watch`` and ``render preview``.

Sources are the lesson scripts, snippets and the data they read, theme
files (fonts, images, a master .pptx) and narration takes; editors' swap
and backup files and everything under ``build/`` are not.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Optional

from cuecast.errors import CuecastError

WATCHED_FOLDERS = ("script", "snippets", "slides")
WATCHED_SUFFIXES = {".yaml", ".yml", ".py", ".csv", ".json", ".txt", ".npy", ".pt", ".ttf", ".otf", ".png",
                    ".jpg", ".jpeg", ".pptx", ".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus",
                    ".aiff", ".aif"}


def project_root(target: Optional[Path]) -> Path:
    """The folder holding script/ (the same rule the parser uses for roots)."""
    from cuecast.projects import target_project

    return target_project(None if target is None else target.resolve())


def recording_folders(target, voice) -> list[Path]:
    """The ``recorded:DIR`` folders the lessons narrate from, so a new take
    dropped there rebuilds the timeline as a saved script would."""
    from cuecast.narrate.takes import takes_folder
    from cuecast.script import load_lessons

    folders = []
    try:
        for lesson in load_lessons(target):
            chosen = takes_folder(lesson, voice)  # recorded:DIR, or the takes beside a synthetic voice
            if chosen.is_dir():
                folders.append(chosen.resolve())
    except CuecastError:
        pass  # a broken script is reported by the first build; its takes are watched once it parses
    return list(dict.fromkeys(folders))


def relevant(path: str) -> bool:
    """Editors write temp and swap files; only real source files count."""
    name = Path(path).name
    return Path(path).suffix in WATCHED_SUFFIXES and not name.startswith((".", "~")) and "/build/" not in path


def watched_folders(target, voice) -> list[str]:
    """The project's source folders and any recordings folder outside them."""
    root = project_root(target)
    folders = [str(root / name) for name in WATCHED_FOLDERS if (root / name).is_dir()]
    if not folders:
        raise CuecastError(f"nothing to watch: {root} has none of {', '.join(WATCHED_FOLDERS)}/")
    inside = tuple(Path(folder) for folder in folders)
    folders += [str(folder) for folder in recording_folders(target, voice)
                if not any(folder.is_relative_to(parent) for parent in inside)]
    return folders


def watch_saves(folders: list[str], on_save: Callable[[list[str], float], None], stop: threading.Event,
                debounce_ms: int = 300, step_ms: int = 30) -> threading.Thread:
    """Call ``on_save(paths, noticed_at)`` on a thread for each batch of
    saves until ``stop`` is set.  A batch ends after ``step_ms`` without a
    new change, so one editor save (often several file events) is one batch."""
    import watchfiles

    def loop() -> None:
        for changes in watchfiles.watch(*folders, watch_filter=lambda change, path: relevant(path),
                                        debounce=debounce_ms, step=step_ms, stop_event=stop,
                                        raise_interrupt=False, rust_timeout=500):
            on_save(sorted({path for _, path in changes}), time.time())

    thread = threading.Thread(target=loop, name="cuecast-watch", daemon=True)
    thread.start()
    return thread
