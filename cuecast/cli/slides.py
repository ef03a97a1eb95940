"""Placeholder until the stage lands; replaced by the module that owns it."""

import click


@click.command(name="slides")
def command():
    """(not built yet)"""
    raise click.ClickException("'render slides' is not built yet")
