"""The load driver's plan and its bookkeeping: answers counted per request, repeats classified,
and the bot's whole process tree found."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time

from testkit.fake_bot_api import RecordedCall
from testkit.load.analysis import CACHED, REPEAT_IN_FLIGHT, collect_outcomes
from testkit.load.driver import Injected
from testkit.load.procfs import process_tree
from testkit.load.workload import (
    CACHED_PROBE,
    HELP,
    HUMAN_GAP_SECONDS,
    SPLIT,
    Mix,
    PlannedMessage,
    Planner,
    build_plan,
    chats_for,
)
from testkit.news_site import NewsSite

PARAGRAPHS = [
    "Pemerintah Kota Bandung mulai menguji coba bus listrik di jalur Dago pada Senin pagi.",
    "Sepuluh armada melayani penumpang dari terminal hingga kawasan kampus setiap hari.",
    "Wali kota mengatakan uji coba berlangsung selama tiga bulan sebelum diputuskan.",
    "Warga menyambut baik layanan baru itu karena tarifnya sama dengan angkutan kota.",
]
ARTICLES = ["\n\n".join(PARAGRAPHS[n:] + PARAGRAPHS[:n]) * 3 for n in range(4)]
KEYBOARD = {"inline_keyboard": [[{"text": "Fakta", "callback_data": "f:1"}]]}


def mix(**shares: float) -> Mix:
    values = dict.fromkeys(("new", "repeat", "long", "link", "split", "document"), 0.0)
    values.update(shares)
    return Mix(**values, link_repeat=0.0, repeat_gap=0.0, long_range=(2000, 3000),
               split_range=(9000, 12000), split_gap=0.3)  # fmt: skip


def reply(chat_id: int, message_id: int, at: float, *, keyboard: bool = True) -> RecordedCall:
    params = {
        "chat_id": chat_id,
        "text": "Ringkasan",
        "reply_parameters": {"message_id": message_id},
    }
    if keyboard:
        params["reply_markup"] = KEYBOARD
    return RecordedCall("sendMessage", params, at, 200, {"ok": True})


def request(index: int, kind: str, message_ids: list[int], at: float, first: int | None = None):
    planned = PlannedMessage(index, 0.0, 7001, kind, ("teks",) * len(message_ids), "x", first)
    return Injected(planned, 7001, message_ids, at, at + 0.6 * (len(message_ids) - 1), 0.0)


def test_a_split_paste_answered_once_is_one_answer_and_per_part_is_three() -> None:
    once = request(0, SPLIT, [1, 2, 3], at=100.0)
    per_part = request(1, SPLIT, [5, 6, 7], at=100.0)
    calls = [reply(7001, 3, 102.0)] + [reply(7001, m, 101.0) for m in (5, 6, 7)]

    first, second = collect_outcomes(calls, [once, per_part])

    assert (first.answers, second.answers) == (1, 3)
    assert round(first.latency_ms) == 800  # from the last part (sent at 101.2 s)


def test_summary_parts_before_the_keyboard_are_one_answer_and_an_extra_note_another() -> None:
    item = request(0, "new", [1], at=100.0)
    calls = [reply(7001, 1, 101.0, keyboard=False), reply(7001, 1, 101.1),
             reply(7001, 1, 101.2, keyboard=False)]  # fmt: skip

    [outcome] = collect_outcomes(calls, [item])

    assert outcome.answers == 2


def test_a_repeat_is_cached_only_when_its_first_was_answered_before_it_was_sent() -> None:
    first = request(0, "new", [1], at=100.0)
    after = request(1, "repeat", [2], at=103.0, first=0)
    during = request(2, "repeat", [3], at=101.0, first=0)
    calls = [reply(7001, 1, 102.0), reply(7001, 2, 103.1), reply(7001, 3, 102.1)]

    _, cached, in_flight = collect_outcomes(calls, [first, after, during])

    assert (cached.bucket, in_flight.bucket) == (CACHED, REPEAT_IN_FLIGHT)


def test_a_repeat_of_an_earlier_steps_article_is_cached() -> None:
    repeat = request(9, "repeat", [4], at=200.0, first=3)

    [outcome] = collect_outcomes([reply(7001, 4, 200.1)], [repeat], earlier={3: 150.0})

    assert outcome.bucket == CACHED


def test_the_plan_sends_round_robin_at_the_rate_with_probes_and_client_split_pastes() -> None:
    site = NewsSite(saved_pages=False)  # not started: a plan without links needs no URL
    planner = Planner(mix(new=0.5, split=0.5), ARTICLES, site, [], seed=7)
    warm = planner.warm_up(8_000_099)

    plan = build_plan(40, 10.0, 4, planner, probe_every=1.0, warm=warm)

    mix_requests = [p for p in plan if not p.is_probe]
    assert [p.offset for p in mix_requests[:3]] == [0.0, 0.1, 0.2]
    assert {p.chat_id for p in mix_requests} == {7_000_001, 7_000_002, 7_000_003, 7_000_004}
    splits = [p for p in mix_requests if p.kind == SPLIT]
    assert splits and all(len(p.parts) >= 3 and max(map(len, p.parts)) <= 4096 for p in splits)
    probes = [p.kind for p in plan if p.is_probe]
    assert probes.count(HELP) == probes.count(CACHED_PROBE) == 4
    assert all(p.content == warm.content for p in plan if p.kind == CACHED_PROBE)


def test_the_process_tree_includes_grandchildren() -> None:
    script = "import subprocess; subprocess.Popen(['sh', '-c', 'sleep 30 & wait']).wait()"
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 10
        while len(process_tree(parent.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        tree = process_tree(parent.pid)
    finally:
        for pid in reversed(process_tree(parent.pid)):
            # Killing `sleep` ends `sh`, which its parent may reap before its turn comes.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)
        parent.wait()

    assert tree[0] == parent.pid
    assert len(tree) == 3


def test_each_chat_sends_its_articles_further_apart_than_a_split_paste() -> None:
    chats = chats_for(rate=70, chats=200, per_minute=8)
    seconds_between_a_chats_messages = chats / 70
    assert seconds_between_a_chats_messages >= HUMAN_GAP_SECONDS
