"""Placeholder until the stage lands; replaced by the module that owns it."""

import click


@click.command(name="new")
def command():
    """(not built yet)"""
    raise click.ClickException("'render new' is not built yet")
