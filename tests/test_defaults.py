"""The defaults several stages share are stated once, in ``cuecast.defaults``:
the command line, the options objects and the stages' own signatures all
read them from there."""

from __future__ import annotations

import ast
from pathlib import Path

import click

from cuecast import defaults
from cuecast.build import BuildOptions, run_options
from cuecast.cli import options as cli_options
from cuecast.model import Timeline
from cuecast.plan import PlanOptions
from cuecast.runner import RunOptions

PACKAGE = Path(__file__).resolve().parents[1] / "cuecast"


def parsed_defaults() -> dict:
    """What ``render build`` parses when given no options."""

    @click.command()
    @cli_options.all_options
    def command(**params):
        return params

    return command.main([], standalone_mode=False)


def test_the_command_line_defaults_are_the_shared_ones():
    params = parsed_defaults()
    assert params["size"] == defaults.FRAME_SIZE
    assert params["fps"] == defaults.FPS
    assert params["timeout"] == defaults.SNIPPET_TIMEOUT


def test_the_options_objects_default_to_the_shared_ones():
    build = BuildOptions()
    assert (build.size, build.fps, build.timeout) == (defaults.FRAME_SIZE, defaults.FPS, defaults.SNIPPET_TIMEOUT)
    assert RunOptions().timeout == defaults.SNIPPET_TIMEOUT
    assert run_options(build).timeout == defaults.SNIPPET_TIMEOUT
    assert PlanOptions().fps == defaults.FPS
    assert Timeline("lesson", "Title", (), ()).fps == defaults.FPS


def test_a_timeout_given_on_the_command_line_reaches_the_runner():
    options = cli_options.build_options(dict(parsed_defaults(), timeout=7.5), ["check"])
    assert run_options(options).timeout == 7.5


def restated_defaults(package: Path) -> list[str]:
    """Places outside ``defaults.py`` that write a shared default as a
    literal: the frame size as a tuple, a default ``fps`` argument or field
    given as a number, or a default ``timeout`` of the snippets' seconds.
    (Other timeouts, such as a process's seconds to exit, are their own.)"""
    size = ast.unparse(ast.parse(repr(defaults.FRAME_SIZE)).body[0].value)
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "defaults.py" and path.parent == package:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(package.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.Tuple) and ast.unparse(node) == size:
                found.append(f"{where}:{node.lineno}: {size}")
            pairs = []
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                pairs.append((node.target.id, node.value))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.posonlyargs + node.args.args
                pairs += zip([a.arg for a in args[len(args) - len(node.args.defaults):]], node.args.defaults)
                pairs += [(a.arg, d) for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None]
            for name, value in pairs:
                if isinstance(value, ast.Constant) and (
                        name == "fps" and isinstance(value.value, int)
                        or name == "timeout" and value.value == defaults.SNIPPET_TIMEOUT):
                    found.append(f"{where}:{value.lineno}: {name} = {value.value!r}")
    return found


def test_no_module_restates_a_shared_default():
    assert restated_defaults(PACKAGE) == []


def test_a_restated_default_is_found(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "stage.py").write_text(
        "def draw(size=(1920, 1080), *, fps=30):\n    pass\n\n\n"
        "class Options:\n    timeout: float = 60.0\n    wait: float = 5.0\n",
        encoding="utf-8")
    assert sorted(restated_defaults(package)) == [
        "pkg/stage.py:1: (1920, 1080)", "pkg/stage.py:1: fps = 30", "pkg/stage.py:6: timeout = 60.0",
    ]
