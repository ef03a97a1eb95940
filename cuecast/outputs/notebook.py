"""The lesson's code as a Jupyter notebook (``code.ipynb``), with the outputs the check captured."""

from pathlib import Path

from cuecast.notebook import build_notebook, write_notebook
from cuecast.output_context import OutputContext


def write(context: OutputContext, path: Path) -> Path:
    return write_notebook(build_notebook(context.lesson, context.captures), path)
