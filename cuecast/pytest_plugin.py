"""pytest plugin entry point (``pytest --cuecast``); filled in by the golden-output work."""


def pytest_addoption(parser):
    group = parser.getgroup("cuecast")
    group.addoption("--cuecast", action="store_true", default=False,
                    help="collect every snippet of every lesson as a test item")
