"""The /proc readers the load driver and the benchmarks measure the bot with."""

from __future__ import annotations

import os
import subprocess
import sys

from testkit.load.procfs import read_proc_fields, read_proc_kib


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
