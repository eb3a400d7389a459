"""Group commit: writes asked for together are made together, and each caller waits for its own."""

import asyncio

import pytest

from storage.group_writes import GroupWrite


class Recorder:
    """A write that takes a moment, recording each batch it was given."""

    def __init__(self, *, fail_first: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.fail_first = fail_first
        self.release = asyncio.Event()
        self.release.set()

    async def write(self, batch: list[int]) -> None:
        self.batches.append(batch)
        await self.release.wait()
        if self.fail_first and len(self.batches) == 1:
            raise RuntimeError("disk on fire")


async def test_marks_asked_for_together_are_written_in_one_write() -> None:
    recorder = Recorder()
    group = GroupWrite(recorder.write)
    await asyncio.gather(*(group.add(update_id) for update_id in (5001, 5002, 5003)))
    assert recorder.batches == [[5001, 5002, 5003]]


async def test_marks_that_arrive_during_a_write_share_the_next_one() -> None:
    recorder = Recorder()
    recorder.release.clear()
    group = GroupWrite(recorder.write)
    first = asyncio.ensure_future(group.add(5001))
    while not recorder.batches:
        await asyncio.sleep(0)
    later = [asyncio.ensure_future(group.add(update_id)) for update_id in (5002, 5003)]
    await asyncio.sleep(0.01)
    assert not first.done() and not any(task.done() for task in later)
    recorder.release.set()
    await asyncio.gather(first, *later)
    assert recorder.batches == [[5001], [5002, 5003]]


async def test_a_failed_write_is_reported_to_its_callers_and_the_next_batch_still_goes() -> None:
    recorder = Recorder(fail_first=True)
    recorder.release.clear()
    group = GroupWrite(recorder.write)
    first = asyncio.ensure_future(group.add(5001))
    while not recorder.batches:
        await asyncio.sleep(0)
    later = asyncio.ensure_future(group.add(5002))
    recorder.release.set()
    with pytest.raises(RuntimeError, match="disk on fire"):
        await first
    await later
    assert recorder.batches == [[5001], [5002]]


async def test_with_spacing_marks_arriving_soon_after_a_write_wait_to_share_the_next():
    recorder = Recorder()
    group = GroupWrite(recorder.write, spacing=0.3)
    await asyncio.gather(group.add(5000), group.add(5001))  # at once: others are writing
    arriving = []
    for update_id in (5002, 5003, 5004):
        arriving.append(asyncio.ensure_future(group.add(update_id)))
        await asyncio.sleep(0.05)
    await asyncio.gather(*arriving)
    assert recorder.batches == [[5000, 5001], [5002, 5003, 5004]]


async def test_with_spacing_one_callers_marks_one_after_another_are_each_written_at_once():
    recorder = Recorder()
    group = GroupWrite(recorder.write, spacing=0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for update_id in (5001, 5002, 5003):  # a reply noted, then its chat, then its answer
        await group.add(update_id)
    assert loop.time() - started < 0.2  # not 0.6: nobody else's writes to wait for
    assert recorder.batches == [[5001], [5002], [5003]]


async def test_with_spacing_a_mark_after_a_quiet_spell_is_written_at_once():
    recorder = Recorder()
    group = GroupWrite(recorder.write, spacing=0.3)
    await group.add(5001)
    await asyncio.sleep(0.4)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await group.add(5002)
    assert loop.time() - started < 0.2  # not held for the spacing
    assert recorder.batches == [[5001], [5002]]


def test_a_mark_pending_when_its_loop_ended_does_not_break_the_next_loop():
    written: list[list[int]] = []

    async def write(batch: list[int]) -> None:
        written.append(batch)

    group = GroupWrite(write)
    callers: list[asyncio.Future[None]] = []

    async def ends_with_a_mark_pending() -> None:
        callers.append(asyncio.ensure_future(group.add(5001)))
        await asyncio.sleep(0)  # the writer task exists, still at its first sleep(0)

    asyncio.run(ends_with_a_mark_pending())  # asyncio.run cancels the writer there

    async def next_loop() -> None:
        await asyncio.wait_for(group.add(5002), 2)

    asyncio.run(next_loop())  # RuntimeError: a Future attached to a different loop
    assert [5002] in written or [5001, 5002] in written


async def test_draining_writes_what_waits_in_a_pause_at_once():
    recorder = Recorder()
    group = GroupWrite(recorder.write, spacing=5.0)
    await asyncio.gather(group.add(5000), group.add(5001))
    waiting = asyncio.ensure_future(group.add(5002))  # would wait out the 5 s pause
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await asyncio.wait_for(group.drain(), 1.0)
    assert waiting.done()
    assert recorder.batches == [[5000, 5001], [5002]]
