"""Properties of the engine on any text: it never crashes, and what it shows is verbatim."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from summarizer import MAX_SENTENCES, MIN_SENTENCES, ArticleError, Digest, summarize
from summarizer.cleaning import clean_text
from summarizer.language import detect_language
from summarizer.sentences import split_sentences

FACT_KINDS = {"number", "money", "date", "quote", "actor", "place", "statement"}

# Pieces of Indonesian and English news text, including the awkward ones: abbreviations,
# figures, dates, quotes, furniture lines, URLs and unusual characters.
NEWS_WORDS = [
    *"pemerintah warga banjir rumah sungai posko bantuan petugas kata ujar menurut mengatakan "
    "the council said people were evacuated Budi Santoso Sri Mulyani Maria Jensen di ke dari "
    "Jakarta Bekasi Senin (28/2) Kamis (12/1) Rp 1,3 triliun $450 million 50 persen 60 percent "
    "12 orang tewas 1.250 3.5% 176,6 kilogram 24 Februari 2022 March 2024 pukul 10.30 WIB "
    "Dr. Prof. H. Hj. S.H. M.Si. PT. Tbk. Jl. No. Kec. Kab. dll. dsb. a.n. s.d. Mr. U.S. "
    "J. K. -- - , ; : ( ) ... ? !".split(),
    '"Kami siap,"',
    "\u201cKami siap,\u201d",
    "(vyp/kna)",
    "\nBaca juga: Banjir Rendam Karawang\n",
    "\nADVERTISEMENT\n",
    "https://example.com/berita/1",
    "Jakarta, CNN Indonesia --",
    "\n",
    "\n\n",
    "\u00a0",
    "\u200b",
    "\t",
    "\r\n",
]


def news_sentence(words: list[str], ending: str) -> str:
    text = " ".join(words)
    return text[:1].upper() + text[1:] + ending


news_sentences = st.builds(
    news_sentence,
    st.lists(st.sampled_from(NEWS_WORDS), min_size=1, max_size=30),
    st.sampled_from([".", ".", ".", "?", "!", "...", '."', ""]),
)
news_articles = st.lists(
    st.lists(news_sentences, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=10
).map("\n\n".join)
# Any Unicode at all, alone or mixed with news words so that some of it gets summarized.
any_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.text(max_size=12), st.sampled_from(NEWS_WORDS)), max_size=80).map(
        " ".join
    ),
)
summary_lengths = st.integers(MIN_SENTENCES, MAX_SENTENCES)


def summarize_or_refuse(text: str, count: int) -> Digest | None:
    """The engine's answer, or None when it refused the text (the only allowed failure)."""
    try:
        return summarize(text, sentences=count)
    except ArticleError as error:
        assert error.code in {"empty", "too-short"}
        return None


def assert_digest_invariants(text: str, count: int, digest: Digest) -> None:
    cleaned = clean_text(text)
    split = [sentence.text for sentence in split_sentences(cleaned)]
    assert digest.sentences_total == len(split)
    assert len(digest.summary) == min(count, len(split))
    assert list(digest.summary_indices) == sorted(set(digest.summary_indices))
    assert [split[index] for index in digest.summary_indices] == list(digest.summary)
    position = 0
    for sentence in digest.summary:
        found = cleaned.find(sentence, position)
        assert found >= 0, "summary sentence not verbatim, or out of order"
        position = found + len(sentence)
    for fact in digest.facts:
        assert fact.kind in FACT_KINDS
        assert 0 <= fact.sentence < len(split)
        assert fact.text in split[fact.sentence]
        assert fact.text in cleaned
    assert len(digest.facts) <= 7
    data = digest.to_dict()
    assert data["summary"] == list(digest.summary)
    assert data["language"] == digest.language.code


@settings(max_examples=150, deadline=None)
@given(any_text, summary_lengths)
def test_arbitrary_unicode_never_crashes_the_engine(text: str, count: int) -> None:
    digest = summarize_or_refuse(text, count)
    if digest is not None:
        assert_digest_invariants(text, count, digest)


@settings(max_examples=60, deadline=None)
@given(news_articles, summary_lengths)
def test_news_like_text_keeps_every_invariant(text: str, count: int) -> None:
    digest = summarize_or_refuse(text, count)
    if digest is not None:
        assert_digest_invariants(text, count, digest)


@settings(max_examples=100, deadline=None)
@given(st.one_of(any_text, news_articles))
def test_cleaned_text_is_normalized(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == cleaned.strip()
    assert "\n\n\n" not in cleaned
    assert "\r" not in cleaned
    assert "\t" not in cleaned
    assert "  " not in cleaned
    assert not any(char in cleaned for char in "\u201c\u201d\u2018\u2019\u00a0\u200b\ufeff")
    assert all(line == line.strip() for line in cleaned.split("\n"))


@settings(max_examples=60, deadline=None)
@given(st.one_of(any_text, news_articles))
def test_language_detection_is_deterministic_and_bounded(text: str) -> None:
    guess = detect_language(text)
    assert detect_language(text) == guess
    assert 0.0 <= guess.confidence <= 1.0
    assert guess.code is None or guess.code.isalpha()


FURNITURE = [
    "Merdeka.com-",
    "JAKARTA, KOMPAS.com - ",
    "New York (ANTARA News)-",
    "(CNN)",
    "Suara.com -,\n\n",
    "Taylor Swift (Foto: Independent)\n\n",
    '"src="https://x.id/a.jpg" style="height: 234px"/>\n',
    "//<![CDATA[!function(f,b){f.fbq=b}(window, document);//]]>\n",
    "\u00e2\u20ac\u0153",
    "\u200e",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(FURNITURE), any_text, news_articles), max_size=6).map(
        "".join
    )
)
@example("(aa)(aa)(aa)(aa)(aa)")  # five editor tags: more than the cleaning's passes once took
def test_cleaning_is_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
