"""``render preview``: the review page served on 127.0.0.1, updated in place
on every save of a script, snippet, theme file or recorded take."""

from __future__ import annotations

import sys
import threading

import click

from cuecast.cli.common import lesson_target_argument, reports_errors
from cuecast.cli.options import all_options, build_options


@click.command(name="preview")
@lesson_target_argument
@click.option("--port", type=click.IntRange(0, 65535), default=8470, show_default=True,
              help="Port to serve on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on.  The default is this machine only; 0.0.0.0 shows your lesson "
                   "to the whole network.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@all_options
@click.option("--stop-after", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Stop the server after SECONDS (for scripts and tests; it also stops when the process "
                   "that started it exits).")
@reports_errors
def command(target, port, host, open_browser, stop_after, **params):
    """Serve the lesson's review page and keep it up to date as you save:
    slide thumbnails, snippet output, the cue sheet and changed video
    segments are updated in place, and what is being rebuilt is marked.
    Script errors and failing cells show on the page and here; the server
    keeps running.  Ctrl-C stops it."""
    from cuecast.preview.events import EventHub
    from cuecast.preview.lifetime import stop_after as stop_timer, watch_parent
    from cuecast.preview.server import make_server
    from cuecast.preview.session import PreviewSession
    from cuecast.signals import sigterm_interrupts
    from cuecast.stages import stage_names
    from cuecast.watching import project_root, watched_folders

    def echo(text: str) -> None:
        click.echo(text, err=True)

    root = project_root(target)
    options = build_options(params, stage_names())
    folders = watched_folders(target, options.voice)
    hub = EventHub()
    session = PreviewSession(target, options, hub, echo)
    hub.snapshot = session.snapshot

    def lessons() -> list[str]:
        if session.lesson_ids:
            return list(session.lesson_ids)
        from cuecast.script import find_lessons, lesson_id_from_path

        try:
            return [lesson_id_from_path(path) for path in find_lessons(target)]
        except Exception:  # noqa: BLE001 - no script folder: the page says so once built
            return []

    server = make_server(host, port, root / "build", hub, lessons)
    server.on_take, server.on_take_problem = session.take, session.take_problem
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                               name="cuecast-preview-http", daemon=True)
    serving.start()
    stop = threading.Event()
    watch_parent(stop, echo)
    if stop_after:
        stop_timer(stop, stop_after, echo)
    known = lessons()
    url = server.url(known[0] if len(known) == 1 else None)
    click.echo(f"serving {url} (Ctrl-C to stop)")
    click.echo(f"watching {', '.join(folders)}")
    sys.stdout.flush()
    from cuecast.watching import watch_saves

    session.start()
    watch_saves(folders, session.request, stop, debounce_ms=300, step_ms=30)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        with sigterm_interrupts():
            while not stop.wait(0.1):  # a short wait: Ctrl-C and SIGTERM are handled between two
                pass
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        session.stop()  # the builds' work cancelled first, while the server shuts down
        hub.close()
        server.shutdown()
        server.server_close()
        session.close()
    click.echo("preview stopped")
