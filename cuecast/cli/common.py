"""Options and error handling that every subcommand shares."""

from __future__ import annotations

import errno
import functools
import math
import os
import re
import sys
from pathlib import Path

import click

from cuecast.diagnostics import format_diagnostics
from cuecast.errors import EXIT_FAILED, EXIT_INTERRUPTED, CuecastError


def reports_errors(func):
    """Turn a ``CuecastError`` into its message (with source lines and carets)
    on stderr and its exit code, instead of a Python traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except CuecastError as exc:
            if exc.diagnostics:
                click.echo(format_diagnostics(exc.diagnostics, Path.cwd()), err=True)
            else:
                click.echo(f"error: {exc}", err=True)
                if exc.hint:
                    click.echo(f"hint: {exc.hint}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted; previous outputs are left as they were.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise
            where = f" while writing {exc.filename}" if exc.filename else ""
            click.echo(f"error: {exc.strerror.lower()}{where}; previous outputs are left as they were", err=True)
            sys.exit(EXIT_FAILED)

    return wrapper


def lesson_target_argument(func):
    """``[SCRIPT|DIR]``: one lesson script, or a folder of them (default ``script/``)."""
    return click.argument("target", required=False, type=click.Path(path_type=Path))(func)


def relative_path(path: Path) -> str:
    """``path`` as the user would type it from here (absolute when elsewhere)."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


#: The largest video frame: 8K UHD (either way round).  A frame is drawn
#: in memory several times over; past this a typo (99998x99998) would ask
#: for tens of gigabytes.
MAX_FRAME_SIDE = 7680
MAX_FRAME_PIXELS = 7680 * 4320
#: The longest ``--timeout`` (a day): past it a typo, and ``inf`` breaks the clocks it is given to.
MAX_TIMEOUT_SECONDS = 86_400.0


def parse_size(ctx, param, value: str) -> tuple[int, int]:
    """``--size 1920x1080`` → ``(1920, 1080)``; both even, as H.264 4:2:0
    needs, from 16x16 to 7680x4320 (or 4320x7680)."""
    match = re.fullmatch(r"\s*(\d{1,9})\s*[x×X]\s*(\d{1,9})\s*", value or "")
    if not match:
        raise click.BadParameter(f"expected WIDTHxHEIGHT such as 1920x1080, got {value!r}")
    width, height = int(match.group(1)), int(match.group(2))
    if width < 16 or height < 16 or width % 2 or height % 2:
        raise click.BadParameter(f"{width}x{height}: width and height must be even and at least 16")
    if max(width, height) > MAX_FRAME_SIDE or width * height > MAX_FRAME_PIXELS:
        raise click.BadParameter(f"{width}x{height}: the largest frame is 7680x4320 (8K), or 4320x7680 upright")
    return width, height


class FiniteFloatRange(click.FloatRange):
    """``click.FloatRange`` that also refuses ``nan`` and ``inf``, which
    Python's ``float()`` accepts and every range comparison lets through."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if isinstance(number, float) and not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def seconds_type() -> FiniteFloatRange:
    """Seconds for ``--timeout``: above 0, at most a day."""
    return FiniteFloatRange(min=0, min_open=True, max=MAX_TIMEOUT_SECONDS)


def parse_memory(ctx, param, value):
    """``2G``, ``512M``, ``1500000000`` → bytes; None leaves workers uncapped."""
    if value is None:
        return None
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = value.strip().upper().removesuffix("B")
    try:
        number = float(text[:-1]) * units[text[-1]] if text[-1:] in units else float(text)
    except (ValueError, IndexError):
        raise click.BadParameter(f"{value!r} is not a size, e.g. 2G or 512M") from None
    if not math.isfinite(number):
        raise click.BadParameter(f"{value!r} is not a size, e.g. 2G or 512M")
    if number < 64 << 20:
        raise click.BadParameter("at least 64M: the worker itself needs that much")
    return int(number)


