"""``render new NAME``: scaffold a lesson that passes ``render check`` at once."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import click

from cuecast.atomic import write_text
from cuecast.cli.common import reports_errors
from cuecast.errors import ConfigError

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

SCRIPT_TEMPLATE = """\
# {title}: a cuecast lesson script. Edit it, then run:
#   render check script/{name}.yaml     prove every snippet runs
#   render build script/{name}.yaml     build the deck, video, timeline and notebook
lesson: {title_yaml}
id: {name}
# voice: piper | espeak | none | recorded:DIR  (default: piper with cuecast[voice] installed, else espeak)
sections:
  - title: Introduction
    beats:
      - bullet: What this lesson covers
        points:
          - Tensors are n-dimensional arrays
          - They run on the CPU or a GPU
  - title: First tensor
    beats:
      - show: vscode
        snippet: snippets/{module}/first_tensor.py
        say: Creating a first tensor and looking at its shape and dtype.
"""

SNIPPET_TEMPLATE = """\
import torch

x = torch.arange(6).reshape(2, 3)
print(x)
print("shape:", tuple(x.shape), "dtype:", x.dtype)
"""


def lesson_name(text: str) -> tuple[str, str]:
    """``(id, title)`` for what the author typed: an id such as
    ``tensors-101`` (titled "Tensors 101"), or a title such as
    ``"Tensor Shapes"`` (id ``tensor-shapes``), since people name a lesson by
    its title.  ``ConfigError`` for a path or a name with no usable letters."""
    text = text.strip()
    if "/" in text or "\\" in text:
        raise ConfigError(f"lesson name {text!r} is not usable as a file name: it is a path",
                          hint="give a title or an id, e.g. 'Tensor Shapes' or 'tensors-101'; use --dir for the folder")
    if NAME.match(text):
        return text, text.replace("-", " ").replace("_", " ").title()
    from cuecast.script import slugify

    # section ids keep any letters; a file name here keeps to ASCII
    name = slugify(unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode())
    if not name:
        raise ConfigError(
            f"lesson name {text!r} is not usable as a file name",
            hint="use letters or digits, e.g. 'Tensor Shapes' or 'tensors-101'",
        )
    return name, text


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back as exactly ``text`` (a JSON
    string is a valid YAML double-quoted scalar)."""
    plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _.,()'-]*", text) and not text.endswith(" ")
    return text if plain else json.dumps(text, ensure_ascii=False)


@click.command(name="new")
@click.argument("name")
@click.option("--dir", "project", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project folder holding script/ and snippets/.")
@reports_errors
def command(name: str, project: Path) -> None:
    """Scaffold script/NAME.yaml and a first snippet that pass `render check`.

    NAME is the lesson's id (`tensors-101`) or its title in quotes
    (`"Tensor Shapes"`, which becomes script/tensor-shapes.yaml)."""
    name, title = lesson_name(name)
    module = name.replace("-", "_")
    script = project / "script" / f"{name}.yaml"
    snippet = project / "snippets" / module / "first_tensor.py"
    for path in (script, snippet):
        if path.exists():
            raise ConfigError(f"{path} already exists; nothing was written",
                              hint="choose another name or remove the file")
    write_text(snippet, SNIPPET_TEMPLATE)
    write_text(script, SCRIPT_TEMPLATE.format(title=title, title_yaml=yaml_scalar(title), name=name, module=module))
    click.echo(f"wrote {script}")
    click.echo(f"wrote {snippet}")
    click.echo(f"next: render check {script}")
