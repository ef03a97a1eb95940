"""Headless Chromium driven over the DevTools protocol, with a deadline on
every wait.

A capture must never hang a build: starting the browser, each command and
each awaited event are bounded, and a missed deadline is a ``BrowserError``
that the caller turns into a fallback.  Chromium runs in a session of its own
(it starts helper processes: zygote, renderer, GPU) so closing it ends every
process it started, and its profile lives in a temporary folder removed on
close.  The page is reached through the browser's websocket endpoint, read
from ``DevToolsActivePort`` in that profile, so no HTTP request (and no proxy
setting) is involved in talking to the browser.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

from cuecast.web.address import LOCAL_HOSTS

#: Seconds Chromium may take to open its debugging port (a cold start on a
#: busy two-core machine takes one to two).
LAUNCH_SECONDS = 15.0

#: Executables tried in order; ``CUECAST_CHROMIUM`` names another.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

FLAGS = (
    "--headless",
    "--no-sandbox",  # containers and CI run as root, where the sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--force-device-scale-factor=1",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)



class BrowserError(RuntimeError):
    """Chromium could not do what was asked in time; the message says what."""


def find_chromium() -> Optional[str]:
    """The Chromium executable: ``CUECAST_CHROMIUM`` if set, else the first
    of the usual names on the PATH; None when there is none."""
    named = os.environ.get("CUECAST_CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """One headless Chromium; ``page()`` opens a tab.  Use as a context manager."""

    def __init__(self, executable: str, offline: bool = False):
        self.profile = tempfile.mkdtemp(prefix="cuecast-chromium-")
        flags = list(FLAGS)
        if offline:
            # Nothing but this machine resolves; no proxy is asked either.
            flags += ["--host-resolver-rules=MAP * ~NOTFOUND , " + " , ".join(f"EXCLUDE {h}" for h in LOCAL_HOSTS),
                      "--no-proxy-server"]
        try:
            self.process = subprocess.Popen(
                [executable, *flags, f"--user-data-dir={self.profile}", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise BrowserError(f"cannot start {executable}: {exc.strerror or exc}") from None
        try:
            self.port, self.browser_path = self._debugging_endpoint(time.monotonic() + LAUNCH_SECONDS)
        except BaseException:
            self.close()
            raise

    def _debugging_endpoint(self, deadline: float) -> tuple[int, str]:
        marker = Path(self.profile) / "DevToolsActivePort"
        while time.monotonic() < deadline:
            if marker.exists():
                lines = marker.read_text().split()
                if len(lines) >= 2:
                    return int(lines[0]), lines[1]
            if self.process.poll() is not None:
                raise BrowserError(f"Chromium exited (status {self.process.returncode}) before it opened "
                                   "its debugging port")
            time.sleep(0.02)
        raise BrowserError(f"Chromium did not open its debugging port within {LAUNCH_SECONDS:.0f} s")

    def page(self, deadline: float) -> "Session":
        """A new blank tab, and a session talking to it."""
        browser = Session(f"ws://127.0.0.1:{self.port}{self.browser_path}", deadline)
        try:
            target = browser.call("Target.createTarget", deadline, url="about:blank")["targetId"]
        finally:
            browser.close()
        return Session(f"ws://127.0.0.1:{self.port}/devtools/page/{target}", deadline)

    def close(self) -> None:
        process = getattr(self, "process", None)
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)  # the browser's own session: it and its helpers
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=5)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Session:
    """One DevTools websocket: commands with ids, events buffered in order."""

    def __init__(self, ws_url: str, deadline: float):
        import websocket

        self._ws_errors = (websocket.WebSocketException, OSError)
        self._timeout_error = websocket.WebSocketTimeoutException
        try:
            self.socket = websocket.create_connection(ws_url, timeout=_left(deadline), suppress_origin=True)
        except self._ws_errors as exc:
            raise BrowserError(f"cannot talk to Chromium: {exc}") from None
        self.events: list[dict] = []
        self._next_id = 0

    def _receive(self, deadline: float) -> dict:
        self.socket.settimeout(_left(deadline))
        try:
            return json.loads(self.socket.recv())
        except self._timeout_error:
            raise TimeoutError from None
        except self._ws_errors as exc:
            raise BrowserError(f"lost the connection to Chromium: {exc}") from None

    def call(self, method: str, deadline: float, **params) -> dict:
        """Send a command and wait (until ``deadline``) for its answer."""
        self._next_id += 1
        ident = self._next_id
        try:
            self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        except self._ws_errors as exc:
            raise BrowserError(f"lost the connection to Chromium: {exc}") from None
        while True:
            try:
                message = self._receive(deadline)
            except TimeoutError:
                raise BrowserError(f"Chromium did not answer {method} in time") from None
            if message.get("id") == ident:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message', message['error'])}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def wait_for(self, method: str, deadline: float, where=lambda params: True) -> Optional[dict]:
        """The params of the first ``method`` event (buffered or arriving
        before ``deadline``) that ``where`` accepts; None on timeout."""
        while True:
            for index, event in enumerate(self.events):
                if event["method"] == method and where(event.get("params", {})):
                    del self.events[: index + 1]
                    return event.get("params", {})
            try:
                message = self._receive(deadline)
            except TimeoutError:
                return None
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression: str, deadline: float, await_promise: bool = False):
        result = self.call("Runtime.evaluate", deadline, expression=expression, returnByValue=True,
                           awaitPromise=await_promise)
        if "exceptionDetails" in result:
            raise BrowserError(f"the page's script failed: {result['exceptionDetails'].get('text', '')}")
        return result.get("result", {}).get("value")

    def screenshot(self, deadline: float, **params) -> bytes:
        data = self.call("Page.captureScreenshot", deadline, format="png", **params)["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        try:
            self.socket.close()
        except self._ws_errors:
            pass


def _left(deadline: float) -> float:
    """Seconds until ``deadline`` (at least a moment, so a call still sends)."""
    return max(0.05, deadline - time.monotonic())
