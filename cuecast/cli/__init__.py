"""The ``render`` command (``group``: the subcommands, each in its own module).

``main`` answers a ``render build`` whose last run found everything current,
and whose inputs have not changed since, from that run's record
(``noop_build``), before click or the pipeline is imported; every other
command goes through the click group.
"""

from __future__ import annotations


def main(argv=None) -> int:
    """Entry point for the console script and ``render.py``; returns the exit code."""
    import sys

    from cuecast.cli import noop_build

    args = list(sys.argv[1:] if argv is None else argv)
    if not noop_build.applies(args):
        from cuecast.cli.group import run

        return run(args)
    answered = noop_build.replay(args)
    if answered is not None:
        return answered
    with noop_build.watching(args):
        from cuecast.cli.group import run

        return run(args)


def __getattr__(name: str):
    if name == "cli":  # the click group, for tests and embedders: loaded on first use
        from cuecast.cli.group import cli

        return cli
    raise AttributeError(f"module 'cuecast.cli' has no attribute {name!r}")
