"""``cuecast.runner.wire``: a message sent with the plain pickler is what
``Connection.recv`` reads back on the other end."""

from __future__ import annotations

import multiprocessing

from cuecast.model import Capture
from cuecast.runner import wire


def test_a_message_sent_on_the_wire_is_received_whole():
    capture = Capture(snippet="snippets/a.py", status="ok", output="tensor([1.])\n", key="k1")
    message = ("finished", "k1", capture, {"reads": ("data/x.csv",)})
    ours, theirs = multiprocessing.Pipe()
    try:
        wire.send(ours, message)
        assert theirs.recv() == message
    finally:
        ours.close()
        theirs.close()
