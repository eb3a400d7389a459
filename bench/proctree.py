"""A process and all its descendants: memory (RSS, PSS, USS) and CPU, from /proc (Linux).

`python bench/proctree.py PID` prints the memory of each process of the tree and the sums.

Worker processes of the bot are its grandchildren (children of the template process it forks
them from), so a measurement of "the bot" must walk the whole tree, not only its children.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from testkit.load.procfs import (  # the load driver's /proc readers
    busy_cores,
    distinct_resident_kib,
    machine_cpu_seconds,
    process_tree,
    read_cpu_seconds,
    read_proc_fields,
)

__all__ = ["TreeSampler", "busy_cores", "machine_busy_seconds"]


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used since boot (/proc/stat)."""
    return machine_cpu_seconds()[0]


def memory_kib(pid: int, status: dict[str, int] | None = None) -> tuple[int, int, int]:
    """(RSS, PSS, USS) of one process, in kiB; zeros when it is gone. `status`: its
    /proc/PID/status fields, when the caller has read them already."""
    rollup = read_proc_fields(pid, "smaps_rollup")
    private = rollup.get("Private_Clean", 0) + rollup.get("Private_Dirty", 0)
    rss = (read_proc_fields(pid) if status is None else status).get("VmRSS", 0)
    return rss, rollup.get("Pss", 0), private


@dataclass
class TreeSampler:
    """Peak memory of a process tree, the CPU its processes used, and the last sample."""

    peak_rss_kib: int = 0
    peak_pss_kib: int = 0
    # Each physical page once (None when frame numbers are hidden: not root).
    peak_distinct_kib: int | None = None
    processes: int = 0
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds, last seen
    last: list[tuple[int, int, int]] = field(default_factory=list)  # (RSS, PSS, USS) kiB
    tree: list[int] = field(default_factory=list)  # as found by the last full sample

    def sample(self, pid: int, *, full: bool = True) -> None:
        """`full`: find the tree again and read PSS and USS too. Otherwise only the RSS and
        CPU of the processes found last: smaps_rollup walks each process's address space on
        the sampler's CPU, which the bot it measures would otherwise have had."""
        if full or not self.tree:
            self.tree = process_tree(pid)
        self.processes = max(self.processes, len(self.tree))
        for member in self.tree:
            self.cpu[member] = max(self.cpu.get(member, 0.0), read_cpu_seconds(member) or 0.0)
        if full:
            self.last = [memory_kib(p) for p in self.tree]
            self.peak_pss_kib = max(self.peak_pss_kib, sum(p for _, p, _ in self.last))
            distinct = distinct_resident_kib(self.tree)
            if distinct is not None:
                self.peak_distinct_kib = max(self.peak_distinct_kib or 0, distinct)
            rss = sum(r for r, _, _ in self.last)
        else:
            rss = sum(read_proc_fields(p).get("VmRSS", 0) for p in self.tree)
        self.peak_rss_kib = max(self.peak_rss_kib, rss)


def _report(pid: int) -> str:
    """One line per process of the tree: RSS, PSS, USS and anonymous RSS, in MB."""
    rows = ["  pid   parent    RSS    PSS    USS   anon  (MB)"]
    totals = [0, 0, 0, 0]
    for member in process_tree(pid):
        status = read_proc_fields(member)
        figures = [*memory_kib(member, status), status.get("RssAnon", 0)]
        totals = [t + f for t, f in zip(totals, figures, strict=True)]
        parent = status.get("PPid", 0)
        rows.append(f"{member:>6} {parent:>7} " + " ".join(f"{f / 1024:6.1f}" for f in figures))
    rows.append("   sum         " + " ".join(f"{t / 1024:6.1f}" for t in totals))
    distinct = distinct_resident_kib(process_tree(pid))
    if distinct is not None:
        rows.append(f"   resident, each page once: {distinct / 1024:.1f} MB")
    return "\n".join(rows)


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: python bench/proctree.py PID  (the memory of PID and its descendants)")
    print(_report(int(sys.argv[1])))
