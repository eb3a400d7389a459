"""A process and all its descendants: memory (RSS, PSS, USS) and CPU, from /proc (Linux).

`python bench/proctree.py PID` prints the memory of each process of the tree and the sums.

Worker processes of the bot are its grandchildren (children of the template process it forks
them from), so a measurement of "the bot" must walk the whole tree, not only its children.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, grandchildren, ...), from /proc's parent fields."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found += children
        frontier += children
    return found


def proc_kib(pid: int, name: str, source: str) -> int:
    try:
        with open(f"/proc/{pid}/{source}", encoding="ascii") as lines:
            for line in lines:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used since boot (/proc/stat)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq = fields[:7]
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def busy_cores(seconds: float = 2.0) -> float:
    first, started = machine_busy_seconds(), time.monotonic()
    await asyncio.sleep(seconds)
    return (machine_busy_seconds() - first) / (time.monotonic() - started)


@dataclass
class TreeSampler:
    """Peak memory of a process tree, the CPU its processes used, and the last sample."""

    peak_rss_kib: int = 0
    peak_pss_kib: int = 0
    processes: int = 0
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds, last seen
    last: list[tuple[int, int, int]] = field(default_factory=list)  # (RSS, PSS, USS) kiB

    def sample(self, pid: int) -> None:
        tree = [pid, *descendants(pid)]
        self.processes = max(self.processes, len(tree))
        for member in tree:
            self.cpu[member] = max(self.cpu.get(member, 0.0), cpu_seconds(member))
        self.last = [
            (
                proc_kib(p, "VmRSS", "status"),
                proc_kib(p, "Pss", "smaps_rollup"),
                proc_kib(p, "Private_Clean", "smaps_rollup")
                + proc_kib(p, "Private_Dirty", "smaps_rollup"),
            )
            for p in tree
        ]
        self.peak_rss_kib = max(self.peak_rss_kib, sum(r for r, _, _ in self.last))
        self.peak_pss_kib = max(self.peak_pss_kib, sum(p for _, p, _ in self.last))


def _report(pid: int) -> str:
    """One line per process of the tree: RSS, PSS, USS and anonymous RSS, in MB."""
    rows = ["  pid   parent    RSS    PSS    USS   anon  (MB)"]
    totals = [0, 0, 0, 0]
    for member in [pid, *descendants(pid)]:
        figures = [
            proc_kib(member, "VmRSS", "status"),
            proc_kib(member, "Pss", "smaps_rollup"),
            proc_kib(member, "Private_Clean", "smaps_rollup")
            + proc_kib(member, "Private_Dirty", "smaps_rollup"),
            proc_kib(member, "RssAnon", "status"),
        ]
        totals = [t + f for t, f in zip(totals, figures, strict=True)]
        parent = proc_kib(member, "PPid", "status")
        rows.append(f"{member:>6} {parent:>7} " + " ".join(f"{f / 1024:6.1f}" for f in figures))
    rows.append("   sum         " + " ".join(f"{t / 1024:6.1f}" for t in totals))
    return "\n".join(rows)


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: python bench/proctree.py PID  (the memory of PID and its descendants)")
    print(_report(int(sys.argv[1])))
