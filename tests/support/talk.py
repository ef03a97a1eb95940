"""A lesson of two bullet slides and no snippet, silent: the subcommands'
own decisions are tested on it without running torch or a voice."""

from __future__ import annotations

from pathlib import Path

TALK = """\
lesson: A short talk
id: talk
voice: none
sections:
  - title: Tensors
    beats:
      - bullet: Tensors are n-dimensional arrays
        points:
          - They have a shape and a dtype
      - bullet: They live on a device
"""


def talk_project(folder: Path) -> Path:
    """``folder/script/talk.yaml``; returns the project folder."""
    (folder / "script").mkdir(parents=True)
    (folder / "script" / "talk.yaml").write_text(TALK)
    return folder
