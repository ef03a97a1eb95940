"""What ``render check`` proves and how it says so: the results table and
failure lines (``report``), the comparison with golden output (``golden``)
and the pytest plugin that makes each snippet a test item
(``pytest_plugin``).  The check stage itself is the build's
(``build.run_snippets``); this package only judges and reports it."""
