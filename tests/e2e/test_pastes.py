"""Long pastes that Telegram clients split into several messages are answered once, whole."""

from __future__ import annotations

import pytest

from service import RateLimiter
from testkit.fake_bot_api import FakeBotApi
from testkit.fake_bot_api.incoming import split_like_client
from testkit.harness import running_bot, services_of
from tests.conftest import StorageTarget
from tests.e2e.articles import BANJIR, RATES


async def test_a_split_indonesian_paste_gets_one_summary_of_the_whole(
    api: FakeBotApi, storage_target: StorageTarget, sample_article: str
) -> None:
    article = BANJIR + "\n\n" + sample_article
    async with running_bot(api, storage_target.location) as application:
        parts = await api.paste_long_text(article)
        [reply] = await api.wait_for_messages(parts[0]["chat"]["id"], 1)
        await storage_target.updates_handled(len(parts))  # nothing else comes
        computations = services_of(application).digests.computations
    assert len(parts) == 2
    assert api.sent_messages(parts[0]["chat"]["id"]) == [reply]
    assert reply["reply_to_message"]["message_id"] == parts[0]["message_id"]
    assert reply["text"].startswith("Ringkasan")
    assert computations == 1
    record = services_of(application).habits.replies.get(1001, parts[-1]["message_id"])
    assert record is not None and record.paste is not None
    assert "Kampung Melayu" in record.paste.text and "Polandia" in record.paste.text


async def test_a_split_english_paste_gets_one_summary_in_english(
    api: FakeBotApi, storage_target: StorageTarget
) -> None:
    async with running_bot(api, storage_target.location):
        parts = await api.paste_long_text(RATES, language_code="en")
        [reply] = await api.wait_for_messages(parts[0]["chat"]["id"], 1)
        await storage_target.updates_handled(len(parts))
    assert len(parts) == 2
    assert reply["text"].startswith("Summary")
    assert len(api.sent_messages(parts[0]["chat"]["id"])) == 1


async def test_a_split_forwarded_post_is_joined_the_same_way(
    api: FakeBotApi, storage_target: StorageTarget, sample_article: str
) -> None:
    async with running_bot(api, storage_target.location):
        parts = await api.paste_long_text(
            BANJIR + "\n\n" + sample_article, forward_from_chat="Kabar Jakarta"
        )
        [reply] = await api.wait_for_messages(parts[0]["chat"]["id"], 1)
        await storage_target.updates_handled(len(parts))
    assert "forward_origin" in parts[1]
    assert len(api.sent_messages(parts[0]["chat"]["id"])) == 1
    assert reply["text"].startswith("Ringkasan")


async def test_a_split_forwarded_english_post_is_joined_the_same_way(
    api: FakeBotApi, storage_target: StorageTarget
) -> None:
    async with running_bot(api, storage_target.location):
        parts = await api.paste_long_text(
            RATES, forward_from_chat="Jakarta Markets Wire", language_code="en"
        )
        [reply] = await api.wait_for_messages(parts[0]["chat"]["id"], 1)
        await storage_target.updates_handled(len(parts))
    assert len(parts) == 2 and "forward_origin" in parts[1]
    assert len(api.sent_messages(parts[0]["chat"]["id"])) == 1
    assert reply["text"].startswith("Summary")


async def test_the_parts_count_once_against_the_rate_limit(
    api: FakeBotApi, storage_target: StorageTarget, sample_article: str
) -> None:
    async with running_bot(
        api, storage_target.location, rate_limit=RateLimiter(1, 60.0, max_wait=0.0)
    ):
        parts = await api.paste_long_text(BANJIR + "\n\n" + sample_article)
        [reply] = await api.wait_for_messages(parts[0]["chat"]["id"], 1)
        await storage_target.updates_handled(len(parts))
    assert reply["text"].startswith("Ringkasan")
    assert len(api.sent_messages(parts[0]["chat"]["id"])) == 1  # no "too many" note


@pytest.mark.parametrize(("language", "title"), [("id", "Ringkasan"), ("en", "Summary")])
async def test_a_part_delivered_after_the_answer_updates_the_same_reply(
    api: FakeBotApi, storage_target: StorageTarget, sample_article: str, language: str, title: str
) -> None:
    article = BANJIR + "\n\n" + sample_article if language == "id" else RATES
    first_part, second_part = split_like_client(article)
    async with running_bot(api, storage_target.location) as application:
        sent = api.private_text(first_part, language_code=language)
        # Telegram numbered and stamped the second part when it was sent, right after the
        # first, but delivers it to the bot only after the bot has answered.
        late = dict(sent, message_id=api._next_message_id(sent["chat"]["id"]), text=second_part)
        late.pop("entities", None)
        first = await api.wait_for("sendMessage")
        api.inject_update({"message": late})
        edited = await api.wait_for("editMessageText")
        await storage_target.updates_handled(2)
    [reply] = api.sent_messages(sent["chat"]["id"])
    assert edited.params["message_id"] == first.result["message_id"] == reply["message_id"]
    assert reply["text"].startswith(title)
    record = services_of(application).habits.replies.get(sent["chat"]["id"], sent["message_id"])
    assert record is not None and record.paste is not None
    assert second_part.strip()[-30:] in record.paste.text  # the late part, summarized too


async def test_a_short_first_part_is_still_joined_with_the_next(
    api: FakeBotApi, storage_target: StorageTarget
) -> None:
    # A client may cut anywhere after half the limit: here a 2,600-character first part,
    # which the bot does not wait after (most such messages are whole articles).
    cut = BANJIR.rfind("\n\n", 0, 2700)
    async with running_bot(api, storage_target.location) as application:
        sent = api.private_text(BANJIR[:cut], language_code="en")
        api.private_text(BANJIR[cut:].strip(), language_code="en")
        await api.wait_for("sendMessage")
        await storage_target.updates_handled(2)
    [reply] = api.sent_messages(sent["chat"]["id"])
    assert reply["text"].startswith("Summary")
    record = services_of(application).habits.replies.get(sent["chat"]["id"], sent["message_id"])
    assert record is not None and record.paste is not None
    assert record.paste.text == BANJIR


async def test_two_articles_pasted_one_after_the_other_are_answered_separately(
    api: FakeBotApi, storage_target: StorageTarget, sample_article: str
) -> None:
    async with running_bot(api, storage_target.location):
        first = api.private_text(BANJIR[:3000])
        await api.wait_for_messages(first["chat"]["id"], 1)
        second = api.private_text(sample_article)
        replies = await api.wait_for_messages(first["chat"]["id"], 2)
    assert [r["reply_to_message"]["message_id"] for r in replies] == [
        first["message_id"],
        second["message_id"],
    ]


async def test_a_part_edited_before_the_answer_is_summarized_with_the_paste_once(
    api: FakeBotApi, storage_target: StorageTarget, sample_article: str
) -> None:
    first_part, second_part = split_like_client(BANJIR + "\n\n" + sample_article)
    edited_part = second_part.replace("Polandia", "Polandia dan Hungaria", 1)
    async with running_bot(
        api, storage_target.location, paste_join_window_seconds=3.0
    ) as application:
        sent = api.private_text(first_part)
        part = api.private_text(second_part)
        api.edit_text(part, edited_part)
        await api.wait_for("sendMessage")
        await storage_target.updates_handled(3)
    [reply] = api.sent_messages(sent["chat"]["id"])
    assert reply["reply_to_message"]["message_id"] == sent["message_id"]
    record = services_of(application).habits.replies.get(sent["chat"]["id"], part["message_id"])
    assert record is not None and record.paste is not None
    assert "Polandia dan Hungaria" in record.paste.text


async def test_a_part_uploaded_after_the_answer_still_updates_the_same_reply(
    api: FakeBotApi, storage_target: StorageTarget, sample_article: str
) -> None:
    first_part, second_part = split_like_client(BANJIR + "\n\n" + sample_article)
    async with running_bot(api, storage_target.location) as application:
        sent = api.private_text(first_part)
        first = await api.wait_for("sendMessage")
        await storage_target.updates_handled(1)
        # On a slow link the second part reaches Telegram after the bot's answer: it is
        # numbered after that answer, not right after the first part.
        late = api.private_text(second_part)
        edited = await api.wait_for("editMessageText")
        await storage_target.updates_handled(2)
    assert late["message_id"] == first.result["message_id"] + 1
    [reply] = api.sent_messages(sent["chat"]["id"])
    assert edited.params["message_id"] == reply["message_id"]
    record = services_of(application).habits.replies.get(sent["chat"]["id"], sent["message_id"])
    assert record is not None and record.paste is not None
    assert "Polandia" in record.paste.text


async def test_a_whole_long_article_is_remembered_by_its_reply_not_its_text(
    api: FakeBotApi, storage_target: StorageTarget, sample_article: str
) -> None:
    async with running_bot(api, storage_target.location) as application:
        sent = api.private_text(sample_article)
        [reply] = await api.wait_for_messages(sent["chat"]["id"], 1)
        await storage_target.updates_handled(1)
    record = services_of(application).habits.replies.get(sent["chat"]["id"], sent["message_id"])
    assert record is not None and record.signature is not None
    assert record.paste is None and record.replies == [reply["message_id"]]


async def test_an_article_edited_after_its_answer_is_joined_by_its_late_part_as_edited(
    api: FakeBotApi, storage_target: StorageTarget, sample_article: str
) -> None:
    first_part, second_part = split_like_client(BANJIR + "\n\n" + sample_article)
    edited_part = first_part.replace("Kampung Melayu", "Kampung Melayu dan Bidara Cina", 1)
    async with running_bot(api, storage_target.location) as application:
        sent = api.private_text(first_part)
        first = await api.wait_for("sendMessage")
        await storage_target.updates_handled(1)
        api.edit_text(sent, edited_part)
        await api.wait_for("editMessageText")
        await storage_target.updates_handled(2)
        calls_before = len(api.calls)
        api.private_text(second_part)  # uploaded slowly: numbered after the answer
        await api.wait_for("editMessageText", start=calls_before)
        await storage_target.updates_handled(3)
    [reply] = api.sent_messages(sent["chat"]["id"])
    assert reply["message_id"] == first.result["message_id"]
    record = services_of(application).habits.replies.get(sent["chat"]["id"], sent["message_id"])
    assert record is not None and record.paste is not None
    assert "Bidara Cina" in record.paste.text and "Polandia" in record.paste.text
