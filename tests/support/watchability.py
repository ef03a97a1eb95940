"""``bench/bench_watchability.py`` for the tests that judge a built lesson
by it (bench/ is scripts, not a package)."""

import importlib.util
import sys

from tests.support.paths import PROJECT

_spec = importlib.util.spec_from_file_location("bench_watchability", PROJECT / "bench" / "bench_watchability.py")
watchability = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = watchability  # its dataclass looks its module up while the module loads
_spec.loader.exec_module(watchability)
measure = watchability.measure
leaks = watchability.leaks
