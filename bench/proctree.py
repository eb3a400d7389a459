"""A process and all its descendants: memory (RSS, PSS, USS) and CPU, from /proc (Linux).

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
