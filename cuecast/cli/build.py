"""Placeholder until the stage lands; replaced by the module that owns it."""

import click


@click.command(name="build")
def command():
    """(not built yet)"""
    raise click.ClickException("'render build' is not built yet")
