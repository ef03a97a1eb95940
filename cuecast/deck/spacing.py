"""The slide's spacing: margins, heading heights and the gaps between boxes.
Every layout module (``layout``, ``web_layout``, ``code_layout``) reads them
from here, so a module that lays out one kind of slide does not import the
module that lays out the deck."""

from __future__ import annotations

from cuecast.deck.boxes import inches

MARGIN = inches(0.5)
TITLE_Y = inches(0.25)
TITLE_H = inches(0.95)
CUE_TITLE_H = inches(0.62)
SUBTITLE_H = inches(0.42)
GAP = inches(0.25)
BOTTOM = inches(0.3)
#: The height of a browser window's address bar.
ADDRESS_BAR_H = inches(0.42)
