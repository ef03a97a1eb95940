"""The preview's web server: stdlib ``http.server``, one thread a request.

What it serves, and nothing else:

* ``/<lesson>/`` the lesson's review page, with the live client added (a
  "building…" page until the first build has written it);
* ``/<lesson>/<file>`` files of ``build/<lesson>/`` (the video, segment
  media, downloads), with byte ranges so the video can seek; hidden files
  and anything that resolves outside that folder are refused;
* ``/_cuecast/live.js`` the live client, ``/_cuecast/events?lesson=ID`` its
  server-sent events, ``/_cuecast/takes.js`` the Record buttons;
* ``POST /_cuecast/take?lesson=ID&beat=ID`` a take recorded in the page, and
  ``POST /_cuecast/take-problem?lesson=ID`` what the browser refused (the
  microphone), both only from the preview's own pages (their ``Origin``).

It listens on 127.0.0.1 unless told otherwise, and answers only requests
addressed to the name it listens on (a page elsewhere cannot reach it
through a DNS name that resolves to 127.0.0.1).
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import re
import socket
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Callable, Optional

from cuecast.errors import ConfigError
from cuecast.preview.events import EventHub

LOOPBACK = "127.0.0.1"
PREFIX = "/_cuecast/"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 1 << 16


def live_client(name: str = "preview_live.js") -> bytes:
    return resources.files("cuecast").joinpath(f"templates/{name}").read_bytes()


#: ``on_take(lesson, beat, data)`` and ``on_take_problem(lesson, message)``: ``(HTTP status, JSON answer)``.
TakeHandler = Callable[..., tuple[int, dict]]


def placeholder_page(lesson_id: str) -> str:
    """What a lesson's address shows before its first build has finished
    (or while its script has never parsed): the problems and the status."""
    name = html.escape(lesson_id)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{name} — cuecast preview</title>
<style>body {{ margin:0; padding:24px; font:15px/1.45 system-ui, sans-serif; background:#111418; color:#e6e6e6; }}
.problem .where {{ font:600 13px ui-monospace, monospace; color:#f85149; }}
pre {{ background:#0b0e12; padding:8px 10px; border-radius:6px; color:#ffd2cc; overflow:auto; }}
section[hidden] {{ display:none; }}</style></head>
<body data-placeholder="1"><h1>{name}</h1><p id="building">Building the lesson… this page fills in when it is ready.</p>
<section id="problems" hidden></section>
</body></html>"""


class PreviewServer(ThreadingHTTPServer):
    """Serves ``build_root/<lesson>/`` for the lessons ``lessons()`` names."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], build_root: Path, hub: EventHub,
                 lessons: Callable[[], list[str]]):
        self.build_root = Path(build_root)
        self.hub = hub
        self.lessons = lessons
        self.on_take: Optional[TakeHandler] = None
        self.on_take_problem: Optional[TakeHandler] = None
        super().__init__(address, PreviewHandler)
        host = self.server_address[0]
        port = self.server_address[1]
        self.allowed_hosts: Optional[set[str]] = None
        if host not in ("0.0.0.0", "::", ""):
            names = {host, "localhost", "127.0.0.1", "[::1]"}
            self.allowed_hosts = {f"{name}:{port}" for name in names} | {name for name in names}

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, lesson_id: Optional[str] = None) -> str:
        host = self.server_address[0]
        shown = LOOPBACK if host in ("0.0.0.0", "::", "") else host
        return f"http://{shown}:{self.port}/" + (f"{urllib.parse.quote(lesson_id)}/" if lesson_id else "")


def make_server(host: str, port: int, build_root: Path, hub: EventHub,
                lessons: Callable[[], list[str]]) -> PreviewServer:
    """A bound server (``port`` 0: any free one); a port in use is the
    user's to change, not a traceback."""
    try:
        return PreviewServer((host, port), build_root, hub, lessons)
    except OSError as exc:
        if isinstance(exc, socket.gaierror) or exc.errno in (99,):  # EADDRNOTAVAIL
            raise ConfigError(f"cannot listen on {host}: {exc.strerror or exc}") from None
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                          hint="another program uses that port; pick another with --port N (0: any free port)") from None


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "cuecast-preview"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal is for the build's news, not every thumbnail request

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_POST(self) -> None:
        """A take, or a problem recording one, from one of our own pages."""
        allowed = self.server.allowed_hosts
        host = self.headers.get("Host", "")
        if allowed is not None and host not in allowed:
            return self._error(HTTPStatus.FORBIDDEN, "this preview answers only to its own address")
        if self.headers.get("Origin") != f"http://{host}":  # another site's page posting here
            return self._error(HTTPStatus.FORBIDDEN, "takes are accepted only from the preview's own page")
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        lesson, beat = query.get("lesson", [""])[0], query.get("beat", [""])[0]
        handler = {PREFIX + "take": self.server.on_take,
                   PREFIX + "take-problem": self.server.on_take_problem}.get(url.path)
        if handler is None:
            return self._error(HTTPStatus.NOT_FOUND, "no such page")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._error(HTTPStatus.LENGTH_REQUIRED, "a take needs its Content-Length")
        from cuecast.preview.takes import MAX_BYTES

        if not 0 <= length <= MAX_BYTES:
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the take is too large")
        data = self.rfile.read(length)
        if url.path == PREFIX + "take":
            status, answer = handler(lesson, beat, data)
        else:
            status, answer = handler(lesson, data.decode("utf-8", "replace")[:2000])
        body = json.dumps(answer).encode("utf-8")
        self._headers(status, "application/json; charset=utf-8", len(body))
        self._write(body)

    # -- routing ---------------------------------------------------------------

    def _serve(self, head: bool) -> None:
        allowed = self.server.allowed_hosts
        if allowed is not None and self.headers.get("Host", "") not in allowed:
            return self._error(HTTPStatus.FORBIDDEN, "this preview answers only to its own address")
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        if path == "/":
            lessons = self.server.lessons()
            if len(lessons) == 1:
                return self._redirect(f"/{urllib.parse.quote(lessons[0])}/")
            return self._send_bytes(self._index(lessons).encode("utf-8"), "text/html; charset=utf-8", head)
        if path == PREFIX + "live.js":
            return self._send_bytes(live_client(), "text/javascript; charset=utf-8", head)
        if path == PREFIX + "takes.js":
            return self._send_bytes(live_client("preview_takes.js"), "text/javascript; charset=utf-8", head)
        if path == PREFIX + "events":
            lesson = urllib.parse.parse_qs(url.query).get("lesson", [None])[0]
            return self._events(lesson)
        parts = path.strip("/").split("/")
        lesson = parts[0]
        if not _safe_name(lesson):
            return self._error(HTTPStatus.NOT_FOUND, "no such page")
        rest = parts[1:]
        if not rest and not path.endswith("/"):
            return self._redirect(f"/{urllib.parse.quote(lesson)}/")
        if not rest or rest == ["index.html"]:
            return self._page(lesson, head)
        if not all(_safe_name(part) for part in rest):
            return self._error(HTTPStatus.NOT_FOUND, "no such file")
        folder = self.server.build_root / lesson
        target = folder.joinpath(*rest)
        try:
            real = Path(os.path.realpath(target))
            if not real.is_relative_to(os.path.realpath(folder)) or not real.is_file():
                return self._error(HTTPStatus.NOT_FOUND, "no such file")
        except OSError:
            return self._error(HTTPStatus.NOT_FOUND, "no such file")
        self._file(real, head)

    def _index(self, lessons: list[str]) -> str:
        items = "".join(f'<li><a href="/{urllib.parse.quote(i)}/">{html.escape(i)}</a></li>' for i in lessons)
        return (f"<!doctype html><meta charset=utf-8><title>cuecast preview</title>"
                f"<h1>Lessons</h1><ul>{items or '<li>building…</li>'}</ul>"
                f'<script src="{PREFIX}live.js" data-lesson=""></script>')

    # -- answers -----------------------------------------------------------------

    def _page(self, lesson: str, head: bool) -> None:
        from cuecast.outputs import output_path

        index = output_path("review page", self.server.build_root / lesson)
        try:
            text = index.read_text(encoding="utf-8")
        except OSError:
            text = placeholder_page(lesson)
        tag = (f'<script src="{PREFIX}live.js" data-lesson="{html.escape(lesson)}"></script>'
               f'<script src="{PREFIX}takes.js" data-lesson="{html.escape(lesson)}"></script>')
        text = text.replace("</body>", tag + "\n</body>", 1) if "</body>" in text else text + tag
        self._send_bytes(text.encode("utf-8"), "text/html; charset=utf-8", head)

    def _headers(self, status: int, content_type: str, length: Optional[int], extra: Optional[dict] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _send_bytes(self, data: bytes, content_type: str, head: bool) -> None:
        self._headers(HTTPStatus.OK, content_type, len(data))
        if not head:
            self._write(data)

    def _redirect(self, location: str) -> None:
        self._headers(HTTPStatus.FOUND, "text/plain; charset=utf-8", 0, {"Location": location})

    def _error(self, status: HTTPStatus, message: str) -> None:
        data = f"{status.value} {message}\n".encode("utf-8")
        self._headers(status, "text/plain; charset=utf-8", len(data))
        if self.command != "HEAD":
            self._write(data)

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
            return True
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
            return False

    def _file(self, path: Path, head: bool) -> None:
        """A file, whole or one byte range (what a video element asks for)."""
        size = path.stat().st_size
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        start, end, status = 0, size - 1, HTTPStatus.OK
        extra = {"Accept-Ranges": "bytes"}
        wanted = self.headers.get("Range")
        if wanted:
            match = _RANGE.match(wanted.strip())
            if match and (match.group(1) or match.group(2)):
                first, last = match.group(1), match.group(2)
                if first:
                    start, end = int(first), min(int(last), size - 1) if last else size - 1
                else:
                    start, end = max(0, size - int(last)), size - 1
                if start >= size or start > end:
                    return self._headers(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "text/plain", 0,
                                         {"Content-Range": f"bytes */{size}"})
                status = HTTPStatus.PARTIAL_CONTENT
                extra["Content-Range"] = f"bytes {start}-{end}/{size}"
        length = max(0, end - start + 1)
        self._headers(status, content_type, length, extra)
        if head:
            return
        with open(path, "rb") as handle:
            handle.seek(start)
            left = length
            while left > 0:
                chunk = handle.read(min(CHUNK, left))
                if not chunk or not self._write(chunk):
                    return
                left -= len(chunk)

    def _events(self, lesson: Optional[str]) -> None:
        """The server-sent event stream for one open page."""
        self.close_connection = True
        self._headers(HTTPStatus.OK, "text/event-stream; charset=utf-8", None, {"Connection": "close"})
        if not self._write(b"retry: 1000\n\n"):
            return
        stream = self.server.hub.stream(lesson or None)
        try:
            for event in stream:
                if not self._write(event.encode() if event is not None else b": keep-alive\n\n"):
                    return
        finally:
            stream.close()


def _safe_name(part: str) -> bool:
    """A path component the server may follow: no hidden files, no way up."""
    return bool(part) and not part.startswith(".") and "\\" not in part and "\0" not in part

