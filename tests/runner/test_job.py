"""``cuecast.runner.job``: a cell's own ``timeout:`` wins over the file's."""

from __future__ import annotations

from cuecast.runner.job import Job


def test_a_cell_with_its_own_timeout_gets_it_and_the_others_the_files():
    job = Job(key="k", snippet="snippets/a.py", path="/p/snippets/a.py", root="/p", timeout=30.0,
              cell_timeouts=((2, 5.0), (4, 120.0)))
    assert [job.timeout_for(cell) for cell in range(6)] == [30.0, 30.0, 5.0, 30.0, 120.0, 30.0]
