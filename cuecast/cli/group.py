"""The ``render`` command group: one subcommand per job, each in its own module.

Only the CLI knows the order of the stages and turns ``CuecastError`` into an
exit code; the stages themselves return values.
"""

from __future__ import annotations

import importlib

import click

from cuecast import __version__

#: (subcommand name, module under cuecast.cli that defines ``command``)
SUBCOMMANDS = (
    ("check", "check"),
    ("slides", "slides"),
    ("timeline", "timeline"),
    ("video", "video"),
    ("build", "build"),
    ("watch", "watch"),
    ("preview", "preview"),
    ("new", "new"),
    ("import", "import_lesson"),
)


class LazyGroup(click.Group):
    """Imports a subcommand's module only when it is used, so ``render --help``
    and a cached ``render check`` stay fast."""

    def list_commands(self, ctx):
        return [name for name, _ in SUBCOMMANDS]

    def get_command(self, ctx, name):
        for command_name, module_name in SUBCOMMANDS:
            if command_name == name:
                module = importlib.import_module(f"cuecast.cli.{module_name}")
                return module.command
        return None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cuecast")
def cli():
    """Render a programming lesson from one YAML script: run every snippet,
    then build the slide deck, the narrated video, the editors' timeline and
    the notebook.

    \b
    Start here:
      render build              build every lesson under script/
      render check              prove every snippet still runs
      render new my-lesson      scaffold a lesson that passes check
    """


def run(args: list[str]) -> int:
    """Run ``render ARGS``; returns the exit code."""
    if not args:
        # A bare `render` is a request for help, not a usage error.
        with click.Context(cli, info_name="render") as ctx:
            click.echo(cli.get_help(ctx))
        return 0
    try:
        cli.main(args=args, prog_name="render", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrupted.", err=True)
        return 130
    except click.exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0
