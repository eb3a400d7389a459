"""The per-user limit as people meet it: reading is free, a burst is paced, abuse is bounded."""

from __future__ import annotations

from service import RateLimiter
from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import running_bot, services_of
from tests.conftest import StorageTarget
from tests.e2e.articles import RATES


def variants(article: str, count: int) -> list[str]:
    """`count` different articles (the cache must not answer them all at once), each short
    enough not to look like a part of a split long paste."""
    short = "\n\n".join(article.split("\n\n")[:5])
    return [f"Artikel nomor {n}. " + short.replace("Rusia", f"Rusia ({n})") for n in range(count)]


def callback_data(message: dict) -> list[str]:  # type: ignore[type-arg]
    return [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def test_button_presses_do_not_use_up_the_limit_for_articles(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    first, second = variants(sample_article, 2)
    async with running_bot(api, bot_database, rate_limit=RateLimiter(2, 60.0)):
        sent = api.private_text(first)
        [_reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
        for _ in range(9):
            current = api.sent_messages(sent["chat"]["id"])[0]
            api.callback(current, callback_data(current)[-1])  # longer/shorter, back and forth
            await api.wait_for("answerCallbackQuery", start=len(api.calls))
        alerts = [c for c in api.calls_to("answerCallbackQuery") if c.params.get("text")]
        api.private_text(second)
        replies = await api.wait_for_messages(sent["chat"]["id"], 2)
    assert alerts == []
    assert replies[1]["text"].startswith("Ringkasan")


async def test_button_presses_in_english_do_not_use_up_the_limit_either(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    short = "\n\n".join(RATES.split("\n\n")[:5])
    first, second = short, short.replace("6 percent", "6.25 percent")
    async with running_bot(api, bot_database, rate_limit=RateLimiter(2, 60.0)):
        sent = api.private_text(first, language_code="en")
        await api.wait_for_messages(sent["chat"]["id"], 1)
        for _ in range(9):
            current = api.sent_messages(sent["chat"]["id"])[0]
            api.callback(current, callback_data(current)[-1], language_code="en")
            await api.wait_for("answerCallbackQuery", start=len(api.calls))
        alerts = [c for c in api.calls_to("answerCallbackQuery") if c.params.get("text")]
        api.private_text(second, language_code="en")
        replies = await api.wait_for_messages(sent["chat"]["id"], 2)
    assert alerts == []
    assert replies[1]["text"].startswith("Summary")


async def test_a_burst_over_the_limit_gets_one_notice_and_every_answer(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    articles = variants(sample_article, 5)
    async with running_bot(api, bot_database, rate_limit=RateLimiter(3, 2.0)):
        for article in articles:
            sent = api.private_text(article)
        replies = await api.wait_for_messages(sent["chat"]["id"], 6, timeout=20)
    texts = [reply["text"] for reply in replies]
    assert sum("banyak sekaligus" in text for text in texts) == 1
    assert sum(text.startswith("Ringkasan") for text in texts) == 5


async def test_a_burst_in_english_gets_one_english_notice(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    limiter = RateLimiter(1, 1.0, max_wait=10.0)
    async with running_bot(api, bot_database, rate_limit=limiter):
        for article in variants(sample_article, 3):
            sent = api.private_text(article, language_code="en")
        replies = await api.wait_for_messages(sent["chat"]["id"], 4, timeout=20)
    notices = [r["text"] for r in replies if "I will work through the rest" in r["text"]]
    assert len(notices) == 1
    assert sum(r["text"].startswith("Summary") for r in replies) == 3


async def test_what_cannot_wait_is_named_in_one_message(
    api: FakeBotApi,
    storage_target: StorageTarget,
    sample_article: str,
) -> None:
    # On PostgreSQL each handler first awaits the connection pool, which answers in any
    # order: the burst must still be admitted in the order it was sent (service.turns).
    articles = variants(sample_article, 5)
    limiter = RateLimiter(2, 60.0, max_wait=0.0)
    async with running_bot(api, storage_target.location, rate_limit=limiter):
        for article in articles:
            sent = api.private_text(article)
        replies = await api.wait_for_messages(sent["chat"]["id"], 3)
        await storage_target.updates_handled(len(articles))  # nothing more comes
        replies = api.sent_messages(sent["chat"]["id"])
    [note] = [r["text"] for r in replies if "Terlalu banyak sekaligus" in r["text"]]
    assert len(replies) == 3
    for number in (2, 3, 4):
        assert f"Artikel nomor {number}." in note
    assert "Artikel nomor 0." not in note


async def test_one_user_bursting_cannot_crowd_out_another(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    limiter = RateLimiter(2, 60.0, max_wait=0.0)
    async with running_bot(api, bot_database, rate_limit=limiter) as application:
        for article in variants(sample_article, 8):
            api.private_text(article, user_id=2001)
        await api.wait_for_messages(2001, 2)
        other = api.private_text(sample_article, user_id=2002)
        [answer] = await api.wait_for_messages(2002, 1)
        computations = services_of(application).digests.computations
    assert answer["reply_to_message"]["message_id"] == other["message_id"]
    assert computations == 3  # two of the burst (the rest is skipped), one for 2002
