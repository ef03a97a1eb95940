"""The options of a test build that needs every stage but no detail: a
320x180 video at 10 fps, snippets on the CPU, no voice."""

from cuecast.build import BuildOptions

SMALL = BuildOptions(size=(320, 180), fps=10, device="cpu", voice="none")
