"""One page, loaded at a given viewport size, photographed twice: the
viewport (what the slide shows) and the top of the page a screen deeper
(what the video scrolls through).

Taking one tall screenshot and scrolling it in the video scene, rather than
photographing every frame of a live scroll, keeps a capture to a fraction of
a second once the page has loaded, whatever the video's length.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from cuecast.web.devtools import BrowserError, Chromium

#: Seconds a page may take from navigation to its screenshots.
PAGE_SECONDS = 8.0
#: How far below the first screen the tall screenshot reaches, as a share of
#: the viewport height: the video's scroll is short.
SCROLL_SHARE = 0.75

#: Resolves once web fonts are in and two frames have been painted, so the
#: screenshot shows the page as a reader sees it, not half laid out.
SETTLE_SCRIPT = ("Promise.race([document.fonts ? document.fonts.ready : null, "
                 "new Promise(r => setTimeout(r, 1500))])"
                 ".then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))"
                 ".then(() => true)")


class PageError(RuntimeError):
    """The page did not load, or answered with an error status."""


@dataclass(frozen=True)
class Shot:
    view: bytes  # PNG, the viewport
    full: bytes  # PNG, viewport wide, full_height tall
    full_height: int
    title: str


def capture_page(browser: Chromium, address: str, viewport: tuple[int, int],
                 seconds: float = PAGE_SECONDS) -> Shot:
    """Load ``address`` in a fresh tab of ``browser`` at ``viewport`` (CSS
    pixels, device scale 1) and photograph it; ``PageError`` or
    ``BrowserError`` when it cannot within ``seconds``."""
    deadline = time.monotonic() + seconds
    width, height = viewport
    session = browser.page(deadline)
    try:
        session.call("Emulation.setDeviceMetricsOverride", deadline, width=width, height=height,
                     deviceScaleFactor=1, mobile=False)
        session.call("Page.enable", deadline)
        session.call("Network.enable", deadline)
        navigated = session.call("Page.navigate", deadline, url=address)
        if navigated.get("errorText"):
            raise PageError(navigated["errorText"])
        loader = navigated.get("loaderId")
        response = session.wait_for(
            "Network.responseReceived", deadline,
            where=lambda p: p.get("type") == "Document" and (loader is None or p.get("loaderId") == loader))
        status = int((response or {}).get("response", {}).get("status") or 0)
        if status >= 400:
            raise PageError(f"the server answered HTTP {status}")
        if session.wait_for("Page.loadEventFired", deadline) is None:
            state = session.evaluate("document.readyState", time.monotonic() + 1)
            if state == "loading":
                raise PageError(f"the page did not load within {seconds:.0f} s")
        try:
            session.evaluate(SETTLE_SCRIPT, deadline, await_promise=True)
        except BrowserError:
            pass  # a page whose fonts never settle is still worth its screenshot
        title = session.evaluate("document.title", deadline) or ""
        view = session.screenshot(deadline)
        metrics = session.call("Page.getLayoutMetrics", deadline)
        content = metrics.get("cssContentSize") or metrics.get("contentSize") or {}
        full_height = max(height, min(int(content.get("height") or height), height + round(height * SCROLL_SHARE)))
        if full_height > height:
            full = session.screenshot(deadline, captureBeyondViewport=True,
                                      clip={"x": 0, "y": 0, "width": width, "height": full_height, "scale": 1})
        else:
            full = view
        return Shot(view, full, full_height, str(title).strip())
    finally:
        session.close()
