"""One id and key scheme for articles and their digests."""

from service.keys import (
    article_key,
    digest_key,
    is_link_article,
    link_article_id,
    text_article_id,
)
from summarizer import ENGINE_VERSION


def test_an_article_id_is_stable_for_the_same_text():
    assert text_article_id("Harga beras naik.") == text_article_id("Harga beras naik.")


def test_an_article_id_fits_in_telegram_callback_data():
    assert len(text_article_id("Harga beras naik.")) == 32


def test_different_texts_get_different_ids():
    assert text_article_id("Harga beras naik.") != text_article_id("Harga beras turun.")


def test_a_text_and_a_link_never_share_an_id():
    url = "https://example.com/berita"
    assert text_article_id(url) != link_article_id(url)
    assert is_link_article(link_article_id(url)) and not is_link_article(text_article_id(url))


def test_digest_keys_change_with_the_engine_version_length_and_language():
    article_id = text_article_id("Harga beras naik.")
    keys = {
        digest_key(article_id, 3),
        digest_key(article_id, 4),
        digest_key(article_id, 3, "en"),
        article_key(article_id),
    }
    assert len(keys) == 4
    assert ENGINE_VERSION in digest_key(article_id, 3)


def test_ids_accept_any_unicode_text():
    assert link_article_id("https://contoh.id/\U0001f600\ud800").startswith("u")
