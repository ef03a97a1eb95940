#!/usr/bin/env python3
"""Thin entry point: ``python render.py ARGS`` is the same as ``render ARGS``."""

import sys

from cuecast.cli import main

if __name__ == "__main__":
    sys.exit(main())
