"""Placeholder until the stage lands; replaced by the module that owns it."""

import click


@click.command(name="video")
def command():
    """(not built yet)"""
    raise click.ClickException("'render video' is not built yet")
