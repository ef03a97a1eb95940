"""What in a tutorial's code will stop ``render check`` from passing here:
code that downloads data, and imports of packages that are not installed;
and a block too long to be one cue.

``render check`` runs every snippet on every build, offline in CI, so a
download is a to-do (use a small local file or a synthetic tensor), and so
is a package this Python cannot find (``importlib.util.find_spec``, which
locates a module without importing it).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys

from cuecast.importers.blocks import Code, Todo

#: (pattern, what it is) for code that reaches the network.
DOWNLOADS = (
    (re.compile(r"\bdownload\s*=\s*True\b"), "downloads a data set (download=True)"),
    (re.compile(r"\burlopen\s*\("), "downloads with urlopen"),
    (re.compile(r"\burlretrieve\s*\("), "downloads with urlretrieve"),
    (re.compile(r"\brequests\.(?:get|post|request|head|Session)\b"), "downloads with requests"),
    (re.compile(r"\btorch\.hub\.|\bload_state_dict_from_url\b"), "downloads weights (torch.hub)"),
    (re.compile(r"\.from_pretrained\s*\("), "downloads pretrained weights (from_pretrained)"),
    (re.compile(r"\b(?:wget|curl)\b"), "downloads with wget/curl"),
    (re.compile(r"""["']https?://"""), "reads a web address"),
)
#: Import name → the name pip knows it by, where they differ.
PIP_NAMES = {"sklearn": "scikit-learn", "PIL": "Pillow", "cv2": "opencv-python", "yaml": "PyYAML",
             "skimage": "scikit-image", "bs4": "beautifulsoup4"}
#: A cell longer than this is a to-do: no screen or narration carries it as one cue.
LONG_CELL_LINES = 200
ADVICE = "the check runs offline on every build: use a small local file or a synthetic tensor"


def check_code(code: Code, seen_modules: set[str]) -> list[Todo]:
    """To-dos for one block of code (each missing package once per file,
    through ``seen_modules``)."""
    todos: list[Todo] = []
    lines = code.code.splitlines()
    if len(lines) > LONG_CELL_LINES:
        todos.append(Todo(f"this code block is {len(lines)} lines long, more than a viewer can follow in one "
                          f"cue (over {LONG_CELL_LINES}): split it into cells with '# %%' markers where the "
                          "prose would pause, each with its own cue", code.line))
    for index, text in enumerate(lines):
        stripped = text.strip()
        if stripped.startswith("#"):
            continue
        for pattern, what in DOWNLOADS:
            if pattern.search(text):
                todos.append(Todo(f"{what}: {ADVICE}", _line(code, index)))
                break
    for module, index in _imports(code.code):
        if module in seen_modules:
            continue
        seen_modules.add(module)
        if not _installed(module):
            todos.append(Todo(f"imports '{module}', which is not installed here "
                              f"(pip install {PIP_NAMES.get(module, module)}, or drop it from the lesson)",
                              _line(code, index)))
    return todos


def _line(code: Code, index: int) -> int:
    return code.lines[index] if 0 <= index < len(code.lines) else code.line


def _imports(source: str) -> list[tuple[str, int]]:
    """Top-level package names imported, with the 0-based line index."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name.split(".")[0], node.lineno - 1) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], node.lineno - 1))
    return [(name, line) for name, line in found if name != "__future__"]


def _installed(module: str) -> bool:
    if module in sys.builtin_module_names or module in sys.stdlib_module_names:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
