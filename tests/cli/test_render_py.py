"""``python render.py`` in a checkout that was never pip-installed.

The README promises it is the same as ``render``.  Snippet workers start as
``python -m cuecast.runner.worker`` in a temp folder, so they must be told
where this checkout's package is: without that they fail to start, or (where
another copy is installed, as in this test environment) silently run that
other copy's code.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.support.paths import PROJECT

SNIPPET = """\
import sys
print(sys.modules["cuecast.runner.execute"].__file__)
"""


@pytest.mark.slow
def test_workers_run_the_checkouts_own_package(tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(PROJECT / "cuecast", checkout / "cuecast", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "render.py", checkout / "render.py")
    (checkout / "snippets").mkdir()
    (checkout / "snippets" / "where.py").write_text(SNIPPET)
    (checkout / "script").mkdir()
    (checkout / "script" / "where.yaml").write_text(
        "lesson: Where\nsections:\n  - title: Where\n    beats:\n"
        "      - show: vscode\n        snippet: snippets/where.py\n        say: Which copy runs.\n"
    )
    done = subprocess.run(
        [sys.executable, "render.py", "check", "--device", "cpu", "--junit", "report.xml"],
        cwd=checkout, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    case = next(ET.parse(checkout / "report.xml").getroot().iter("testcase"))
    printed = case.findtext("system-out").strip()
    assert Path(printed) == checkout / "cuecast" / "runner" / "execute.py"
