"""Placeholder until the stage lands; replaced by the module that owns it."""

import click


@click.command(name="import")
def command():
    """(not built yet)"""
    raise click.ClickException("'render import' is not built yet")
