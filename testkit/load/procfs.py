"""Memory and CPU of the bot's process tree and of the machine, read from /proc (Linux).

Hand-written rather than psutil: a few fields of /proc/PID/status, smaps_rollup, stat and
schedstat are all the bench needs, and the bench then needs nothing beyond aiohttp.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass


def read_proc_kib(pid: int, field_name: str, source: str = "status") -> int | None:
    """A `kB` field of /proc/PID/status (VmRSS, VmHWM) or smaps_rollup (Pss); None when the
    process is gone."""
    return read_proc_fields(pid, source).get(field_name)


def read_proc_fields(pid: int, source: str = "status") -> dict[str, int]:
    """Every numeric field of /proc/PID/status or smaps_rollup, read once; empty when the
    process is gone. (Each read of smaps_rollup walks the process's whole address space in
    the kernel, on the reader's CPU: a sampler that read it once per field took a tenth of a
    core from the machine it measured.)"""
    fields: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/{source}", encoding="ascii") as status:
            for line in status:
                name, _, rest = line.partition(":")
                value = rest.split()
                if value and value[0].isdigit():
                    fields[name] = int(value[0])
    except OSError:
        return {}
    return fields


def is_running(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):  # gone before the open, or before the read
        return False


def _parent_of(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (worker pools, their helpers), living now."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent = _parent_of(entry)
            if parent is not None:
                children.setdefault(parent, []).append(int(entry))
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(children.get(current, []))
    return tree


def read_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process so far (/proc/PID/stat), None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the command name: state is field 3, utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    ticks = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / ticks, steal / ticks


def run_queue_seconds(pid: int) -> float:
    """Time the process's threads spent runnable but not running (/proc/PID/task/*/schedstat)."""
    total = 0
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            path = f"/proc/{pid}/task/{task}/schedstat"
            with contextlib.suppress(OSError, IndexError, ValueError), open(path) as stat:
                total += int(stat.read().split()[1])
    return total / 1e9


@dataclass(frozen=True)
class TreeUsage:
    """One reading of a set of process trees (every bot replica with its workers)."""

    at: float  # time.time()
    rss_kib: int  # summed RSS: pages shared between processes count once per process
    pss_kib: int  # summed PSS: shared pages split between the processes that map them
    cpu_seconds: float
    waiting_seconds: float  # run-queue time of all their threads
    machine_busy: float  # CPU seconds of every process on the machine


def tree_usage(roots: Iterable[int]) -> TreeUsage:
    rss = pss = 0
    cpu = waiting = 0.0
    for root in roots:
        for pid in process_tree(root):
            rss += read_proc_kib(pid, "VmRSS") or 0
            pss += read_proc_kib(pid, "Pss", "smaps_rollup") or 0
            cpu += read_cpu_seconds(pid) or 0.0
            waiting += run_queue_seconds(pid)
    busy, _ = machine_cpu_seconds()
    return TreeUsage(time.time(), rss, pss, cpu, waiting, busy)


async def busy_cores(seconds: float = 1.0) -> float:
    """CPU cores busy on the whole machine over the next `seconds`."""
    first, _ = machine_cpu_seconds()
    started = time.monotonic()
    await asyncio.sleep(seconds)
    last, _ = machine_cpu_seconds()
    return (last - first) / (time.monotonic() - started)


async def wait_for_quiet(limit: float, patience: float) -> float:
    """Wait up to `patience` s for the machine to use under `limit` cores; returns the last
    reading. The machine is shared: a benchmark on a busy one measures the neighbours."""
    deadline = time.monotonic() + patience
    busy = await busy_cores()
    while busy > limit and time.monotonic() < deadline:
        print(f"machine busy ({busy:.2f} cores); waiting for it to calm down ...", file=sys.stderr)
        await asyncio.sleep(4.0)
        busy = await busy_cores()
    return busy
