"""Whether a page's server can be reached at all, asked before Chromium is
started: on a machine without network a name does not resolve or a connection
is refused within milliseconds, and a firewall that drops packets is given a
few seconds, so an offline build falls back at once instead of starting a
browser to watch it fail.

``CUECAST_OFFLINE=1`` makes a build offline on purpose (the test suite sets
it, so it never reaches the internet whatever the machine can reach): only
pages on this machine (loopback hosts, project files) are captured, and
Chromium is told to resolve no other host.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Optional
from urllib.parse import urlsplit

from cuecast.web.address import LOCAL_HOSTS, host_of, is_file_url
from cuecast.witness import probing

OFFLINE_ENV = "CUECAST_OFFLINE"
#: Seconds to resolve the host and open a connection to it.
CONNECT_SECONDS = 3.0


def offline() -> bool:
    return os.environ.get(OFFLINE_ENV, "").strip().lower() not in ("", "0", "no", "false", "off")


def is_local(url: str) -> bool:
    return is_file_url(url) or host_of(url) in {h.strip("[]") for h in LOCAL_HOSTS}


def _through_proxy(scheme: str) -> bool:
    names = (f"{scheme}_proxy", f"{scheme.upper()}_PROXY", "all_proxy", "ALL_PROXY")
    return any(os.environ.get(name) for name in names)


def _resolve(host: str, port: int, seconds: float) -> list:
    """``getaddrinfo`` with a time limit (it has none of its own); the lookup
    thread is a daemon, so a resolver that never answers is simply left."""
    outcome: dict = {}

    def lookup() -> None:
        try:
            outcome["addresses"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=lookup, name="cuecast-resolve", daemon=True)
    thread.start()
    thread.join(seconds)
    if "error" in outcome:
        raise outcome["error"]
    if "addresses" not in outcome:
        raise TimeoutError(f"no answer within {seconds:.0f} s")
    return outcome["addresses"]


def unreachable(url: str, seconds: float = CONNECT_SECONDS) -> Optional[str]:
    """Why ``url``'s server cannot be reached, or None when it answers (or
    when a proxy stands between, which only Chromium can ask).  The answer
    is kept by a trace running (``witness.probing``): a build that found
    everything current depended on it."""
    with probing(url) as answer:
        answer.append(_unreachable(url, seconds))
    return answer[0]


def _unreachable(url: str, seconds: float) -> Optional[str]:
    if is_file_url(url):
        return None
    if offline() and not is_local(url):
        return f"{OFFLINE_ENV} is set, so only pages on this machine are captured"
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if not is_local(url) and _through_proxy(parts.scheme):
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return f"'{url}' has an invalid port"
    deadline = time.monotonic() + seconds  # one budget for the lookup and every connection tried
    try:
        addresses = _resolve(host, port, seconds)
    except (OSError, TimeoutError) as exc:
        return f"cannot resolve {host} ({_reason(exc)}; is this machine offline?)"
    last: Optional[BaseException] = None
    for family, kind, proto, _, address in addresses[:2]:
        left = deadline - time.monotonic()
        if left <= 0:
            last = TimeoutError(f"no answer within {seconds:.0f} s")
            break
        try:
            with socket.socket(family, kind, proto) as probe:
                probe.settimeout(left)
                probe.connect(address)
            return None
        except OSError as exc:
            last = exc
    return f"cannot connect to {host}:{port} ({_reason(last)})"


def _reason(exc: Optional[BaseException]) -> str:
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return str(exc) or "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__
