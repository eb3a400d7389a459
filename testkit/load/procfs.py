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
from typing import Any


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


_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
_PRESENT = 1 << 63  # a pagemap entry's bit: the page is in memory
_FRAME_BITS = (1 << 55) - 1  # and bits 0-54: its physical frame number
_PAGES_A_READ = 1 << 16  # 512 KB of entries


def distinct_resident_kib(pids: Iterable[int]) -> int | None:
    """The memory resident in a set of processes with every physical page counted once,
    however many of them map it: the template's engine its workers share, a library's code.
    That is the tree's resident set, where summed RSS counts a shared page once per process
    and summed PSS gives the tree only its share of pages it shares with other processes.

    Read from /proc/PID/pagemap (the frame of each resident page); frame numbers are shown to
    root only (CAP_SYS_ADMIN), so None elsewhere, and None when a process may not be read at
    all (another user's): a count without it would be too low. About 5 ms a process."""
    import numpy  # the engine's dependency; vectorized, the entries of a process are ~60,000

    frames: list[Any] = []
    for pid in pids:
        try:
            frames.extend(_resident_frames(pid))
        except PermissionError:
            return None
        except OSError:  # gone meanwhile: its pages went with it
            continue
    if not frames:
        return 0
    found = numpy.sort(numpy.concatenate(frames))
    if found.size and not found[-1]:
        return None  # every frame number hidden: not root
    distinct = int(numpy.count_nonzero(numpy.diff(found))) + bool(found.size)
    return distinct * _PAGE_BYTES // 1024


def _resident_frames(pid: int) -> list[Any]:
    """The physical frame of each resident page of one process (numpy arrays)."""
    import numpy

    found = []
    with open(f"/proc/{pid}/pagemap", "rb", buffering=0) as pagemap:
        for first, count in _mapped_pages(pid):
            # In slices: a reserved but untouched range can span gigabytes of addresses.
            for start in range(first, first + count, _PAGES_A_READ):
                size = min(_PAGES_A_READ, first + count - start)
                raw = os.pread(pagemap.fileno(), size * 8, start * 8)
                entries = numpy.frombuffer(raw, dtype=numpy.uint64)
                resident = entries[(entries & numpy.uint64(_PRESENT)) != 0]
                found.append(resident & numpy.uint64(_FRAME_BITS))
    return found


def _mapped_pages(pid: int) -> list[tuple[int, int]]:
    """(first page, page count) of each run of adjacent mappings: one read each."""
    runs: list[tuple[int, int]] = []
    with open(f"/proc/{pid}/maps", encoding="ascii", errors="replace") as maps:
        for line in maps:
            span, _, rest = line.partition(" ")
            if rest.rstrip().endswith("[vsyscall]"):
                continue  # outside the address space pagemap covers
            start, end = (int(bound, 16) // _PAGE_BYTES for bound in span.split("-"))
            if runs and runs[-1][0] + runs[-1][1] == start:
                runs[-1] = (runs[-1][0], end - runs[-1][0])
            else:
                runs.append((start, end - start))
    return runs


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
    # Resident pages counted once each (distinct_resident_kib), when asked for and root.
    distinct_kib: int | None = None


def tree_usage(roots: Iterable[int], *, distinct: bool = False) -> TreeUsage:
    """`distinct`: count the resident pages once each too (about 5 ms a process, on the
    caller's thread)."""
    rss = pss = 0
    cpu = waiting = 0.0
    members = [pid for root in roots for pid in process_tree(root)]
    for pid in members:
        rss += read_proc_kib(pid, "VmRSS") or 0
        pss += read_proc_kib(pid, "Pss", "smaps_rollup") or 0
        cpu += read_cpu_seconds(pid) or 0.0
        waiting += run_queue_seconds(pid)
    busy, _ = machine_cpu_seconds()
    once = distinct_resident_kib(members) if distinct else None
    return TreeUsage(time.time(), rss, pss, cpu, waiting, busy, once)


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
