"""The replies' metrics: what went out by kind, and unexpected errors by the layer that
raised them. Counters are shared by everything in the process: tests read how much one moved."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from handlers.metrics import count_error, layer_of, replied
from service.metrics import REGISTRY
from storage import parse_database_url
from summarizer import ArticleError, clean_article, summarize_clean
from web.policy import parse_allowed_networks


def replies(kind: str) -> float:
    return REGISTRY.get_sample_value("ringkas_replies_total", {"kind": kind}) or 0.0


def errors(layer: str) -> float:
    return REGISTRY.get_sample_value("ringkas_errors_total", {"layer": layer}) or 0.0


def raised(action: Callable[[], object]) -> Exception:
    with pytest.raises(Exception) as caught:
        action()
    return caught.value


def test_a_reply_that_went_out_is_counted_under_its_kind() -> None:
    before = replies("facts")
    replied("facts", 4321)  # the message id Telegram gave it
    assert replies("facts") - before == 1


def test_a_reply_that_could_not_be_sent_is_not_counted() -> None:
    before = replies("summary")
    replied("summary", None)
    assert replies("summary") - before == 0


def test_a_kind_outside_the_fixed_set_is_counted_as_a_notice() -> None:
    before = replies("notice")
    replied("Ringkasan: Banjir di Jakarta", 1)  # never a text as a label value
    assert replies("notice") - before == 1
    assert REGISTRY.get_sample_value("ringkas_replies_total", {"kind": "Ringkasan"}) is None


def test_an_error_is_put_in_the_layer_that_raised_it() -> None:
    engine = raised(lambda: summarize_clean(clean_article("Halo."), sentences=2))
    database = raised(lambda: parse_database_url("mysql://ringkas@db/ringkas"))
    web = raised(lambda: parse_allowed_networks("jaringan-kantor"))
    assert isinstance(engine, ArticleError)
    assert (layer_of(engine), layer_of(database), layer_of(web)) == ("summarizer", "storage", "web")


def test_an_error_raised_outside_the_projects_layers_is_other() -> None:
    assert layer_of(raised(lambda: int("lima"))) == "other"


def test_counting_an_error_moves_its_layers_counter() -> None:
    before = errors("storage")
    count_error(raised(lambda: parse_database_url("mysql://ringkas@db/ringkas")))
    assert errors("storage") - before == 1
