"""``render watch``: rebuild what changed whenever a script, snippet, theme
file or narration take is saved.

It reuses ``render build``'s skipping, so a save rebuilds only the stages
whose inputs changed; a broken script is reported and the watch goes on, so
an author can fix it and save again.
"""

from __future__ import annotations

from pathlib import Path

import click

from cuecast.cli.build import STAGE_CHOICES, _parse_only
from cuecast.cli.common import device_option, lesson_target_argument, parse_size, reports_errors
from cuecast.diagnostics import format_diagnostics
from cuecast.shown import unit_name, units
from cuecast.errors import CuecastError

WATCHED_FOLDERS = ("script", "snippets", "slides")
#: Sources (scripts, snippets and the data they read), theme files (fonts,
#: images, a master .pptx) and narration takes.
WATCHED_SUFFIXES = {".yaml", ".yml", ".py", ".csv", ".json", ".txt", ".npy", ".pt", ".ttf", ".otf", ".png",
                    ".jpg", ".jpeg", ".pptx", ".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus",
                    ".aiff", ".aif"}


def project_root(target: Path | None) -> Path:
    """The folder holding script/ (the same rule the parser uses for roots)."""
    from cuecast.script import default_root

    if target is None:
        return Path.cwd()
    target = target.resolve()
    if target.is_dir():
        return target.parent if target.name == "script" else target
    return default_root(target)


def recording_folders(target, voice) -> list[Path]:
    """The ``recorded:DIR`` folders the lessons narrate from, so a new take
    dropped there rebuilds the timeline as a saved script would."""
    from cuecast.narrate import lesson_voice
    from cuecast.narrate.recorded import RecordedVoice
    from cuecast.script import load_lessons

    folders = []
    try:
        for lesson in load_lessons(target):
            chosen = lesson_voice(lesson, voice)
            if isinstance(chosen, RecordedVoice) and chosen.folder.is_dir():
                folders.append(chosen.folder.resolve())
    except CuecastError:
        pass  # a broken script is reported by the first build; its takes are watched once it parses
    return list(dict.fromkeys(folders))


def relevant(path: str) -> bool:
    """Editors write temp and swap files; only real source files count."""
    name = Path(path).name
    return Path(path).suffix in WATCHED_SUFFIXES and not name.startswith((".", "~")) and "/build/" not in path


def rebuild(target, options, echo) -> list[str]:
    """One build of every lesson in ``target``; returns 'lesson: stage' for
    each stage that did work, so the user sees what a save touched."""
    from cuecast.build import build_lessons
    from cuecast.script import load_lessons

    try:
        lessons = load_lessons(target)
        builds = build_lessons(lessons, options)
    except CuecastError as exc:
        if exc.diagnostics:
            echo(format_diagnostics(exc.diagnostics, Path.cwd()), err=True)
        else:
            echo(f"error: {exc}", err=True)
        echo("waiting for the next save…", err=True)
        return []
    done = [f"{r.lesson_id}: {r.stage}" for b in builds for r in b.results if r.status in ("built", "failed")]
    for build in builds:
        for capture in (unit for failed in build.failed_snippets for unit in units(failed) if not unit.passed):
            echo(f"  {unit_name(capture)}: {capture.status} "
                 f"{capture.reason or (capture.exception.message if capture.exception else '')}", err=True)
    return done


@click.command(name="watch")
@lesson_target_argument
@click.option("--only", callback=lambda ctx, param, value: _parse_only(ctx, param, value) if value else None,
              default=None, metavar="STAGES",
              help=f"Stages to rebuild on save: {','.join(STAGE_CHOICES)} (default: all but video).")
@device_option
@click.option("--voice", default=None, metavar="espeak|none|recorded:DIR")
@click.option("--size", callback=parse_size, default="1920x1080", show_default=True, help="Video size.")
@click.option("--max-rebuilds", type=int, default=None, hidden=True, help="Stop after N rebuilds (tests).")
@reports_errors
def command(target, only, device, voice, size, max_rebuilds):
    """Watch script/, snippets/, slides/ and the recordings folder of a
    recorded voice, and rebuild what a save changed.  The video is left out
    unless --only names it, since it takes longest."""
    import watchfiles

    from cuecast.build import BuildOptions

    only = only or tuple(stage for stage in STAGE_CHOICES if stage != "video")
    options = BuildOptions(only=only, device=device, voice=voice, size=size)
    root = project_root(target)
    folders = [str(root / name) for name in WATCHED_FOLDERS if (root / name).is_dir()]
    if not folders:
        raise CuecastError(f"nothing to watch: {root} has none of {', '.join(WATCHED_FOLDERS)}/")
    inside = tuple(Path(folder) for folder in folders)
    folders += [str(folder) for folder in recording_folders(target, voice)
                if not any(folder.is_relative_to(parent) for parent in inside)]

    built = rebuild(target, options, click.echo)
    click.echo(f"built: {', '.join(built) or 'nothing changed'}")
    click.echo(f"watching {', '.join(folders)} (Ctrl-C to stop)")
    rebuilds = 0
    for changes in watchfiles.watch(*folders, watch_filter=lambda change, path: relevant(path),
                                    debounce=300, raise_interrupt=False):
        names = sorted({Path(path).name for _, path in changes})
        click.echo(f"changed: {', '.join(names)}")
        built = rebuild(target, options, click.echo)
        click.echo(f"rebuilt: {', '.join(built) or 'nothing (outputs already up to date)'}")
        rebuilds += 1
        if max_rebuilds is not None and rebuilds >= max_rebuilds:
            break
