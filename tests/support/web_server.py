"""A page served from 127.0.0.1 for the browser-capture tests: Python's own
``http.server`` on an ephemeral port, in a thread, counting the requests for
each path (so a test can tell a cached capture from a fresh one)."""

from __future__ import annotations

import collections
import functools
import http.server
import threading
from pathlib import Path

#: Big blocks of colour, a heading and text: a screenshot of it is told apart
#: from the simulated page at a glance, and a scroll moves visibly.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Tensor field guide</title>
<style>
  body { margin: 0; font-family: 'DejaVu Sans', sans-serif; }
  header { height: 90px; background: #0b5394; color: #fff; font-size: 40px; padding: 20px 30px; box-sizing: border-box; }
  .band { height: 260px; font-size: 28px; padding: 20px 30px; box-sizing: border-box; }
  .a { background: #f6b26b; } .b { background: #93c47d; } .c { background: #8e7cc3; } .d { background: #e06666; }
  .e { background: #ffd966; } .f { background: #76a5af; }
</style></head>
<body>
<header>Tensor field guide</header>
<div class="band a">Shapes, strides and views</div>
<div class="band b">Broadcasting rules</div>
<div class="band c">Autograd in one picture</div>
<div class="band d">Devices and dtypes</div>
<div class="band e">Saving and loading</div>
<div class="band f">Where to go next</div>
</body></html>
"""


class PageServer:
    """Serves ``folder`` on 127.0.0.1 until ``stop()``; use as a context manager."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.requests: collections.Counter = collections.Counter()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server name
                server.requests[self.path] += 1
                super().do_GET()

            def log_message(self, *args):  # quiet
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     functools.partial(Handler, directory=str(self.folder)))
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="test-page-server", daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> "PageServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def write_page(folder: Path, name: str = "guide.html") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(PAGE, encoding="utf-8")
    return path
