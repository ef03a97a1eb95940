"""cuecast: write a programming lesson once, render its deck, video, timeline and notebook.

The package is a pipeline of small stages that pass plain data (see
``cuecast.model``); only the CLI knows their order.  Nothing here imports torch
at module level: torch is imported only inside snippet workers, so commands
served from cache never pay for it.
"""

__version__ = "0.1.0"
