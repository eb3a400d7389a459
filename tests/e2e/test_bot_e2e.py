"""End to end: the real application, over HTTP, against a local fake Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from service import RateLimiter
from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi
from testkit.harness import running_bot, services_of
from testkit.news_site import NewsSite, saved_page


async def test_forwarded_article_gets_a_summary_with_buttons(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.private_text(sample_article, forward_from_chat="CNBC Indonesia")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "Ringkasan" in reply["text"]
    assert "Ketegangan yang terjadi antara Rusia dan Ukraina makin memuncak." in reply["text"]
    assert "Baca Juga" not in reply["text"]
    buttons = [b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert len(buttons) == 3


async def test_same_article_twice_is_answered_from_the_cache(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database) as application:
        first = api.private_text(sample_article)
        await api.wait_for_messages(first["chat"]["id"], 1)
        api.private_text(sample_article)
        replies = await api.wait_for_messages(first["chat"]["id"], 2)
        computations = services_of(application).digests.computations
    assert replies[0]["text"] == replies[1]["text"]
    assert computations == 1


@pytest_asyncio.fixture
async def news_site() -> AsyncIterator[str]:
    """A small news site on 127.0.0.1: one article page and one headline listing."""
    routes = {
        "/berita/artikel.html": saved_page("artikel-id.html"),
        "/indeks": saved_page("indeks-listing.html"),
    }
    async with NewsSite(routes, saved_pages=False) as site:
        yield site.base_url


async def test_ringkas_as_a_reply_in_a_group_summarizes_the_replied_message(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        article = api.group_text(sample_article, chat_id=-100777)
        api.command("/ringkas@ringkas_test_bot", chat_id=-100777, reply_to=article)
        [reply] = await api.wait_for_messages(-100777, 1)
    assert "Ringkasan" in reply["text"]
    assert reply["reply_to_message"]["message_id"] != article["message_id"]


async def test_fakta_lists_the_key_facts(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.command("/fakta " + sample_article)
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "Fakta kunci" in reply["text"]
    assert "102 warga sipil tewas dan 304 lainnya terluka" in reply["text"]


async def test_ringkas_with_a_length_gives_that_many_sentences(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.command("/ringkas 5 " + sample_article)
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    numbered = [
        line for line in reply["text"].splitlines() if line[:2] in {f"{n}." for n in range(10)}
    ]
    assert len(numbered) == 5


async def test_ringkas_without_anything_explains_how_to_use_it(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        sent = api.command("/ringkas")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "/ringkas" in reply["text"]
    assert reply.get("reply_markup") is None


async def test_short_chit_chat_gets_a_hint(api: FakeBotApi, bot_database: DatabaseLocation) -> None:
    async with running_bot(api, bot_database):
        sent = api.private_text("halo bot, apa kabar?")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "ringkas" in reply["text"].lower()


async def test_help_is_in_english_for_english_speaking_users(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        sent = api.command("/help", language_code="en")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "summarizes news" in reply["text"]
    assert "What is stored" in reply["text"]


async def test_command_menu_is_registered_in_indonesian_and_english(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        calls = api.calls_to("setMyCommands")
    languages = {call.params.get("language_code") for call in calls}
    assert languages == {None, "en"}


async def test_a_link_is_fetched_extracted_and_summarized(
    api: FakeBotApi, bot_database: DatabaseLocation, news_site: str
) -> None:
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(f"coba baca ini {news_site}/berita/artikel.html")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "Ringkasan" in reply["text"]
    assert "1." in reply["text"]
    assert (
        reply["link_preview_options"]["is_disabled"] is True
        if "link_preview_options" in reply
        else True
    )


async def test_a_listing_page_is_not_summarized(
    api: FakeBotApi, bot_database: DatabaseLocation, news_site: str
) -> None:
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(f"{news_site}/indeks")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "tidak tampak seperti artikel" in reply["text"]


async def test_loopback_links_are_refused_without_the_allow_list(
    api: FakeBotApi, bot_database: DatabaseLocation, news_site: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.private_text(f"{news_site}/berita/artikel.html")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "tidak bisa saya buka" in reply["text"]


async def test_a_very_long_article_is_split_into_messages_within_the_limit(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    sentence = (
        "Pemerintah daerah menyampaikan bahwa pembangunan jembatan baru di kawasan utara kota "
        "akan menelan biaya sekitar Rp 1,3 triliun dan diharapkan rampung dalam dua tahun, "
        "sementara warga diminta bersabar karena sebagian jalan akan ditutup selama pengerjaan "
        "berlangsung, kata juru bicara pemerintah kota kepada wartawan pada Senin (28/2) di "
        "Balai Kota yang dipenuhi oleh warga dan pejabat dari berbagai dinas terkait "
    )
    paragraphs = [f"{sentence}nomor {i} " * 3 + "." for i in range(40)]
    async with running_bot(api, bot_database):
        sent = api.command("/ringkas 10 " + "\n\n".join(paragraphs))
        replies = await api.wait_for_messages(sent["chat"]["id"], 2)
    assert all(len(reply["text"]) <= 4096 for reply in replies)
    assert replies[-1].get("reply_markup") is not None
    assert replies[0].get("reply_markup") is None


async def test_buttons_switch_to_facts_and_longer_summary_in_place(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.private_text(sample_article)
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
        buttons = [b for row in reply["reply_markup"]["inline_keyboard"] for b in row]
        api.callback(reply, buttons[0]["callback_data"])
        await api.wait_for("editMessageText")
        [facts_view] = api.sent_messages(sent["chat"]["id"])
        longer = [b for row in facts_view["reply_markup"]["inline_keyboard"] for b in row][1]
        second_press = len(api.calls)
        api.callback(facts_view, longer["callback_data"])
        await api.wait_for("editMessageText", start=second_press)
        [longer_view] = api.sent_messages(sent["chat"]["id"])
        answered = api.calls_to("answerCallbackQuery")
    assert "Fakta kunci" in facts_view["text"]
    assert "4." in longer_view["text"] and "5." not in longer_view["text"]
    assert len(answered) == 2


async def test_over_the_rate_limit_a_friendly_notice_then_the_answer(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database, rate_limit=RateLimiter(limit=2, period=2.0)):
        for _ in range(3):
            sent = api.private_text(sample_article)
        replies = await api.wait_for_messages(sent["chat"]["id"], 4)
    texts = [reply["text"] for reply in replies]
    assert sum("banyak sekaligus" in text for text in texts) == 1
    assert sum(text.startswith("Ringkasan") for text in texts) == 3


async def test_settings_survive_a_restart(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.command("/panjang 5")
        await api.wait_for_messages(sent["chat"]["id"], 1)
    async with running_bot(api, bot_database):
        api.private_text(sample_article)
        replies = await api.wait_for_messages(sent["chat"]["id"], 2)
    assert "5." in replies[1]["text"] and "6." not in replies[1]["text"]


async def test_an_unknown_command_in_private_gets_a_hint(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        sent = api.command("/apa")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "/help" in reply["text"]


async def test_identical_articles_arriving_together_are_computed_once(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database) as application:
        first = api.private_text(sample_article, user_id=2001)
        second = api.private_text(sample_article, user_id=2002)
        await api.wait_for_messages(first["chat"]["id"], 1)
        await api.wait_for_messages(second["chat"]["id"], 1)
        computations = services_of(application).digests.computations
    assert computations == 1


async def test_panjang_with_a_non_ascii_digit_gets_the_usage(
    api: FakeBotApi, bot_database: DatabaseLocation
) -> None:
    async with running_bot(api, bot_database):
        sent = api.command("/panjang ²")
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
    assert "/panjang N" in reply["text"]


async def test_an_edited_command_is_not_answered_again(
    api: FakeBotApi, bot_database: DatabaseLocation, sample_article: str
) -> None:
    async with running_bot(api, bot_database):
        sent = api.command("/ringkas " + sample_article)
        await api.wait_for_messages(sent["chat"]["id"], 1)
        api.inject_update({"edited_message": sent | {"edit_date": sent["date"] + 5}})
        api.private_text("/help")
        replies = await api.wait_for_messages(sent["chat"]["id"], 2)
    assert "Ringkasan" in replies[0]["text"]
    assert "Ringkasan" not in replies[1]["text"]
