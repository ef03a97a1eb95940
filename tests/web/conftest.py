"""Each web test decides for itself what is reachable: the process's memory
of failed captures is cleared around it."""

from __future__ import annotations

import pytest

from cuecast.web.pages import forget_failures


@pytest.fixture(autouse=True)
def fresh_failure_memory():
    forget_failures()  # each test decides for itself what is reachable
    yield
    forget_failures()
