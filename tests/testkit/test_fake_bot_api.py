"""The fake Bot API behaves like Telegram for a real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from testkit.fake_bot_api import FakeBotApi
from testkit.fake_bot_api.incoming import detect_entities
from tests.conftest import telegram_client

REPO_ROOT = Path(__file__).resolve().parents[2]
USER_ID = 1001


@pytest.fixture
def chat_id(fake_bot_api: FakeBotApi) -> int:
    """A private chat the bot may write to: the user has written to it first."""
    return fake_bot_api.private_text("halo", user_id=USER_ID)["chat"]["id"]


def keyboard(callback_data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("Ringkas lagi", callback_data=callback_data)]]
    )


async def test_get_me_describes_the_configured_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (123456, "ringkas_test_bot", True)


async def test_html_message_is_stored_with_visible_text_entities_and_markup(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int
) -> None:
    sent = await bot.send_message(
        chat_id,
        "<b>Ringkasan</b> &amp; <a href='https://kompas.com/a'>sumber</a>",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard("more:1"),
    )

    assert sent.text == "Ringkasan & sumber"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        (MessageEntity.BOLD, 0, 9),
        (MessageEntity.TEXT_LINK, 12, 6),
    ]
    [stored] = fake_bot_api.sent_messages(chat_id)
    assert stored["message_id"] == sent.message_id
    assert stored["parse_mode"] == "HTML"
    assert stored["raw_text"].startswith("<b>Ringkasan</b>")
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "more:1"


@pytest.mark.parametrize(
    "html",
    ["<b>tebal</i>", "baris<br>baru", "harga a < b", "<b>tidak ditutup", "<span>x</span>"],
)
async def test_malformed_html_is_refused_like_telegram(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int, html: str
) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(chat_id, html, parse_mode=ParseMode.HTML)

    assert fake_bot_api.sent_messages(chat_id) == []


async def test_lone_ampersand_and_unknown_entity_stay_literal_in_html(
    bot: Bot, chat_id: int
) -> None:
    sent = await bot.send_message(chat_id, "Untung & rugi&nbsp;", parse_mode=ParseMode.HTML)

    assert sent.text == "Untung & rugi&nbsp;"


async def test_limit_counts_visible_characters_after_html_parsing(bot: Bot, chat_id: int) -> None:
    visible = "&amp;" + "a" * 4095

    sent = await bot.send_message(chat_id, f"<b>{visible}</b>", parse_mode=ParseMode.HTML)

    assert len(sent.text) == 4096


async def test_text_over_4096_characters_is_too_long(bot: Bot, chat_id: int) -> None:
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(chat_id, "a" * 4097)


async def test_whitespace_only_text_is_empty(bot: Bot, chat_id: int) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(chat_id, "<b> </b>\n", parse_mode=ParseMode.HTML)


@pytest.mark.parametrize("parse_mode", [ParseMode.MARKDOWN_V2, ParseMode.MARKDOWN])
async def test_markdown_is_refused_because_the_bot_only_sends_html(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int, parse_mode: str
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)parses only html"):
        await bot.send_message(chat_id, "*Ringkasan* selesai\\.", parse_mode=parse_mode)

    assert fake_bot_api.sent_messages(chat_id) == []


async def test_edit_updates_the_stored_message(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int
) -> None:
    sent = await bot.send_message(chat_id, "Memproses...", reply_markup=keyboard("cancel"))

    edited = await bot.edit_message_text(
        "<i>Selesai</i>", chat_id, sent.message_id, parse_mode="HTML"
    )

    [stored] = fake_bot_api.sent_messages(chat_id)
    assert (stored["text"], stored["entities"][0]["type"]) == ("Selesai", "italic")
    assert "reply_markup" not in stored  # an edit without markup drops the keyboard
    assert edited.edit_date is not None


async def test_edit_with_same_text_and_markup_is_not_modified(bot: Bot, chat_id: int) -> None:
    sent = await bot.send_message(chat_id, "Ringkasan", reply_markup=keyboard("more:1"))

    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "Ringkasan", chat_id, sent.message_id, reply_markup=keyboard("more:1")
        )


async def test_user_messages_cannot_be_edited(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    message = fake_bot_api.private_text("artikel saya")

    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("diubah", message["chat"]["id"], message["message_id"])


async def test_injected_429_surfaces_as_retry_after_then_recovers(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int
) -> None:
    fake_bot_api.fail_next("sendMessage", retry_after=3)

    with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
        await bot.send_message(chat_id, "pertama")
    await bot.send_message(chat_id, "kedua")

    assert [m["text"] for m in fake_bot_api.sent_messages(chat_id)] == ["kedua"]
    assert [c.status for c in fake_bot_api.calls_to("sendMessage")] == [429, 200]


async def test_dropped_connection_surfaces_as_network_error_without_sending(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int
) -> None:
    fake_bot_api.drop_next("sendMessage")

    with pytest.raises(NetworkError):
        await bot.send_message(chat_id, "hilang")

    assert fake_bot_api.sent_messages(chat_id) == []
    assert fake_bot_api.calls_to("sendMessage")[0].fault == "dropped"


async def test_answer_lost_after_processing_still_sends_the_message(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int
) -> None:
    fake_bot_api.drop_next("sendMessage", after_processing=True)

    with pytest.raises(NetworkError):
        await bot.send_message(chat_id, "terkirim tanpa jawaban")

    assert [m["text"] for m in fake_bot_api.sent_messages(chat_id)] == ["terkirim tanpa jawaban"]


async def test_wait_for_returns_the_call_once_it_arrives(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int
) -> None:
    sending = asyncio.create_task(bot.send_message(chat_id, "nanti"))

    call = await fake_bot_api.wait_for(lambda c: c.method == "sendMessage" and c.ok)

    await sending
    assert call.result["text"] == "nanti"


async def test_wait_for_timeout_names_what_the_bot_did_instead(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int
) -> None:
    await bot.send_message(chat_id, "bukan edit")

    with pytest.raises(TimeoutError, match="sendMessage"):
        await fake_bot_api.wait_for("editMessageText", timeout=0.2)


async def test_sending_to_a_chat_that_never_wrote_is_chat_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "halo")


async def test_reply_carries_the_replied_message(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    question = fake_bot_api.group_text("tolong ringkas", chat_id=-1005)

    reply = await bot.send_message(
        -1005, "Baik", reply_parameters=ReplyParameters(question["message_id"])
    )

    assert reply.reply_to_message.text == "tolong ringkas"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(-1005, "Baik", reply_parameters=ReplyParameters(999))


async def test_callback_data_over_64_bytes_is_refused(bot: Bot, chat_id: int) -> None:
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(chat_id, "Pilih", reply_markup=keyboard("x" * 65))


async def test_callback_query_is_delivered_and_can_be_answered_once(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int
) -> None:
    sent = await bot.send_message(chat_id, "Ringkasan", reply_markup=keyboard("more:1"))
    query_id = fake_bot_api.callback(fake_bot_api.sent_messages(chat_id)[0], "more:1")

    *_, update = await bot.get_updates()
    assert update.callback_query.data == "more:1"
    assert update.callback_query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query_id, text="Sebentar...")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)


async def test_long_poll_returns_as_soon_as_an_update_is_injected(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    while not fake_bot_api.polling:
        await asyncio.sleep(0.01)

    fake_bot_api.private_text("https://kompas.com/berita")
    # Far below the 30 s long-poll timeout: the poll was woken by the update.
    [update] = await asyncio.wait_for(poll, timeout=10)

    assert update.message.text == "https://kompas.com/berita"
    assert update.message.chat.type == "private"


async def test_offset_confirms_delivered_updates(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.private_text("satu")
    fake_bot_api.private_text("dua")
    first_batch = await bot.get_updates()

    fake_bot_api.private_text("tiga")
    second_batch = await bot.get_updates(offset=first_batch[-1].update_id + 1)

    assert [u.message.text for u in first_batch] == ["satu", "dua"]
    assert [u.message.text for u in second_batch] == ["tiga"]


async def test_limit_caps_the_batch(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    for text in ("a", "b", "c"):
        fake_bot_api.private_text(text)

    batch = await bot.get_updates(limit=2)

    assert [u.message.text for u in batch] == ["a", "b"]


async def test_allowed_updates_filters_updates_injected_afterwards(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    await bot.get_updates(allowed_updates=[Update.CALLBACK_QUERY])
    message = fake_bot_api.private_text("diabaikan")
    fake_bot_api.callback(message, "ok")

    updates = await bot.get_updates()

    assert [u.callback_query.data for u in updates] == ["ok"]
    assert all(u.message is None for u in updates)


async def test_a_second_long_poll_ends_the_first_with_conflict(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    while not fake_bot_api.polling:
        await asyncio.sleep(0.01)

    async with telegram_client(fake_bot_api) as second_instance:
        await second_instance.get_updates(timeout=0)

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_incoming_text_carries_the_entities_telegram_detects(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    fake_bot_api.command("/ringkas https://www.kompas.com/read/2024/a.html.", chat_id=-1001)

    [update] = await bot.get_updates()

    entities = update.message.parse_entities()
    assert sorted(entities.values()) == [
        "/ringkas",
        "https://www.kompas.com/read/2024/a.html",
    ]
    assert update.message.chat.type == "group"


def test_entities_are_found_in_each_word_whatever_white_space_parts_them() -> None:
    text = (
        "Sumber: Liputan6.com\u2009dan\xa0https://www.detik.com/a/b.html, via @redaksi_warta "
        "#banjir\nKirim /ringkas ke redaksi@warta.co.id."
    )
    found = [
        (e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in detect_entities(text)
    ]
    assert found == [
        ("url", "Liputan6.com"),
        ("url", "https://www.detik.com/a/b.html"),
        ("mention", "@redaksi_warta"),
        ("hashtag", "#banjir"),
        ("bot_command", "/ringkas"),
        ("email", "redaksi@warta.co.id"),
    ]


async def test_media_messages_have_no_text(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.caption_message("lihat detik.com", media="document")
    fake_bot_api.photo_message()
    fake_bot_api.sticker_message()

    captioned, photo, sticker = (u.message for u in await bot.get_updates())

    assert (captioned.text, captioned.caption) == (None, "lihat detik.com")
    assert list(captioned.parse_caption_entities().values()) == ["detik.com"]
    assert photo.text is None and photo.photo
    assert sticker.text is None and sticker.sticker.emoji == "👍"


async def test_forwarded_channel_post_names_its_origin(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.private_text("Berita hari ini", forward_from_chat="Kompas.com")

    [update] = await bot.get_updates()

    assert update.message.forward_origin.chat.title == "Kompas.com"


async def test_commands_round_trip(bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("ringkas", "Ringkas artikel")], language_code="id")

    assert await bot.get_my_commands(language_code="id") == (
        BotCommand("ringkas", "Ringkas artikel"),
    )
    assert await bot.delete_my_commands(language_code="id")
    assert await bot.get_my_commands(language_code="id") == ()


async def test_invalid_command_name_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Ringkas-Artikel", "huruf besar")])


async def test_chat_action_must_be_a_known_action(bot: Bot, chat_id: int) -> None:
    assert await bot.send_chat_action(chat_id, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(chat_id, "thinking")


async def test_wrong_token_is_invalid_token(fake_bot_api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with telegram_client(fake_bot_api, token="123456:WRONG-token"):
            pass


async def test_unknown_method_is_not_found(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("getSomethingNew")

    assert fake_bot_api.calls_to("getSomethingNew")[0].status == 404


async def test_json_bodies_query_strings_and_method_case_are_accepted(
    fake_bot_api: FakeBotApi, chat_id: int
) -> None:
    markup = {"inline_keyboard": [[{"text": "Lagi", "callback_data": "more:1"}]]}
    async with httpx.AsyncClient(base_url=f"{fake_bot_api.base_url}{fake_bot_api.token}") as api:
        sent = await api.post(
            "/sendmessage",
            json={
                "chat_id": chat_id,
                "text": "<b>Hai</b>",
                "parse_mode": "HTML",
                "reply_markup": markup,
            },
        )
        me = await api.get("/getMe", params={"unused": "1"})

    assert sent.json()["result"]["reply_markup"] == markup
    assert fake_bot_api.calls_to("sendMessage")[0].params["chat_id"] == chat_id
    assert me.json()["result"]["username"] == "ringkas_test_bot"


async def test_application_polling_echoes_a_private_message(fake_bot_api: FakeBotApi) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"Gema: {update.message.text}")

    application = Application.builder().token(fake_bot_api.token).base_url(fake_bot_api.base_url)
    app = application.build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        fake_bot_api.private_text("Halo bot", user_id=2002)
        [reply] = await fake_bot_api.wait_for_messages(2002, 1)
        await app.updater.stop()
        await app.stop()

    assert reply["text"] == "Gema: Halo bot"
    # Stopping the updater confirmed the handled update with a last getUpdates offset.
    assert fake_bot_api.pending_update_count == 0


async def test_control_api_injects_updates_and_faults(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    async with httpx.AsyncClient(base_url=fake_bot_api.control_url) as control:
        injected = await control.post(
            "/inject/private_text", json={"text": "dari proses lain", "user_id": 3003}
        )
        fault = await control.post("/faults", json={"method": "sendMessage", "retry_after": 2})

        [update] = await bot.get_updates()
        with pytest.raises(RetryAfter):
            await bot.send_message(3003, "balasan")
        await bot.send_message(3003, "balasan")
        calls = (await control.get("/calls", params={"method": "sendMessage"})).json()
        messages = (await control.get("/messages", params={"chat_id": 3003})).json()

    assert injected.json()["result"]["text"] == update.message.text == "dari proses lain"
    assert fault.json() == {"ok": True, "result": True}
    assert [call["status"] for call in calls["result"]["calls"]] == [429, 200]
    assert [message["text"] for message in messages["result"]] == ["balasan"]


async def test_control_api_reports_bad_requests_without_crashing(
    fake_bot_api: FakeBotApi,
) -> None:
    async with httpx.AsyncClient(base_url=fake_bot_api.control_url) as control:
        unknown_kind = await control.post("/inject/voice_message", json={})
        bad_update = await control.post("/updates", json={"nonsense": {}})
        not_json = await control.post("/updates", content=b"{", headers={"content-type": "x"})

    assert [r.status_code for r in (unknown_kind, bad_update, not_json)] == [400, 400, 400]
    assert fake_bot_api.pending_update_count == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_module_entry_point_serves_until_terminated() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "testkit.fake_bot_api",
        "--port",
        str(port),
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        banner = await asyncio.wait_for(process.stdout.readline(), timeout=20)
        async with Bot("123456:TEST-token", base_url=f"http://127.0.0.1:{port}/bot") as client:
            me = await client.get_me()
    finally:
        process.terminate()
        return_code = await asyncio.wait_for(process.wait(), timeout=10)

    assert f"http://127.0.0.1:{port}/bot" in banner.decode()
    assert me.username == "ringkas_test_bot"
    assert return_code == 0


async def test_an_answer_delay_holds_back_the_answer_but_not_its_effect(
    fake_bot_api: FakeBotApi, bot: Bot, chat_id: int
) -> None:
    fake_bot_api.answer_delay = 0.3
    loop = asyncio.get_running_loop()
    started = loop.time()

    sent = await bot.send_message(chat_id, "Ringkasan: harga cabai naik 20 persen.")

    assert loop.time() - started >= 0.3
    [stored] = fake_bot_api.sent_messages(chat_id)
    assert stored["message_id"] == sent.message_id
