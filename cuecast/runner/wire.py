"""How pool, worker and snippet process send each other messages: a pickled
tuple per ``multiprocessing.connection`` message.

``Connection.send`` pickles with multiprocessing's ``ForkingPickler``, which
copies ``copyreg``'s dispatch table for every message; in a worker that
waits on a forked child, each page that touches is a page copied.  These
messages hold plain data only (no sockets, no connections), so the plain
pickler writes the same bytes for less; ``Connection.recv`` reads them as
before.
"""

from __future__ import annotations

import pickle


def send(conn, message) -> None:
    """``conn.send(message)``, pickled with the plain pickler."""
    conn.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
