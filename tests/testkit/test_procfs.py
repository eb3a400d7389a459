"""The /proc readers the load driver and the benchmarks measure the bot with."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

import testkit.load.procfs
from testkit.load.procfs import distinct_resident_kib, read_proc_fields, read_proc_kib

# A parent that fills 40 MB, forks, and waits with its child: the child shares those pages.
FORKING_PARENT = """
import os, sys, time
filled = b"x" * (40 << 20)
child = os.fork()
if child == 0:
    time.sleep(60)
    os._exit(0)
print(child, flush=True)
sys.stdin.read()
os.kill(child, 9)
"""


@pytest.fixture
def parent_and_child() -> Iterator[tuple[int, int]]:
    parent = subprocess.Popen(
        [sys.executable, "-c", FORKING_PARENT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None and parent.stdin is not None
    child = int(parent.stdout.readline())
    yield parent.pid, child
    parent.stdin.close()
    parent.wait(timeout=10)


def _counted_once(pids: list[int]) -> int:
    counted = distinct_resident_kib(pids)
    if counted is None:
        pytest.skip("page frame numbers are shown to root only")
    return counted


def test_one_read_of_status_gives_every_memory_field_of_the_process() -> None:
    fields = read_proc_fields(os.getpid())

    assert fields["VmRSS"] > 0
    assert fields["VmHWM"] >= fields["VmRSS"]
    assert fields["PPid"] == os.getppid()


def test_smaps_rollup_gives_the_shares_of_the_pages_the_process_uses() -> None:
    rollup = read_proc_fields(os.getpid(), "smaps_rollup")

    assert 0 < rollup["Pss"] <= rollup["Rss"]
    assert rollup["Private_Clean"] + rollup["Private_Dirty"] <= rollup["Pss"]


def test_a_process_that_is_gone_has_no_fields() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()

    assert read_proc_fields(child.pid) == {}
    assert read_proc_kib(child.pid, "VmRSS") is None


def test_pages_a_forked_child_shares_with_its_parent_count_once(
    parent_and_child: tuple[int, int],
) -> None:
    parent, child = parent_and_child
    summed = sum(read_proc_kib(pid, "VmRSS") or 0 for pid in (parent, child))

    together = _counted_once([parent, child])

    assert together < summed - 35 * 1024  # the 40 MB counted once, not twice
    assert together >= _counted_once([parent])


def test_a_process_alone_counts_about_its_own_rss() -> None:
    rss = read_proc_kib(os.getpid(), "VmRSS") or 0

    counted = _counted_once([os.getpid()])

    assert 0.8 * rss < counted < 1.2 * rss


def test_a_process_that_is_gone_has_no_pages() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()

    assert distinct_resident_kib([child.pid]) == 0


def test_a_process_that_may_not_be_read_makes_the_count_unknown_not_lower(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused(pid: int) -> list[object]:
        raise PermissionError(13, "Permission denied", f"/proc/{pid}/pagemap")

    monkeypatch.setattr(testkit.load.procfs, "_resident_frames", refused)

    assert distinct_resident_kib([os.getpid()]) is None
