"""The sample article, end to end through the engine."""

from summarizer import summarize


def test_sample_article_is_detected_as_indonesian(sample_article: str) -> None:
    digest = summarize(sample_article)
    assert digest.language.code == "id"
    assert digest.language.confidence >= 0.9


def test_sample_article_summary_never_shows_the_related_links_marker(sample_article: str) -> None:
    digest = summarize(sample_article, sentences=10)
    shown = list(digest.summary) + [fact.text for fact in digest.facts]
    assert shown
    assert not any("Baca Juga" in text for text in shown)


def test_sample_article_facts_include_the_casualty_figures(sample_article: str) -> None:
    facts = summarize(sample_article).facts
    assert any("102 warga sipil tewas" in f.text and "304" in f.text for f in facts)


def test_sample_article_facts_include_the_invasion_date(sample_article: str) -> None:
    facts = summarize(sample_article).facts
    assert any("24 Februari" in f.text and f.kind == "date" for f in facts)


def test_sample_article_summary_sentences_come_from_the_article_in_order(
    sample_article: str,
) -> None:
    digest = summarize(sample_article, sentences=5)
    positions = [sample_article.index(sentence) for sentence in digest.summary]
    assert len(digest.summary) == 5
    assert positions == sorted(positions)
