"""Worker lanes: real worker processes that crash, hang, queue fairly and shed load."""

from __future__ import annotations

import ast
import asyncio
import functools
import importlib
import os
import shlex
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

import service.workers
from service import EngineBusy, EngineCrashed, ShuttingDown, WorkTooSlow, acting_for
from service.records import record_from_page
from service.workers import Lane, LaneLimits
from service.zygote import TRIM_AFTER_SECONDS, WorkerProcess, Zygote
from summarizer import ArticleError, clean_article, summarize_clean
from testkit.load.procfs import is_running, read_proc_fields, read_proc_kib
from web.article import Article

# ---- what the workers run (module level, so that they pickle by name)


def crash_the_first_time(marker: str) -> str:
    if not os.path.exists(marker):
        Path(marker).touch()
        os._exit(3)
    return "survived"


def crash_always() -> None:
    os._exit(3)


def hang() -> None:
    while True:
        pass


def nap(seconds: float, label: str) -> str:
    time.sleep(seconds)
    return label


def worker_pid() -> int:
    return os.getpid()


def clock() -> float:
    return time.time()


def long_nap(seconds: float) -> float:
    time.sleep(seconds)
    return time.time()


def summarize_text(text: str, sentences: int) -> object:
    return summarize_clean(clean_article(text), sentences=sentences)


KEPT: list[bytes] = []


def churn_the_heap(blocks: int, seconds: float) -> int:
    """Fill the heap with 64 KiB blocks and free all but the last, which stays (so the heap
    cannot shrink from its top); run `seconds` in all. Returns the RSS (KiB) at the peak."""
    held = [bytes(64 * 1024) for _ in range(blocks)]
    peak = rss_kib()
    KEPT.append(held.pop())
    del held
    time.sleep(seconds)
    return peak


def rss_kib() -> int:
    return read_proc_kib(os.getpid(), "VmRSS") or 0


def threads_after_a_matrix_product() -> int:
    """The OS threads of this process once numpy has multiplied two 400 x 400 matrices (an
    unlimited OpenBLAS starts a thread per core for that)."""
    import numpy

    numpy.ones((400, 400)) @ numpy.ones((400, 400))
    return read_proc_fields(os.getpid())["Threads"]


WARMED: list[int] = []  # pids of the processes that ran `warm_template`


def warm_template() -> None:
    WARMED.append(os.getpid())


def warmed_in() -> list[int]:
    return WARMED


def load_numpy() -> None:
    import numpy  # noqa: F401


def load_this_module() -> None:
    """A warm-up whose unpickling loads this module in the template, so that its workers
    find the jobs above loaded (a first job would import it: some 0.2 s of its deadline)."""


def numpy_loaded() -> bool:
    return "numpy" in sys.modules


def modules_loaded(names: list[str]) -> list[str]:
    return sorted(set(names) & set(sys.modules))


def parent_pid() -> int:
    return os.getppid()


def clean_page_and_list_libraries(page: Article) -> tuple[str, list[str]]:
    record = record_from_page("id", page.url, page)
    return record.text, sorted({"trafilatura", "numpy", "langdetect"} & set(sys.modules))


# ---- a lane of real worker processes


@asynccontextmanager
async def lane_of(
    workers: int = 1,
    deadline: float = 30.0,
    max_queue_wait: float = 60.0,
    name: str = "test",
    *,
    lean: bool = False,
    warm_up: Callable[[], None] | None = load_this_module,
    environment: dict[str, str] | None = None,
) -> AsyncIterator[Lane]:
    zygote = Zygote(warm_up, environment=environment)
    lane = Lane(name, zygote, LaneLimits(workers, deadline, max_queue_wait, lean=lean))
    await lane.start()
    try:
        yield lane
    finally:
        await lane.close(grace=0.0)
        zygote.close()


async def gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while is_running(pid) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return not is_running(pid)


async def test_the_engine_runs_in_another_process_and_its_errors_come_back_whole(
    sample_article: str,
) -> None:
    async with lane_of() as lane:
        digest = await lane.run(summarize_text, sample_article, 3)
        assert len(digest.summary) == 3
        assert await lane.run(worker_pid) != os.getpid()
        with pytest.raises(ArticleError) as raised:
            await lane.run(summarize_text, "Terlalu pendek.", 3)
    assert raised.value.code == "too-short"


async def test_a_worker_hands_back_the_heap_a_long_job_freed() -> None:
    async with lane_of() as lane:
        peak = await lane.run(churn_the_heap, 800, TRIM_AFTER_SECONDS)
        after = await lane.run(rss_kib)
    assert peak - after > 25 * 1024  # of the ~50 MB freed


async def test_a_workers_numerical_work_runs_on_its_one_thread() -> None:
    async with lane_of(warm_up=load_numpy) as lane:
        assert await lane.run(threads_after_a_matrix_product) == 1


async def test_an_operators_own_thread_count_for_the_workers_is_kept() -> None:
    environment = dict(os.environ, OPENBLAS_NUM_THREADS="2")
    async with lane_of(warm_up=load_numpy, environment=environment) as lane:
        assert await lane.run(threads_after_a_matrix_product) == min(2, os.cpu_count() or 1)


async def test_a_lean_worker_is_a_fresh_interpreter_without_what_the_template_loaded(
    sample_article: str,
) -> None:
    async with lane_of(warm_up=load_numpy) as copies:
        assert await copies.run(numpy_loaded)
    async with lane_of(warm_up=load_numpy, lean=True) as lean:
        assert not await lean.run(numpy_loaded)
        assert len((await lean.run(summarize_text, sample_article, 3)).summary) == 3


async def test_a_lean_worker_cleans_an_extracted_page_without_loading_the_engine(
    sample_article: str,
) -> None:
    page = Article("Judul", "Kompas", "2024-03-12", sample_article, "https://a.example/b")
    async with lane_of(lean=True) as lane:
        text, libraries = await lane.run(clean_page_and_list_libraries, page)
    assert text.startswith(sample_article[:40]) and libraries == []


def paths_on_command_line() -> list[str]:
    """The module paths this worker's command line (`python -c ...`) puts first."""
    with open("/proc/self/cmdline", "rb") as cmdline:
        code = cmdline.read().split(b"\0")[2].decode()
    listed = code.partition("sys.path[:0] = ")[2].partition("; ")[0]
    return list(ast.literal_eval(listed))


async def test_a_lean_workers_command_line_names_each_module_path_once() -> None:
    async with lane_of(lean=True) as lane:
        paths = await lane.run(paths_on_command_line)
    assert paths and len(paths) == len(set(paths))


def interpreter_refusing_lean_workers(directory: Path) -> str:
    """An interpreter that starts the template but not its lean workers (as if the Python
    that started the bot had been removed since)."""
    wrapper = directory / "python"
    lines = ["#!/bin/sh", 'case "$*" in *lean_worker_main*) exit 71;; esac']
    wrapper.write_text("\n".join([*lines, f'exec {shlex.quote(sys.executable)} "$@"', ""]))
    wrapper.chmod(0o755)
    return str(wrapper)


async def test_a_lean_worker_that_cannot_start_leaves_the_template_and_other_workers_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "executable", interpreter_refusing_lean_workers(tmp_path))
    zygote = Zygote(load_this_module)
    copies = Lane("engine", zygote, LaneLimits(2, 30.0, 60.0))
    lean = Lane("light", zygote, LaneLimits(1, 30.0, 60.0, lean=True))
    await copies.start()
    template, workers = zygote.pid, {await copies.run(worker_pid) for _ in range(4)}
    spawn, lean_spawns = zygote.spawn, []

    def counted(niceness: int, *, lean: bool = False) -> WorkerProcess:
        lean_spawns.extend([niceness] if lean else [])
        return spawn(niceness, lean=lean)

    monkeypatch.setattr(zygote, "spawn", counted)
    await lean.start()
    try:
        await asyncio.sleep(1.5)  # the lean lane keeps failing meanwhile
        assert 1 <= len(lean_spawns) <= 3, "tried again after a pause, not in a loop"
        assert zygote.pid == template and all(is_running(pid) for pid in workers)
        assert {await copies.run(worker_pid) for _ in range(4)} == workers
    finally:
        await lean.close(grace=0.0)
        await copies.close(grace=0.0)
        zygote.close()


async def test_a_lean_worker_that_crashes_is_replaced_and_the_job_retried(tmp_path: Path) -> None:
    async with lane_of(lean=True) as lane:
        first = await lane.run(worker_pid)
        assert await lane.run(crash_the_first_time, str(tmp_path / "crashed")) == "survived"
        assert await lane.run(worker_pid) != first


async def test_a_template_warms_up_once_in_itself_and_its_workers_inherit_what_it_loaded() -> None:
    zygote = Zygote(warm_template)
    lane = Lane("test", zygote, LaneLimits(2, 30.0, 60.0))
    await lane.start()
    try:
        with acting_for("ani"):
            first = await lane.run(warmed_in)
        with acting_for("budi"):
            second = await lane.run(warmed_in)
        workers = {await lane.run(worker_pid) for _ in range(4)}
    finally:
        await lane.close(grace=0.0)
        zygote.close()
    assert WARMED == []  # not in this process
    assert first == second and len(first) == 1  # once, in the template
    assert first[0] not in workers and os.getpid() not in first


async def test_the_template_is_a_fresh_interpreter_without_its_starters_libraries() -> None:
    import telegram  # noqa: F401  (the bot's libraries, loaded in this process)

    async with lane_of(warm_up=load_numpy) as lane:
        assert await lane.run(modules_loaded, ["numpy", "telegram"]) == ["numpy"]


async def test_a_template_that_died_is_started_again_for_the_next_worker() -> None:
    zygote = Zygote(load_this_module)
    first = zygote.pid
    os.kill(first, signal.SIGKILL)
    assert await gone(first)
    lane = Lane("test", zygote, LaneLimits(1, 30.0, 60.0))
    await lane.start()
    try:
        assert await lane.run(parent_pid) == zygote.pid != first
    finally:
        await lane.close(grace=0.0)
        zygote.close()


def environment_value(name: str) -> str | None:
    return os.environ.get(name)


async def test_a_template_that_cannot_be_started_again_is_tried_again_at_the_next_spawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    zygote = Zygote(load_this_module)
    try:
        os.kill(zygote.pid or 0, signal.SIGKILL)
        with monkeypatch.context() as patched:
            patched.setattr(sys, "executable", "/nonexistent/python")
            with pytest.raises(OSError):
                zygote.spawn(0)
        assert zygote.pid is None
        worker = zygote.spawn(0)
        assert is_running(worker.pid) and zygote.pid is not None
        worker.kill()
        worker.release()
    finally:
        zygote.close()


def test_a_warm_up_from_main_is_refused_at_once() -> None:
    def warm_up() -> None:
        return None

    warm_up.__module__ = "__main__"
    with pytest.raises(ValueError, match="__main__"):
        Zygote(warm_up)


async def test_a_template_whose_warm_up_fails_still_serves_workers() -> None:
    failing = functools.partial(importlib.import_module, "modul_yang_tidak_ada")
    zygote = Zygote(failing)
    lane = Lane("test", zygote, LaneLimits(1, 30.0, 60.0))
    await lane.start()
    try:
        assert await lane.run(parent_pid) == zygote.pid
    finally:
        await lane.close(grace=0.0)
        zygote.close()


async def test_the_template_and_its_workers_get_the_environment_they_are_given() -> None:
    zygote = Zygote(load_this_module, environment={"RINGKAS_UJI": "ya", "PATH": "/usr/bin"})
    copies = Lane("engine", zygote, LaneLimits(1, 30.0, 60.0))
    lean = Lane("light", zygote, LaneLimits(1, 30.0, 60.0, lean=True))
    await copies.start()
    await lean.start()
    try:
        assert await copies.run(environment_value, "RINGKAS_UJI") == "ya"
        assert await lean.run(environment_value, "RINGKAS_UJI") == "ya"
        assert await copies.run(environment_value, "HOME") is None
    finally:
        await lean.close(grace=0.0)
        await copies.close(grace=0.0)
        zygote.close()


STARTER = """
from service.zygote import Zygote

zygote = Zygote()
worker = zygote.spawn(0)
print(zygote.pid, worker.pid, flush=True)
input()
"""


async def test_the_template_and_its_workers_exit_when_their_starter_is_killed() -> None:
    project = str(Path(__file__).resolve().parents[2])
    starter = await asyncio.create_subprocess_exec(
        sys.executable, "-c", STARTER, cwd=project,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert starter.stdout is not None
    template, worker = map(int, (await starter.stdout.readline()).split())
    assert is_running(template) and is_running(worker)
    starter.kill()
    await starter.wait()
    assert await gone(template) and await gone(worker)


async def test_a_job_whose_worker_dies_is_tried_once_more_and_answered(tmp_path: Path) -> None:
    async with lane_of() as lane:
        marker = str(tmp_path / "crashed-once")
        assert await lane.run(crash_the_first_time, marker) == "survived"
        assert lane.crashes == 1


async def test_a_job_that_kills_every_worker_fails_and_the_lane_serves_on() -> None:
    async with lane_of() as lane:
        with pytest.raises(EngineCrashed):
            await lane.run(crash_always)
        assert await lane.run(nap, 0.0, "next") == "next"


async def test_work_that_cannot_be_pickled_fails_alone_and_the_lane_serves_on() -> None:
    async with lane_of(workers=1) as lane:
        with pytest.raises(TypeError, match="pickle"):
            await lane.run(nap, 0.0, threading.Lock())
        assert await lane.run(nap, 0.0, "next") == "next"
        assert lane.crashes == 0


async def test_a_job_past_its_deadline_is_abandoned_and_its_worker_killed() -> None:
    async with lane_of(deadline=0.5) as lane:
        stuck_worker = await lane.run(worker_pid)
        with pytest.raises(WorkTooSlow):
            await lane.run(hang)
        assert await gone(stuck_worker)
        assert await lane.run(nap, 0.0, "next") == "next"


async def test_a_worker_is_replaced_by_a_fresh_one_after_its_share_of_jobs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(service.workers, "JOBS_PER_WORKER", 2)
    async with lane_of() as lane:
        pids = [await lane.run(worker_pid) for _ in range(3)]
    assert pids[0] == pids[1] != pids[2]
    assert await gone(pids[0])


async def test_one_users_burst_waits_behind_another_users_single_job() -> None:
    finished: list[str] = []

    async def job(user: str, label: str) -> None:
        with acting_for(user):
            finished.append(await lane.run(nap, 0.05, label))

    async with lane_of(workers=1) as lane:
        burst = [asyncio.create_task(job("ayu", f"ayu-{n}")) for n in range(1, 6)]
        await asyncio.sleep(0)  # all five queued
        single = asyncio.create_task(job("budi", "budi-1"))
        await asyncio.gather(*burst, single)
    assert finished.index("budi-1") == 1  # right after the job that was already running


async def test_one_user_cannot_take_every_worker() -> None:
    finished: list[str] = []

    async def job(user: str, label: str, seconds: float) -> None:
        with acting_for(user):
            finished.append(await lane.run(nap, seconds, label))

    async with lane_of(workers=2) as lane:
        slow = [asyncio.create_task(job("ayu", f"ayu-{n}", 0.5)) for n in range(2)]
        await asyncio.sleep(0.1)
        await asyncio.gather(job("budi", "budi-1", 0.0), *slow)
    assert finished[0] == "budi-1"  # a worker was left for budi


async def test_new_work_that_would_wait_too_long_is_refused_at_once() -> None:
    users = ("ayu", "budi", "citra", "dewi", "eka", "fajar")
    async with lane_of(workers=1, max_queue_wait=1.75) as lane:
        await lane.run(nap, 0.5, "learn how long a nap takes")

        async def queued(user: str) -> str:
            with acting_for(user):
                return await lane.run(nap, 0.5, user)

        running = asyncio.create_task(queued(users[0]))
        await asyncio.sleep(0.05)
        waiting = [asyncio.create_task(queued(user)) for user in users[1:]]
        outcomes = await asyncio.gather(running, *waiting, return_exceptions=True)
    assert outcomes[:3] == ["ayu", "budi", "citra"]  # under 1.75 s of naps ahead: admitted
    refused = outcomes[-1]  # four naps (2 s) ahead at the least
    assert isinstance(refused, EngineBusy)
    assert refused.retry_seconds >= 30


async def test_admitted_work_still_queued_after_twice_the_limit_is_refused_then() -> None:
    async with lane_of(workers=1, max_queue_wait=0.25) as lane:
        with acting_for("ayu"):
            stuck = asyncio.create_task(lane.run(nap, 3.0, "long"))
        await asyncio.sleep(0.05)
        with acting_for("budi"), pytest.raises(EngineBusy):
            await asyncio.wait_for(lane.run(nap, 0.0, "short"), 2.0)
        stuck.cancel()


async def test_closing_refuses_queued_work_and_kills_running_work_after_the_grace() -> None:
    zygote = Zygote(load_this_module)
    lane = Lane("test", zygote, LaneLimits(1, 60.0, 60.0))
    await lane.start()
    stuck_worker = await lane.run(worker_pid)
    running = asyncio.create_task(lane.run(hang))
    await asyncio.sleep(0.1)
    with acting_for("budi"):
        queued = asyncio.create_task(lane.run(nap, 0.0, "never"))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await lane.close(grace=0.2)
    zygote.close()
    assert time.monotonic() - started < 3.0
    for work in (running, queued):
        with pytest.raises(ShuttingDown):
            await work
    assert await gone(stuck_worker)
    with pytest.raises(ShuttingDown):
        await lane.run(nap, 0.0, "after")


async def test_a_busy_worker_starts_its_next_job_without_waiting_for_the_event_loop() -> None:
    async with lane_of(workers=1) as lane:
        await lane.run(nap, 0.0, "warm")
        with acting_for("ayu"):
            first = asyncio.create_task(lane.run(nap, 0.2, "first"))
        with acting_for("budi"):
            second = asyncio.create_task(lane.run(clock))
        await asyncio.sleep(0.05)  # both sent: the second waits in the worker's channel
        time.sleep(1.0)  # the event loop is busy well past the end of the first job
        loop_free_at = time.time()
        assert await first == "first"
        started_at = await second
    assert started_at < loop_free_at


@pytest.mark.parametrize(
    ("lost_under", "deadline", "error", "crashes", "timeouts"),
    [(crash_always, 30.0, EngineCrashed, 2, 0), (hang, 1.0, WorkTooSlow, 0, 1)],
    ids=["crash", "deadline"],
)
async def test_a_job_sent_ahead_to_a_worker_then_lost_runs_elsewhere_and_is_no_crash(
    lost_under: Callable[[], None],
    deadline: float,
    error: type[Exception],
    crashes: int,
    timeouts: int,
) -> None:
    async with lane_of(workers=1, deadline=deadline) as lane:
        await lane.run(nap, 0.0, "warm")
        with acting_for("ayu"):
            losing = asyncio.create_task(lane.run(lost_under))
        with acting_for("budi"):
            behind = asyncio.create_task(lane.run(nap, 0.0, "budi"))
        assert await behind == "budi"
        with pytest.raises(error):
            await losing
    assert (lane.crashes, lane.timeouts) == (crashes, timeouts)  # none for budi's job


async def test_a_job_is_sent_ahead_to_the_worker_expected_to_finish_first() -> None:
    async with lane_of(workers=2) as lane:
        await lane.run(long_nap, 1.5)  # the lane learns how long each kind takes
        await lane.run(nap, 0.05, "short")
        with acting_for("ayu"):
            long_one = asyncio.create_task(lane.run(long_nap, 1.5))
        await asyncio.sleep(0.1)  # ayu's job started first
        with acting_for("budi"):
            short_one = asyncio.create_task(lane.run(nap, 0.2, "budi"))
        await asyncio.sleep(0.05)
        with acting_for("citra"):
            started_at = await lane.run(clock)
        long_done_at = await long_one
        await short_one
    assert started_at < long_done_at - 0.5  # behind budi's short job, not ayu's long one
