"""``render import SCRIPT.md``: turn a Markdown video script into a lesson script."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from cuecast.cli.common import reports_errors
from cuecast.errors import ConfigError


@click.command(name="import")
@click.argument("script", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Where to write the YAML ('-' for stdout). Default: script/<id>.yaml in the current folder.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@reports_errors
def command(script: Path, output: Optional[Path], force: bool) -> None:
    """Convert SCRIPT.md (## sections, ### subsections, bullets, and
    __`[SHOW IN VS CODE]`__-style cues) into a YAML lesson script, keeping
    every bullet and cue; lists the snippets still to write."""
    from cuecast.atomic import write_text
    from cuecast.importer import import_markdown, missing_snippets
    from cuecast.script import default_root

    imported = import_markdown(script)
    text = imported.yaml_text()
    if output is not None and str(output) == "-":
        click.echo(text, nl=False)
        return
    target = output or Path("script") / f"{imported.data['id']}.yaml"
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists; nothing was written",
                          hint="pass --force to overwrite it, or -o to write elsewhere")
    write_text(target, text)
    click.echo(f"wrote {target}")
    todo = missing_snippets(imported, default_root(target))
    if todo:
        click.echo(f"to do: {len(todo)} snippet{'s' if len(todo) != 1 else ''} to write "
                   "(or point the cue at an existing file):")
        for path in todo:
            click.echo(f"  [ ] {path}")
    slides = [beat for section in imported.data["sections"] for beat in _beats(section) if beat.get("show") == "slides"]
    if slides:
        click.echo("to do: check each slides cue's 'diagram: autograd' (or use 'image: PATH' instead)")
    browsers = [beat for section in imported.data["sections"] for beat in _beats(section)
                if beat.get("show") == "browser" and beat.get("url") == "TODO"]
    if browsers:
        click.echo(f"to do: {len(browsers)} browser cue(s) had no URL in the Markdown; fill in 'url:'")
    click.echo(f"next: render check {target}")


def _beats(section: dict):
    yield from section.get("beats", [])
    for sub in section.get("subsections", []):
        yield from _beats(sub)
