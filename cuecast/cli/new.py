"""``render new NAME``: scaffold a lesson that passes ``render check`` at once."""

from __future__ import annotations

import re
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
lesson: {title}
id: {name}
voice: espeak
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


@click.command(name="new")
@click.argument("name")
@click.option("--dir", "project", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project folder holding script/ and snippets/.")
@reports_errors
def command(name: str, project: Path) -> None:
    """Scaffold script/NAME.yaml and a first snippet that pass `render check`."""
    if not NAME.match(name):
        raise ConfigError(
            f"lesson name {name!r} is not usable as a file name",
            hint="use lowercase letters, digits, '-' and '_', e.g. 'tensors-101'",
        )
    module = name.replace("-", "_")
    script = project / "script" / f"{name}.yaml"
    snippet = project / "snippets" / module / "first_tensor.py"
    for path in (script, snippet):
        if path.exists():
            raise ConfigError(f"{path} already exists; nothing was written",
                              hint="choose another name or remove the file")
    title = name.replace("-", " ").replace("_", " ").title()
    write_text(snippet, SNIPPET_TEMPLATE)
    write_text(script, SCRIPT_TEMPLATE.format(title=title, name=name, module=module))
    click.echo(f"wrote {script}")
    click.echo(f"wrote {snippet}")
    click.echo(f"next: render check {script}")
