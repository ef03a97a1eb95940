"""The options of the build pipeline, declared once for every subcommand.

``render build``, ``check``, ``slides``, ``timeline``, ``video``, ``watch``
and ``preview`` are views of one pipeline, so an option that changes what a
stage produces must mean the same thing, with the same default, wherever it
is given: ``--timeout`` and ``--memory-limit`` are part of the capture cache
key, and a ``render slides`` without them after a ``render check --timeout
30`` would run every snippet again.  Each group below is one decorator; a
subcommand stacks the groups whose stages it runs, and ``build_options``
turns the parsed values into the one ``BuildOptions`` the pipeline reads.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable, Sequence

import click

from cuecast.cli.common import FiniteFloatRange, parse_memory, parse_size, seconds_type
from cuecast.defaults import FPS, FRAME_SIZE, SNIPPET_TIMEOUT

Decorator = Callable[[Callable], Callable]


def _stack(*options: Decorator) -> Decorator:
    """One decorator applying ``options`` so that ``--help`` lists them in
    the order written here."""

    def apply(func: Callable) -> Callable:
        for option in reversed(options):
            func = option(func)
        return func

    return apply


#: Where and how snippets run: every subcommand runs the check stage.
run_options = _stack(
    click.option("--device", type=click.Choice(["auto", "cpu", "cuda", "mps"]), default="auto", show_default=True,
                 help="Where snippets run; auto picks CUDA, then MPS, then CPU."),
    click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                 help="Snippet workers to run in parallel (default: one per 6 snippets to run, at most one per "
                      "core; each worker imports torch once)."),
    click.option("--timeout", type=seconds_type(), default=SNIPPET_TIMEOUT,
                 help=f"Seconds a snippet may run when its cue sets no `timeout:` (default {SNIPPET_TIMEOUT:g})."),
    click.option("--memory-limit", callback=parse_memory, default=None, metavar="SIZE",
                 help="Cap each snippet worker's memory (address space), e.g. 4G; a snippet past it fails with "
                      "MemoryError instead of exhausting the machine (default: no cap)."),
    click.option("--no-cache", is_flag=True,
                 help="Build from scratch: re-run every snippet, re-synthesise narration, re-encode every "
                      "segment."),
)

#: How the slides look: the deck is laid out for the slides, the timeline
#: (pages per cue) and the video alike.
deck_options = _stack(
    click.option("--theme", "theme", type=click.Path(path_type=Path, dir_okay=False), default=None,
                 help="Theme YAML (default: slides/theme.yaml beside the script)."),
    click.option("--refresh-web", is_flag=True,
                 help="Capture the pages of browser cues again (they are kept in build/.cache/web/ otherwise)."),
)

#: Who speaks and how fast: the narration the timeline is planned on.
voice_options = _stack(
    click.option("--voice", default=None, metavar="piper|piper:PATH.onnx|espeak|none|recorded:DIR",
                 help="Narration voice; wins over the script's `voice:` (default: piper when cuecast[voice] is "
                      "installed, else espeak)."),
    click.option("--rate", type=FiniteFloatRange(min=1, max=1000), default=None,
                 help="espeak and none: words per minute (default 160)."),
    click.option("--pitch", type=click.IntRange(0, 100), default=None, help="espeak pitch, 0-100 (default 50)."),
    click.option("--voice-name", default=None, help="espeak voice, e.g. en-us (default), en, de."),
    click.option("--length-scale", type=FiniteFloatRange(min=0.25, max=4), default=None,
                 help="piper: how slowly it speaks (above 1 slower; default: the voice's own, usually 1)."),
    click.option("--speaker", default=None, help="piper: the speaker of a multi-speaker voice, by name or number."),
    click.option("--sentence-pause", type=FiniteFloatRange(min=0, max=5), default=None,
                 help="piper: seconds of silence between sentences (default 0.25)."),
    click.option("--allow-missing", is_flag=True, help="recorded:DIR: time beats without a recording silently."),
)

#: The video's frames: the timeline is cut on them too.
frame_options = _stack(
    click.option("--size", callback=parse_size, default="{}x{}".format(*FRAME_SIZE), show_default=True, metavar="WxH",
                 help="Video frame size in pixels (the timeline's FCP XML sequence declares it)."),
    click.option("--fps", type=click.IntRange(1, 120), default=FPS, show_default=True,
                 help="Video frames per second; the timeline's cuts and timecodes use it."),
    click.option("--captions", type=click.Choice(["none", "burn"]), default="none", show_default=True,
                 help="burn: draw the narration on the frames (the .srt/.vtt sidecars are written either way)."),
)

def _executor(ctx, param, value):
    from cuecast.errors import CuecastError
    from cuecast.executors import check_spec

    try:
        return check_spec(value)
    except CuecastError as exc:
        raise click.BadParameter(exc.message) from None


#: Where the work runs (``cuecast.executors``): for the views that build
#: through ``build_lessons``.
executor_option = click.option(
    "--executor", default="local", show_default=True, metavar="local|ray|ray://HOST:PORT", callback=_executor,
    help="Where the work runs: this machine's cores, a Ray started here, or an existing Ray cluster (snippets, "
         "slide drawing and video segments as Ray tasks; needs pip install cuecast[ray]).")

#: Every group, for the subcommands that run every stage.
all_options = _stack(run_options, deck_options, voice_options, frame_options)


def build_options(params: dict, only: Sequence[str], **extra):
    """The ``BuildOptions`` for a subcommand's parsed ``params`` (names as the
    groups above declare them); parameters that are not pipeline options
    (``--junit``, ``--png``) are left to the subcommand."""
    from cuecast.build import BuildOptions

    fields = {f.name for f in dataclasses.fields(BuildOptions)}
    values = {name: value for name, value in params.items() if name in fields}
    values["use_cache"] = not params.get("no_cache", False)
    return BuildOptions(only=tuple(only), **values, **extra)
