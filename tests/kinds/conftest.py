"""The script tests' project (a snippet, a picture) for the kinds' own
script checks."""

from tests.test_script import snippet_project  # noqa: F401  (a fixture)
