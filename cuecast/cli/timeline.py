"""Placeholder until the stage lands; replaced by the module that owns it."""

import click


@click.command(name="timeline")
def command():
    """(not built yet)"""
    raise click.ClickException("'render timeline' is not built yet")
