"""Hostile and odd input, through the running bot: every update gets exactly one friendly,
Telegram-valid answer, and the bot goes on to summarize the next article."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot import texts
from storage import DatabaseLocation
from testkit.fake_bot_api import FakeBotApi, make_private_chat, make_user
from testkit.harness import answers_to, is_reply_to, running_bot
from testkit.news_site import Content, NewsSite, html, saved_page
from tests.conftest import SQLITE_ONLY

# Storage is incidental to hostile input is handled before storage: SQLite only (tests/conftest.py).
pytestmark = SQLITE_ONLY

JsonDict = dict[str, Any]
MAX_MESSAGE_CHARS = 4096

ARABIC_ARTICLE = (
    "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة الإسكندرية بتكلفة تبلغ مئتي مليون "
    "جنيه. وقال وزير الصحة في مؤتمر صحفي إن المستشفى يضم ثلاثمئة سرير وعشر غرف للعمليات "
    "الجراحية. وأضاف أن المشروع استغرق ثلاث سنوات من العمل المتواصل بمشاركة عدد كبير من "
    "المهندسين والعمال. ومن المتوقع أن يخدم المستشفى أكثر من مليون مواطن في المحافظة والمناطق "
    "المجاورة لها. وأشار الوزير إلى أن الحكومة تخطط لبناء خمسة مستشفيات أخرى خلال العامين "
    "المقبلين. ورحب سكان المدينة بالمشروع الجديد معربين عن أملهم في تحسين مستوى الخدمات الصحية."
)
HEBREW_ARTICLE = (
    "משרד הבריאות הודיע היום על פתיחת בית חולים חדש בעיר חיפה בעלות של מאתיים מיליון שקלים. "
    "שר הבריאות אמר במסיבת עיתונאים כי בבית החולים יש שלוש מאות מיטות ועשרה חדרי ניתוח. "
    "הוא הוסיף כי הפרויקט נמשך שלוש שנים של עבודה רצופה בהשתתפות מהנדסים ופועלים רבים. "
    "בית החולים צפוי לשרת יותר ממיליון תושבים באזור הצפון ובערים הסמוכות. "
    "השר ציין כי הממשלה מתכננת לבנות חמישה בתי חולים נוספים בשנתיים הקרובות. "
    "תושבי העיר בירכו על הפרויקט והביעו תקווה לשיפור השירותים הרפואיים."
)
CHINESE_ARTICLE = (
    "卫生部今天宣布在广州市开设一家新医院，总投资达两亿元人民币。"
    "卫生部长在新闻发布会上表示，该医院拥有三百张病床和十间手术室，配备了最先进的医疗设备。"
    "他补充说，这个项目经过三年的持续建设，有大批工程师和工人参与，克服了许多技术困难。"
    "预计该医院将为全市及周边地区超过一百万居民提供服务，大大缓解当地看病难的问题。"
    "部长指出，政府计划在未来两年内再建设五家医院，并培养更多的医生和护士。"
    "当地居民对新项目表示欢迎，希望医疗服务水平能够得到进一步提高。"
)
JAPANESE_ARTICLE = (
    "東京都は今日、新しい病院を品川区に開設すると発表した。総工費は二百億円に上る見込みだ。"
    "都知事は記者会見で、病院には三百床のベッドと十室の手術室があると説明した。"
    "建設には三年かかり、多くの技術者と作業員が参加した。"
    "病院は周辺地域の百万人以上の住民にサービスを提供する予定だ。"
    "知事によると、都は今後二年間でさらに五つの病院を建設する計画だという。"
    "地元の住民は新しい病院を歓迎し、医療サービスの向上に期待を寄せている。"
)
ENGLISH_ARTICLE = (
    "The city council approved a plan on Monday to build a new bridge across the northern "
    "river at a cost of 1.3 billion dollars. The mayor told reporters that construction would "
    "start in March and take about two years. Residents have been asking for a second "
    "crossing since floods closed the old bridge for three weeks last winter. Some business "
    "owners fear that the building work will keep customers away from the riverside market. "
    "The council said it would open a temporary ferry service while the bridge is built."
)
# Every sentence carries markup that Telegram would interpret (or reject) if it were not
# escaped: tags it knows, tags it refuses, a stray end tag and entities.
MARKUP_ARTICLE = (
    "Dinas Perhubungan menulis <b>bold</b> di papan pengumuman stasiun kota pada Senin pagi. "
    'Petugas menempelkan tautan <a href="x">jadwal baru</a> yang ternyata tidak bisa dibuka. '
    "Warga mengeluh karena harga tiket naik &amp; jadwal kereta berubah tanpa pemberitahuan. "
    "Seorang penumpang menulis </i> <script>alert(1)</script> di kolom komentar situs resmi. "
    "Kepala dinas berjanji memperbaiki <tg-spoiler>sistem</tg-spoiler> &lt;informasi&gt; itu."
)


@pytest_asyncio.fixture
async def web_site() -> AsyncIterator[str]:
    """127.0.0.1: a news article, a PDF and (for anything else) a 404 page."""
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    routes = {
        "/berita/artikel.html": saved_page("artikel-id.html"),
        "/laporan/tahunan.pdf": Content(pdf, "application/pdf"),
    }
    missing = html(
        "<html><body><h1>404</h1><p>Halaman tidak ditemukan.</p></body></html>", status=404
    )
    async with NewsSite(routes, saved_pages=False, not_found=missing) as site:
        yield site.base_url


# ---- helpers ---------------------------------------------------------------------------------


async def answer_to(api: FakeBotApi, sent: JsonDict) -> JsonDict:
    """The first message the bot sends in reply to `sent`."""
    await api.wait_for(is_reply_to(sent), timeout=5)
    return answers_to(api, sent)[0]


async def assert_next_article_is_summarized(
    api: FakeBotApi, sample_article: str, *, user_id: int = 1001
) -> None:
    sent = api.private_text(sample_article, user_id=user_id)
    reply = await answer_to(api, sent)
    assert "Ringkasan" in reply["text"]
    assert "Ketegangan yang terjadi antara Rusia dan Ukraina makin memuncak." in reply["text"]


def assert_answered_cleanly(
    api: FakeBotApi, sent: JsonDict, caplog: pytest.LogCaptureFixture
) -> list[JsonDict]:
    """Exactly one answer (maybe in parts), all accepted by Telegram, no traceback anywhere."""
    answers = answers_to(api, sent)
    keyboards = [answer for answer in answers if answer.get("reply_markup")]
    assert len(answers) == 1 or (len(keyboards) == 1 and answers[-1] is keyboards[0])
    for answer in answers:
        assert 0 < len(answer["text"]) <= MAX_MESSAGE_CHARS
        assert "Traceback" not in answer["text"]
    assert all(call.ok for call in api.calls_to("sendMessage"))
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    return answers


def formatted_spans(message: JsonDict) -> list[tuple[str, str]]:
    """(entity type, the text it covers) for each formatting entity Telegram parsed."""
    utf16 = message["text"].encode("utf-16-le")
    return [
        (
            entity["type"],
            utf16[2 * entity["offset"] : 2 * (entity["offset"] + entity["length"])].decode(
                "utf-16-le"
            ),
        )
        for entity in message.get("entities", [])
    ]


def said(key: str, language: str = "id", **values: object) -> str:
    """What the bot says for `key`, as the user reads it (no markup in these texts)."""
    return texts.text(language, key, **values)


def link_failed(reason_key: str) -> str:
    return said("link_failed", reason=said(f"fetch_{reason_key}"))


def link_refused(reason_key: str) -> str:
    return said("link_refused", reason=said(f"fetch_{reason_key}"))


def long_unpunctuated_sentence(length: int = 50_000) -> str:
    vocabulary = (
        "pemerintah kota warga jembatan anggaran pembangunan jalan proyek dinas menteri "
        "daerah tahun rupiah kawasan utara selatan pekerja kontraktor rencana sekolah pasar "
        "rumah sakit kendaraan banjir hujan musim petani harga beras minyak listrik air"
    ).split()
    chooser = random.Random(50_000)
    words: list[str] = []
    size = 0
    while size < length:
        word = chooser.choice(vocabulary)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:length].strip()


def first_paragraphs(article: str, limit: int) -> str:
    """Whole paragraphs from the start of `article`, at most `limit` characters."""
    kept: list[str] = []
    for paragraph in article.split("\n\n"):
        if len("\n\n".join([*kept, paragraph])) > limit:
            break
        kept.append(paragraph)
    return "\n\n".join(kept)


# ---- text that is not an article -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("   \n\t  \n ", said("no_text"), id="whitespace-only"),
        pytest.param("😀🎉🔥👍🏽", said("hint_short"), id="emoji-only"),
        pytest.param("a", said("hint_short"), id="one-character"),
        pytest.param("\u200b\u200d\u2060", said("hint_short"), id="zero-width-only"),
    ],
)
async def test_text_that_is_not_an_article_gets_a_hint_and_the_bot_goes_on(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
    text: str,
    expected: str,
) -> None:
    async with running_bot(api, bot_database):
        sent = api.private_text(text)
        reply = await answer_to(api, sent)
        await assert_next_article_is_summarized(api, sample_article)
    assert reply["text"] == expected
    assert_answered_cleanly(api, sent, caplog)


async def test_a_sticker_gets_a_hint_and_the_bot_goes_on(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(api, bot_database):
        sent = api.sticker_message()
        reply = await answer_to(api, sent)
        await assert_next_article_is_summarized(api, sample_article)
    assert reply["text"] == said("no_text")
    assert_answered_cleanly(api, sent, caplog)


async def test_a_photo_without_caption_gets_a_hint_and_the_bot_goes_on(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(api, bot_database):
        sent = api.photo_message(language_code="en")
        reply = await answer_to(api, sent)
        await assert_next_article_is_summarized(api, sample_article)
    assert reply["text"] == said("no_text", "en")
    assert_answered_cleanly(api, sent, caplog)


async def test_a_photo_whose_caption_holds_an_article_is_summarized(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caption = first_paragraphs(sample_article, 1024)  # Telegram's caption limit
    async with running_bot(api, bot_database):
        sent = api.caption_message(caption)
        reply = await answer_to(api, sent)
    assert "Ringkasan" in reply["text"]
    assert "Ketegangan yang terjadi antara Rusia dan Ukraina makin memuncak." in reply["text"]
    assert reply["reply_markup"]["inline_keyboard"]
    assert_answered_cleanly(api, sent, caplog)


async def test_forged_button_data_is_answered_without_touching_the_message(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(api, bot_database):
        article = api.private_text(sample_article)
        summary = await answer_to(api, article)
        for forged in ("s:99:tabc", "x:3:tabc", "s:nan:", "<b>", "s:3:t" + "0" * 31):
            query_id = api.callback(summary, forged)
            await api.wait_for(
                lambda call, query_id=query_id: (
                    call.method == "answerCallbackQuery"
                    and call.params["callback_query_id"] == query_id
                )
            )
        await assert_next_article_is_summarized(api, sample_article)
    [unchanged] = answers_to(api, article)
    assert unchanged["text"] == summary["text"]
    assert api.calls_to("editMessageText") == []
    assert all(call.ok for call in api.calls_to("answerCallbackQuery"))


# ---- extreme articles ------------------------------------------------------------------------


async def test_a_50000_character_sentence_without_punctuation_is_summarized_within_limits(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monster = long_unpunctuated_sentence()
    async with running_bot(api, bot_database):
        sent = api.command("/ringkas 10 " + monster)
        await api.wait_for(
            lambda call: is_reply_to(sent)(call) and "reply_markup" in call.params, timeout=30
        )
        await assert_next_article_is_summarized(api, sample_article)
    answers = assert_answered_cleanly(api, sent, caplog)
    shown = "\n".join(answer["text"] for answer in answers)
    assert "Ringkasan" in shown
    numbered = [line for line in shown.splitlines() if line.split(". ", 1)[0].isdigit()]
    assert numbered, "the summary lists numbered sentences"
    assert all(line.split(". ", 1)[1] in monster for line in numbered)


@pytest.mark.parametrize(
    ("article", "user_language", "language_name"),
    [
        pytest.param(ENGLISH_ARTICLE, "id", "Inggris", id="english-for-indonesian-reader"),
        pytest.param(ARABIC_ARTICLE, "id", "Arab", id="arabic"),
        pytest.param(HEBREW_ARTICLE, "en", "Hebrew", id="hebrew"),
        pytest.param(CHINESE_ARTICLE, "id", "Mandarin", id="chinese"),
        pytest.param(JAPANESE_ARTICLE, "en", "Japanese", id="japanese"),
    ],
)
async def test_articles_in_other_languages_and_scripts_are_summarized_and_the_language_named(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
    article: str,
    user_language: str,
    language_name: str,
) -> None:
    async with running_bot(api, bot_database):
        sent = api.command("/ringkas 2 " + article, language_code=user_language)
        reply = await answer_to(api, sent)
        await assert_next_article_is_summarized(api, sample_article)
    title = said("summary_title", user_language)
    assert reply["text"].startswith(title), reply["text"]
    summary_lines = [line for line in reply["text"].splitlines() if line[:3] in ("1. ", "2. ")]
    assert len(summary_lines) == 2
    assert all(line[3:] in article and len(line[3:]) < len(article) / 2 for line in summary_lines)
    assert language_name in reply["text"]
    assert_answered_cleanly(api, sent, caplog)


async def test_markup_pasted_in_an_article_comes_back_escaped_not_interpreted(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(api, bot_database):
        sent = api.command("/ringkas 10 " + MARKUP_ARTICLE)
        reply = await answer_to(api, sent)
        await assert_next_article_is_summarized(api, sample_article)
    assert_answered_cleanly(api, sent, caplog)
    # Pasted markup is read as a browser shows it: the words stay, no tag is interpreted
    # and no script is shown; what is left that looks like markup comes back escaped.
    assert "Dinas Perhubungan menulis bold di papan pengumuman" in reply["text"]
    assert "alert(1)" not in reply["text"] and "<script>" not in reply["text"]
    assert "<informasi>" in reply["text"] and "&lt;informasi&gt;" in reply["raw_text"]
    assert set(formatted_spans(reply)) <= {("bold", "Ringkasan"), ("bold", "Fakta kunci")}


async def test_markup_in_key_facts_comes_back_escaped(
    api: FakeBotApi, bot_database: DatabaseLocation, caplog: pytest.LogCaptureFixture
) -> None:
    article = (
        'Menteri Keuangan mengatakan "<b>anggaran</b> naik &amp; cukup" kepada wartawan di '
        "Jakarta pada Senin (28/2). Anggaran subsidi <i>energi</i> tahun ini mencapai Rp 502 "
        "triliun, naik 20 persen dari tahun lalu. Pemerintah juga menyiapkan dana cadangan "
        "sebesar Rp 10 triliun untuk bencana alam di berbagai daerah. Para ekonom menilai "
        "kebijakan itu wajar mengingat harga minyak dunia terus naik sejak awal tahun."
    )
    async with running_bot(api, bot_database):
        sent = api.command("/fakta " + article)
        reply = await answer_to(api, sent)
    assert_answered_cleanly(api, sent, caplog)
    assert "Fakta kunci" in reply["text"]
    assert "subsidi energi tahun ini mencapai Rp 502 triliun" in reply["text"]
    assert "<i>" not in reply["text"]
    assert formatted_spans(reply) == [("bold", "Fakta kunci")]


# ---- links, through the bot ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("javascript:alert(document.cookie)", id="javascript"),
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("<a href='javascript:alert(1)'>klik</a>", id="javascript-in-markup"),
    ],
)
async def test_non_web_links_are_not_fetched_but_answered_politely(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    caplog: pytest.LogCaptureFixture,
    text: str,
) -> None:
    polite = {said("too_short"), said("hint_short"), link_refused("unsupported_scheme")}
    async with running_bot(api, bot_database):
        as_message = api.private_text(text)
        message_reply = await answer_to(api, as_message)
        as_command = api.command("/ringkas " + text)
        command_reply = await answer_to(api, as_command)
        await assert_next_article_is_summarized(api, sample_article)
    assert message_reply["text"] in polite
    assert command_reply["text"] in polite
    assert_answered_cleanly(api, as_message, caplog)
    assert_answered_cleanly(api, as_command, caplog)


async def test_a_loopback_link_is_refused_when_loopback_is_not_allowed(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    web_site: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_bot(api, bot_database):
        sent = api.private_text(f"{web_site}/berita/artikel.html")
        reply = await answer_to(api, sent)
        await assert_next_article_is_summarized(api, sample_article)
    assert reply["text"] == link_refused("blocked_address")
    assert_answered_cleanly(api, sent, caplog)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        pytest.param("/laporan/tahunan.pdf", "not_html", id="pdf"),
        pytest.param("/berita/hilang.html", "http_error", id="404"),
    ],
)
async def test_a_link_that_is_not_a_readable_page_gets_a_friendly_message(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    web_site: str,
    caplog: pytest.LogCaptureFixture,
    path: str,
    reason: str,
) -> None:
    async with running_bot(api, bot_database, allow_loopback=True):
        sent = api.private_text(f"baca ini {web_site}{path}")
        reply = await answer_to(api, sent)
        await assert_next_article_is_summarized(api, sample_article)
    assert reply["text"] == link_failed(reason)
    assert_answered_cleanly(api, sent, caplog)


async def test_a_message_that_is_only_a_link_preview_summarizes_the_linked_article(
    api: FakeBotApi,
    bot_database: DatabaseLocation,
    sample_article: str,
    web_site: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Clients send "only a preview" as an invisible character carrying the link."""
    url = f"{web_site}/berita/artikel.html"
    user = make_user(1001)
    preview_only = {
        "message_id": 1,
        "from": user,
        "chat": make_private_chat(user),
        "date": 1_700_000_000,
        "text": "\u2060",
        "entities": [{"type": "text_link", "offset": 0, "length": 1, "url": url}],
        "link_preview_options": {"url": url, "show_above_text": True},
    }
    async with running_bot(api, bot_database, allow_loopback=True):
        api.inject_update({"message": preview_only})
        reply = await answer_to(api, preview_only)
        await assert_next_article_is_summarized(api, sample_article)
    assert "Ringkasan" in reply["text"]
    assert "1. " in reply["text"]
    assert_answered_cleanly(api, preview_only, caplog)
