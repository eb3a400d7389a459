"""The sentence ranker: sumy's LexRank graph, the form features and the shipped tree model."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy
import pytest

from summarizer.cleaning import clean_text
from summarizer.features import FEATURE_NAMES, RankedSentence, sentence_features
from summarizer.ranking import MODEL_FILE, lexrank_scores, score_sentences, shipped_model
from summarizer.sentences import split_sentences
from summarizer.trees import MODEL_FORMAT, from_data
from summarizer.words import tools_for

QUOTES = """Presiden menyatakan "pemerintah tidak akan menaikkan harga listrik tahun ini" di Istana Negara, Senin (3/4). Pernyataan itu disampaikan di depan para menteri.

Kenaikan tarif sebelumnya sempat direncanakan untuk bulan Juli. Rencana itu ditolak oleh sebagian anggota DPR.

Seorang pedagang di Pasar Senen menyambut baik keputusan tersebut. "Kami lega sekali mendengarnya," kata Rudi, pedagang sayur.
"""


def test_lexrank_scores_are_those_of_stock_sumy(sample_article: str) -> None:
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

    tools = tools_for("id")
    texts = [s.text for s in split_sentences(clean_text(sample_article))][:40]
    document = ObjectDocumentModel(
        [Paragraph([SumySentence(text, tools.tokenizer) for text in texts])]
    )
    stock = LexRankSummarizer(tools.stem)
    stock.stop_words = tools.stop_words
    rated: dict[int, float] = {}

    def keep_all(infos: list) -> list:  # type: ignore[type-arg]
        rated.update({info.order: float(info.rating) for info in infos})
        return infos

    stock(document, keep_all)
    expected = numpy.array([rated[i] for i in range(len(texts))])
    ours = numpy.array(lexrank_scores([tools.content_terms(t) for t in texts]))
    assert numpy.allclose(ours, expected / expected.max())


def test_a_quotation_in_the_lead_paragraph_is_told_apart_from_one_deep_in_the_body() -> None:
    pieces = split_sentences(clean_text(QUOTES))
    ranked = [RankedSentence(p.text, p.paragraph) for p in pieces]
    rows = sentence_features(ranked, [[] for _ in ranked], [0.0] * len(ranked))
    column = FEATURE_NAMES.index("quoted:first_paragraph")
    quoted = [row[FEATURE_NAMES.index("quoted")] for row in rows]
    assert quoted[0] == quoted[-1] == 1.0
    assert rows[0][column] == 1.0
    assert rows[-1][column] == 0.0


def test_form_features_see_connectives_colons_and_missing_full_stops() -> None:
    texts = [
        "Banjir merendam ratusan rumah di Bekasi sejak Kamis malam.",
        "Ia mengatakan air mulai surut pada Jumat pagi.",
        "Berikut daftar wilayah yang terdampak:",
        "kelurahan Jatiasih dan Pekayon",
    ]
    rows = sentence_features(
        [RankedSentence(t, 0) for t in texts], [[] for _ in texts], [0.0] * len(texts)
    )

    def column(name: str) -> list[float]:
        return [row[FEATURE_NAMES.index(name)] for row in rows]

    assert column("opens_with_connective") == [0.0, 1.0, 0.0, 0.0]
    assert column("ends_with_colon") == [0.0, 0.0, 1.0, 0.0]
    assert column("no_final_punctuation") == [0.0, 0.0, 1.0, 1.0]
    assert column("starts_lower") == [0.0, 0.0, 0.0, 1.0]


def tiny_model(threshold: float) -> dict:  # type: ignore[type-arg]
    """Two trees over FEATURE_NAMES: +1 for the first sentence, +0.5 below a length."""
    first, length = FEATURE_NAMES.index("first"), FEATURE_NAMES.index("length")
    return {
        "format": MODEL_FORMAT,
        "version": "test",
        "features": list(FEATURE_NAMES),
        "trees": [
            {"feature": [first, -1, -1], "threshold": [0.5, 0, 0], "left": [1, -1, -1],
             "right": [2, -1, -1], "value": [0.0, 0.0, 1.0], "depth": 1},
            {"feature": [length, -1, -1], "threshold": [threshold, 0, 0], "left": [1, -1, -1],
             "right": [2, -1, -1], "value": [0.0, 0.5, 0.0], "depth": 1},
        ],
    }  # fmt: skip


def test_the_tree_evaluator_walks_every_tree_and_adds_the_leaves() -> None:
    model = from_data(tiny_model(threshold=0.2))
    rows = numpy.zeros((3, len(FEATURE_NAMES)))
    rows[0, FEATURE_NAMES.index("first")] = 1.0
    rows[:, FEATURE_NAMES.index("length")] = [0.1, 0.2, 0.9]
    assert model.predict(rows).tolist() == [1.5, 0.5, 0.0]


def test_the_tree_evaluator_refuses_rows_of_other_features() -> None:
    model = from_data(tiny_model(threshold=0.2))
    with pytest.raises(ValueError, match="features"):
        model.predict(numpy.zeros((2, len(FEATURE_NAMES) + 1)))


def test_a_model_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="model"):
        from_data({**tiny_model(0.2), "format": "xgboost"})


def test_the_shipped_model_is_plain_versioned_data_for_these_features() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["format"] == MODEL_FORMAT
    assert data["version"].startswith("engine-")
    assert tuple(data["features"]) == FEATURE_NAMES
    assert shipped_model().feature_names == FEATURE_NAMES


def test_scores_rank_the_lead_first_and_are_repeatable() -> None:
    pieces = split_sentences(clean_text(QUOTES))
    ranked = [RankedSentence(p.text, p.paragraph) for p in pieces]
    tools = tools_for("id")
    scores = score_sentences(ranked, tools)
    assert score_sentences(ranked, tools) == scores
    assert scores.index(max(scores)) == 0


def test_importing_the_engine_loads_no_numpy_sumy_or_langdetect() -> None:
    code = (
        "import sys, summarizer; "
        "print(sorted(m for m in ('numpy', 'sumy', 'langdetect', 'nltk') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_summarizing_loads_neither_nltk_nor_requests_and_sumy_still_stems_with_nltk() -> None:
    code = (
        "import sys\n"
        "from summarizer import summarize\n"
        "summarize('Harga cabai naik tajam di pasar induk. Pedagang mengeluh karena pasokan "
        "berkurang. Pemerintah berjanji menggelar operasi pasar pekan depan.')\n"
        "print(sorted(m for m in ('nltk', 'requests', 'scipy') if m in sys.modules))\n"
        "from sumy.nlp.stemmers import Stemmer\n"
        "print(Stemmer('english')('running'), 'scipy' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split("\n")[:2] == ["[]", "run False"]
