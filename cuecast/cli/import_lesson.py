"""``render import FILE``: turn an existing tutorial into a lesson script."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from cuecast.cli.common import relative_path, reports_errors
from cuecast.errors import ConfigError


@click.command(name="import")
@click.argument("source", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--project", "-C", "project", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The project folder to write into (script/ and snippets/ inside it).")
@click.option("--id", "lesson_id", metavar="ID", default=None,
              help="The lesson id, which names script/ID.yaml and snippets/ID.py (default: from FILE's name).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the YAML here instead of script/ID.yaml (inside the project); "
                   "'-' prints it and writes nothing.")
@click.option("--force", is_flag=True, help="Overwrite the lesson and its snippet if they exist.")
@reports_errors
def command(source: Path, project: Path, lesson_id: Optional[str], output: Optional[Path], force: bool) -> None:
    """Convert FILE, a tutorial in the format it already has, into a lesson:
    script/ID.yaml, plus snippets/ID.py holding its code as `# %%` cells.

    \b
    FILE may be
      a sphinx-gallery example   .py  (docstring title, `# %%` or `####` reST text blocks)
      a percent-format script    .py  (`# %%` cells, `# %% [markdown]` prose)
      a Jupyter notebook         .ipynb  (stored outputs are ignored: the code runs again)
      Quarto or MyST Markdown    .qmd, .md  (```{python} / ```{code-cell} fences)
      a Markdown video script    .md  (## sections, bullets, [SHOW IN VS CODE] cues)

    Headings become sections, lists bullets, prose narration (markup, roles,
    links and math made speakable), each code block a `show: vscode` cue of
    its cell.  Then a to-do list names, with FILE:LINE, what could not be
    mapped: unknown directives, missing images, downloads, packages not
    installed here.  Nothing is overwritten without --force, and nothing is
    written outside the project folder.
    """
    from cuecast.importers import import_file
    from cuecast.importers.output import targets, write_import

    if lesson_id is not None and not _valid_id(lesson_id):
        raise ConfigError(f"--id {lesson_id!r} cannot name a file",
                          hint="use letters, digits, '-', '_' and '.', e.g. tensors-101")
    imported = import_file(source, project, lesson_id)
    if output is not None and str(output) == "-":
        click.echo(imported.yaml_text(), nl=False)
        if imported.snippet:
            click.echo(f"(not written: {imported.snippet}; -o - only prints the YAML)", err=True)
        _print_todos(imported.todos, err=True)
        return
    written = write_import(targets(imported, project, output), force)
    for path in written:
        click.echo(f"wrote {relative_path(path)}")
    _print_todos(imported.todos)
    click.echo(f"next: render check {relative_path(written[0])}")


def _valid_id(text: str) -> bool:
    """Checked as the script checks ids (pattern and length: it names files)."""
    from cuecast.ids import id_problem

    return id_problem(text) is None


def _print_todos(todos: list[str], err: bool = False) -> None:
    if not todos:
        return
    click.echo(f"to do: {len(todos)} thing{'s' if len(todos) != 1 else ''} the import could not settle:", err=err)
    for line in todos:
        click.echo(f"  [ ] {line}", err=err)
