"""Durable receipt of updates and the record of replies sent, on both backends."""

import asyncio
import json

import pytest

from storage import PendingUpdate, Receipt, Storage

HOUR = 3600.0
DAY = 24 * HOUR


def update_json(update_id: int, text: str) -> str:
    """An update as Telegram sends it (a private message)."""
    return json.dumps(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id - 5000,
                "date": 1_700_000_000,
                "chat": {"id": 42, "type": "private", "first_name": "Sari"},
                "from": {"id": 42, "is_bot": False, "first_name": "Sari"},
                "text": text,
            },
        },
        ensure_ascii=False,
    )


@pytest.fixture
async def storage(storage_target, clock):
    opened = await storage_target.open(clock=clock)
    yield opened
    await opened.close()


ARTICLE = "Harga beras di Jakarta naik 5 persen pekan ini, kata Badan Pangan Nasional."


async def test_a_recorded_update_is_pending_until_answered(storage, clock):
    payload = update_json(5001, ARTICLE)
    assert await storage.record_update(5001, payload) is Receipt.NEW
    assert await storage.pending_updates(max_age_seconds=DAY) == [
        PendingUpdate(5001, payload, clock.now)
    ]
    await storage.mark_update_done(5001)
    assert await storage.pending_updates(max_age_seconds=DAY) == []


async def test_recording_the_same_update_twice_says_it_is_known(storage):
    await storage.record_update(5001, update_json(5001, ARTICLE))
    assert await storage.record_update(5001, update_json(5001, ARTICLE)) is Receipt.KNOWN


async def test_an_update_answered_before_is_known_when_delivered_again(storage):
    await storage.record_update(5001, update_json(5001, ARTICLE))
    await storage.mark_update_done(5001)
    assert await storage.record_update(5001, update_json(5001, ARTICLE)) is Receipt.KNOWN


async def test_pending_updates_survive_a_restart_in_update_order(storage_target, clock):
    before_crash = await storage_target.open(clock=clock)
    for update_id in (5003, 5001, 5002):
        await before_crash.record_update(update_id, update_json(update_id, ARTICLE))
    await before_crash.mark_update_done(5002)
    await before_crash.close()

    after_restart = await storage_target.open(clock=clock)
    pending = await after_restart.pending_updates(max_age_seconds=DAY)
    await after_restart.close()
    assert [update.update_id for update in pending] == [5001, 5003]
    assert json.loads(pending[0].payload)["message"]["text"] == ARTICLE


async def test_updates_older_than_the_age_are_not_pending(storage, clock):
    await storage.record_update(5001, update_json(5001, ARTICLE))
    clock.now += HOUR
    await storage.record_update(5002, update_json(5002, ARTICLE))
    clock.now += 30
    pending = await storage.pending_updates(max_age_seconds=HOUR)
    assert [update.update_id for update in pending] == [5002]


async def test_an_answered_update_keeps_no_message_text(storage, storage_target):
    await storage.record_update(5001, update_json(5001, ARTICLE))
    await storage.mark_update_done(5001)
    rows = await storage_target.query("SELECT * FROM update_receipts")
    assert len(rows) == 1
    assert not [value for value in rows[0] if ARTICLE in str(value)]


async def test_the_raw_update_is_stored_exactly_as_received(storage, storage_target):
    payload = update_json(5001, "Rupiah melemah ke Rp16.250 per dolar AS 😟")
    await storage.record_update(5001, payload)
    assert await storage_target.query("SELECT payload FROM update_receipts") == [(payload,)]


async def test_receipts_older_than_the_age_are_purged_done_or_not(storage, clock, storage_target):
    await storage.record_update(5001, update_json(5001, ARTICLE))
    await storage.record_update(5002, update_json(5002, ARTICLE))
    await storage.mark_update_done(5002)
    await storage.note_reply_sent(5002, 0, 901)
    clock.now += DAY
    await storage.record_update(5003, update_json(5003, ARTICLE))
    clock.now += 1

    assert await storage.purge_updates(max_age_seconds=DAY) == 3
    assert await storage_target.query("SELECT update_id FROM update_receipts") == [(5003,)]
    assert await storage.sent_replies(5002) == {}


async def test_replies_sent_are_remembered_per_update_and_part(storage):
    await storage.record_update(5001, update_json(5001, ARTICLE))
    await storage.note_reply_sent(5001, 0, 901)
    await storage.note_reply_sent(5001, 1, 902)
    await storage.note_reply_sent(5002, 0, 903)
    assert await storage.sent_replies(5001) == {0: 901, 1: 902}
    assert await storage.sent_replies(5002) == {0: 903}
    assert await storage.sent_replies(5003) == {}


async def test_a_part_noted_twice_keeps_the_first_message_id(storage):
    await storage.note_reply_sent(5001, 0, 901)
    await storage.note_reply_sent(5001, 0, 950)
    assert await storage.sent_replies(5001) == {0: 901}


async def test_sent_replies_survive_a_restart(storage_target):
    before_crash = await storage_target.open()
    await before_crash.record_update(5001, update_json(5001, ARTICLE))
    await before_crash.note_reply_sent(5001, 0, 901)
    await before_crash.close()
    after_restart = await storage_target.open()
    assert await after_restart.sent_replies(5001) == {0: 901}
    await after_restart.close()


async def test_without_a_database_receipts_say_unsaved(tmp_path):
    blocked = tmp_path / "file-not-directory"
    blocked.write_text("")
    storage = await Storage.open(blocked / "ringkas.db", busy_timeout_ms=1000)
    assert await storage.record_update(5001, update_json(5001, ARTICLE)) is Receipt.UNSAVED
    assert await storage.pending_updates(max_age_seconds=DAY) == []
    assert await storage.sent_replies(5001) == {}
    await storage.close()


async def test_a_batch_is_recorded_at_once_and_an_id_sent_twice_counts_once(storage):
    first, second = update_json(5011, ARTICLE), update_json(5012, ARTICLE)
    batch = [(5011, first), (5012, second), (5011, first)]
    assert await storage.record_updates(batch) == [Receipt.NEW, Receipt.NEW, Receipt.KNOWN]
    assert await storage.record_updates(batch[:2]) == [Receipt.KNOWN, Receipt.KNOWN]
    pending = await storage.pending_updates(max_age_seconds=DAY)
    assert [(p.update_id, p.payload) for p in pending] == [(5011, first), (5012, second)]


async def test_updates_answered_at_the_same_time_are_all_marked_done(storage):
    for update_id in (5021, 5022, 5023):
        await storage.record_update(update_id, update_json(update_id, ARTICLE))
    await asyncio.gather(*(storage.mark_update_done(u) for u in (5021, 5022, 5023, 5022)))
    assert await storage.pending_updates(max_age_seconds=DAY) == []
    assert await storage.record_update(5022, update_json(5022, ARTICLE)) is Receipt.KNOWN


async def test_parts_delivered_at_the_same_time_are_all_remembered_first_id_kept(storage):
    await asyncio.gather(
        storage.note_reply_sent(5031, 0, 911),
        storage.note_reply_sent(5031, 1, 912),
        storage.note_reply_sent(5031, 0, 990),  # a retry's copy: the first id stays
        storage.note_reply_sent(5032, 0, 913),
    )
    assert await storage.sent_replies(5031) == {0: 911, 1: 912}
    assert await storage.sent_replies(5032) == {0: 913}


async def test_everything_an_answer_notes_at_once_lands_together(storage):
    """A cache entry, the chat served, the part delivered, the update done and the answer for
    edits, handed over in one turn: one group commit writes them all."""
    await storage.record_update(5101, update_json(5101, ARTICLE))
    await asyncio.gather(
        storage.put_cached("digest:beras", "Harga beras naik 5 persen.", 3600.0),
        storage.note_chat_served(42),
        storage.note_reply_sent(5101, 0, 777),
        storage.mark_update_done(5101),
        storage.note_answered(42, 101, "sig-beras", [777], 3600.0),
    )
    assert await storage.get_cached("digest:beras") == "Harga beras naik 5 persen."
    assert (await storage.stats()).chats_served == 1
    assert await storage.sent_replies(5101) == {0: 777}
    assert await storage.pending_updates(HOUR) == []
    noted = await storage.answered_message(42, 101)
    assert noted is not None and noted.replies == (777,)


async def test_closing_writes_the_notes_a_spaced_group_commit_holds(storage_target, clock):
    storage = await storage_target.open(clock=clock, write_spacing_seconds=5.0)
    await storage.record_update(5201, update_json(5201, ARTICLE))
    await asyncio.gather(  # written at once, together: others are writing
        storage.put_cached("digest:cabai", "Harga cabai naik.", 3600.0),
        storage.put_cached("digest:bawang", "Harga bawang turun.", 3600.0),
    )
    done = asyncio.ensure_future(storage.mark_update_done(5201))  # held by the 5 s spacing
    await asyncio.sleep(0.05)
    assert not done.done()
    await asyncio.wait_for(storage.close(), 2.0)
    assert done.done()
    reopened = await storage_target.open(clock=clock)
    assert await reopened.pending_updates(HOUR) == []
    await reopened.close()
