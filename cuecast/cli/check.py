"""Placeholder until the stage lands; replaced by the module that owns it."""

import click


@click.command(name="check")
def command():
    """(not built yet)"""
    raise click.ClickException("'render check' is not built yet")
