"""Placeholder until the stage lands; replaced by the module that owns it."""

import click


@click.command(name="watch")
def command():
    """(not built yet)"""
    raise click.ClickException("'render watch' is not built yet")
