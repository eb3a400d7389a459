"""The engine's own speed on a list of texts: the peer the bot's throughput is compared with.

`engine_rate_in_a_fresh_process` is the issue's measure: one process cleaning and summarizing
the texts one after the other, on an otherwise idle core. `engine_rate_on_every_core` runs one
such process per core at once: what each core gives the engine when all of them are busy, as
they are while the bot is saturated. On a shared virtual machine the two differ (caches, memory
bandwidth and the host's other guests are shared); a bot that spent nothing on Telegram could
at most reach that rate times the cores.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass


def engine_batch_rate(texts: list[str]) -> float:
    """Clean and summarize every text in this one process, one after the other: texts/s."""
    from summarizer import DEFAULT_SENTENCES, ArticleError, clean_article, summarize_clean

    summarize_clean(clean_article(texts[0]), sentences=DEFAULT_SENTENCES, language=None)
    started = time.perf_counter()
    for text in texts:
        with suppress(ArticleError):
            summarize_clean(clean_article(text), sentences=DEFAULT_SENTENCES, language=None)
    return len(texts) / (time.perf_counter() - started)


def engine_rate_in_a_fresh_process(texts: list[str]) -> float:
    """`engine_batch_rate` in a new interpreter: each measure starts as cold as the first (in
    this process, a second pass would find every word in the stemmer's cache)."""
    return engine_rate_on_every_core(texts, cores=1)


def engine_rate_on_every_core(
    texts: list[str], cores: int, environment: Mapping[str, str] | None = None
) -> float:
    """`engine_batch_rate` in `cores` new interpreters at once: the mean of their rates.
    `environment`: set in each before the engine loads (the workers' `ENGINE_THREAD_LIMITS`:
    with numpy's thread pools unlimited, processes on every core slow each other down)."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=cores,
        mp_context=spawn,
        initializer=_set_environment,
        initargs=(environment or {},),
    ) as pool:
        # Each process warms up on its first text before it starts its clock; they start
        # within milliseconds of each other and run for seconds, so they overlap throughout.
        rates = [pool.submit(engine_batch_rate, texts) for _ in range(cores)]
        return sum(rate.result() for rate in rates) / cores


def _set_environment(values: Mapping[str, str]) -> None:
    os.environ.update(values)


@dataclass
class EngineRates:
    """The engine's own rates on the run's texts (articles/s), each measured before the bot
    ran and again after: `alone`, one process on an idle core (the issue's peer); `busy`, the
    mean of `cores` processes running at once (`bench/saturation.py --every-core`)."""

    alone: list[float]
    busy: list[float]
    cores: int

    @staticmethod
    def mean(rates: list[float]) -> float:
        return sum(rates) / len(rates) if rates else float("nan")
