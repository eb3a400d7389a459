"""The load's documents: .txt, .pdf and .html in turn, each one the bot reads back whole."""

from __future__ import annotations

import pytest

from service.documents import DocumentKind, DocumentLimits, read_document
from testkit.load.analysis import DOCUMENT_BUCKETS, collect_outcomes
from testkit.load.driver import Injected, document_of
from testkit.load.workload import DOCUMENT, Mix, Planner
from testkit.news_site import NewsSite

ARTICLE = (
    "Pemerintah Kota Bandung mulai menguji coba bus listrik di jalur Dago pada Senin pagi.\n\n"
    "Sepuluh armada melayani penumpang dari terminal hingga kawasan kampus setiap hari.\n\n"
    "Wali kota mengatakan uji coba berlangsung selama tiga bulan sebelum diputuskan.\n\n"
    "Warga menyambut baik layanan baru itu karena tarifnya sama dengan angkutan kota."
)
LIMITS = DocumentLimits(max_pages=50, max_chars=100_000)


def only_documents() -> Mix:
    return Mix(0.0, 0.0, 0.0, 0.0, 0.0, 1.0, link_repeat=0.0, repeat_gap=0.0,
               long_range=(2000, 3000), split_range=(9000, 12000), split_gap=0.3)  # fmt: skip


def test_documents_take_txt_pdf_and_html_in_turn() -> None:
    articles = [ARTICLE.replace("Senin", f"Senin ({n})") for n in range(6)]
    planner = Planner(only_documents(), articles, NewsSite(), [], seed=1)

    planned = [planner.message(float(n), 7001) for n in range(6)]

    assert {p.kind for p in planned} == {DOCUMENT}
    assert [p.file_format for p in planned] == ["txt", "pdf", "html"] * 2


@pytest.mark.parametrize(
    ("file_format", "kind"),
    [("txt", DocumentKind.TEXT), ("pdf", DocumentKind.PDF), ("html", DocumentKind.HTML)],
)
def test_each_format_sent_reads_back_as_the_whole_article(
    file_format: str, kind: DocumentKind
) -> None:
    data, mime_type = document_of(ARTICLE, file_format)

    document = read_document(data, f"artikel.{file_format}", mime_type, LIMITS)

    assert document.kind is kind
    assert " ".join(document.text.split()) == " ".join(ARTICLE.split())


def test_documents_are_counted_by_format() -> None:
    planner = Planner(only_documents(), [ARTICLE] * 3, NewsSite(), [], seed=1)
    planned = [planner.message(0.0, 7001 + n) for n in range(3)]
    injected = [Injected(p, p.chat_id, [1], 100.0, 100.0, 0.0) for p in planned]

    outcomes = collect_outcomes([], injected)

    assert [o.bucket for o in outcomes] == list(DOCUMENT_BUCKETS.values())
