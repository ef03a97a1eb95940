"""Where the project and the tests' own files are, for every test folder."""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
PROJECT = TESTS.parent
FIXTURES = TESTS / "fixtures"
TINY = TESTS / "tinybuild"
CORPUS = TESTS / "corpus"
RENDER = PROJECT / "render.py"
