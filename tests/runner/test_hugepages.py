"""``cuecast.runner.hugepages``: which memory the worker asks to collapse,
and when it asks."""

from __future__ import annotations

from cuecast.runner.hugepages import FIRST, HUGE, Collapser, anonymous_ranges, collapse


def test_anonymous_ranges_are_the_aligned_parts_of_private_writable_memory():
    maps = (
        "55f938298000-55f93d679000 rw-p 00000000 00:00 0          [heap]\n"
        "7f442f82a000-7f4431c00000 rw-p 00000000 00:00 0 \n"
        "7f4432114000-7f4432314000 rw-p 00000000 00:00 0\n"  # 2 MiB, but no aligned 2 MiB inside
        "7f444e7e5000-7f444ea85000 r--p 00000000 fd:01 123 /usr/lib/libtorch_cpu.so\n"
        "7f4451644000-7f4451a78000 rw-p 00000000 fd:01 124 /usr/lib/libpython3.11.so.1.0\n"
        "7f4432000000-7f4432400000 rw-s 00000000 00:05 9 /dev/zero (deleted)\n"
        "7ffd80000000-7ffd80400000 rw-p 00000000 00:00 0          [stack]\n"
    )
    ranges = anonymous_ranges(maps)
    assert ranges == [(0x55F938400000, 0x55F93D600000), (0x7F442FA00000, 0x7F4431C00000)]
    assert all(start % HUGE == 0 and end % HUGE == 0 for start, end in ranges)


def test_switched_off_nothing_is_collapsed(monkeypatch):
    monkeypatch.setenv("CUECAST_HUGEPAGES", "no")
    assert collapse() == 0


def test_the_worker_first_collapses_at_its_first_fork_and_stops_once_the_kernel_says_no(monkeypatch):
    monkeypatch.setenv("CUECAST_HUGEPAGES", "0")  # collapse() answers 0, as a kernel without MADV_COLLAPSE does
    collapser = Collapser()
    collapser.now()  # before the first forks: not worth it, not tried
    for _ in range(FIRST - 1):
        collapser.after_fork()
    assert collapser.works  # nothing tried yet
    collapser.after_fork()  # the FIRST fork: tried, and the kernel said no
    assert not collapser.works
