"""Documents: a user sends a file, the bot asks getFile and downloads it, as from Telegram."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest

from testkit.fake_bot_api import MAX_DOWNLOAD_BYTES, FakeBotApi

ARTICLE = (
    "Pemerintah Kota Bandung mulai menguji coba bus listrik di jalur Dago pada Senin pagi. "
    "Wali kota mengatakan uji coba berlangsung selama tiga bulan sebelum diputuskan.\n"
)


async def test_a_sent_document_is_downloaded_through_get_file(
    fake_bot_api: FakeBotApi, bot: Bot
) -> None:
    sent = fake_bot_api.document_message(
        ARTICLE.encode("cp1252"), file_name="artikel.txt", caption="tolong ringkas"
    )

    [update] = await bot.get_updates()
    document = update.message.document
    file = await document.get_file()
    content = await file.download_as_bytearray()

    assert (document.file_name, document.mime_type) == ("artikel.txt", "text/plain")
    assert document.file_size == len(ARTICLE)
    assert update.message.caption == "tolong ringkas"
    assert file.file_path.startswith(f"{fake_bot_api.base_file_url}{bot.token}/documents/")
    assert bytes(content) == ARTICLE.encode("cp1252")
    assert len(fake_bot_api.file(sent["document"]["file_id"]).downloads) == 1


async def test_a_file_over_20_mb_is_too_big_to_get(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    sent = fake_bot_api.document_message(
        b"%PDF-1.7\n", file_name="laporan.pdf", file_size=MAX_DOWNLOAD_BYTES + 1
    )

    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file(sent["document"]["file_id"])
    assert sent["document"]["mime_type"] == "application/pdf"


async def test_a_file_of_exactly_20_mb_can_be_got(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    sent = fake_bot_api.document_message(b"", file_name="besar.pdf", file_size=MAX_DOWNLOAD_BYTES)

    file = await bot.get_file(sent["document"]["file_id"])

    assert file.file_size == MAX_DOWNLOAD_BYTES


async def test_an_unknown_file_id_is_invalid(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("BQACAgUAAxkBAAI-unknown")


async def test_a_file_path_exists_only_after_get_file(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    sent = fake_bot_api.document_message(b"isi", file_name="catatan.txt")
    guessed = f"{fake_bot_api.base_file_url}{bot.token}/documents/file_0.txt"

    async with httpx.AsyncClient() as client:
        before = await client.get(guessed)
        file = await bot.get_file(sent["document"]["file_id"])
        wrong_token = await client.get(file.file_path.replace(bot.token, "123456:WRONG"))
        after = await client.get(file.file_path)

    assert before.status_code == 404
    assert wrong_token.status_code == 401
    assert (after.status_code, after.content) == (200, b"isi")


async def test_photos_can_be_got_too(fake_bot_api: FakeBotApi, bot: Bot) -> None:
    fake_bot_api.photo_message()

    [update] = await bot.get_updates()
    largest = update.message.photo[-1]
    file = await largest.get_file()

    assert file.file_path.endswith(".jpg")
    assert len(await file.download_as_bytearray()) == largest.file_size
