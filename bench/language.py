"""Language-detection accuracy by text length: Indonesian (IndoSum dev) and English (below).

Indonesian texts are detokenized sentences, paragraphs and whole articles from the IndoSum
dev split, plus short fragments (the first words of a sentence). English texts are the
news-like sentences and paragraphs written for this benchmark below, their fragments, and
paragraphs joined into longer pieces. For each length bucket the table gives the share
detected correctly, answered "unsure" (code None) and detected wrongly.

Usage: python bench/language.py [--data PATH] [--per-article N]
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from common import Article, data_argument, detokenize, load_articles

from summarizer.language import detect_language

BUCKETS = ((0, 40, "<40"), (40, 120, "40-120"), (120, 400, "120-400"), (400, 10**9, ">400"))
TARGETS = {
    "<40": "wrong <= 5%",
    "40-120": "correct >= 95%",
    "120-400": "correct >= 99%",
    ">400": "correct >= 99%",
}
SEED = 7

ENGLISH_SENTENCES = (
    "The central bank kept its benchmark interest rate unchanged on Thursday.",
    "Heavy rain flooded hundreds of homes in the eastern districts overnight.",
    "Police said two men had been arrested in connection with the robbery.",
    "The striker scored twice in the second half to seal a 3-1 win for the visitors.",
    "Shares of the carmaker fell 4 percent after it cut its full-year forecast.",
    "The minister told reporters that the new rules would take effect next month.",
    "Firefighters battled the blaze for more than six hours before bringing it under control.",
    "A magnitude 5.8 earthquake shook the island early on Sunday, officials said.",
    "The company plans to hire 2,000 engineers over the next three years.",
    "Voters will go to the polls in April to elect a new parliament.",
    "The film earned $45 million in its opening weekend at the North American box office.",
    "Doctors warned that the number of dengue cases could rise during the rainy season.",
    "The coach said his players were tired but proud of the result.",
    "Thousands of commuters were stranded when the train line was shut down.",
    "The phone will go on sale in Europe and Asia later this year.",
    "Prices of rice and cooking oil have climbed sharply since January.",
    "The court sentenced the former mayor to eight years in prison for corruption.",
    "Rescue teams are still searching for three fishermen who went missing at sea.",
    "She became the first woman to win the award in its forty-year history.",
    "The airline cancelled dozens of flights because of the volcanic ash cloud.",
    "Officials expect the new toll road to cut travel times by half.",
    "The singer announced a world tour that will begin in Jakarta in March.",
    "Exports rose for the third consecutive month, driven by demand for coal and palm oil.",
    "The government has promised to build one million affordable homes by 2025.",
    "Analysts said the merger would create the largest telecom operator in the region.",
    "The match was postponed after a waterlogged pitch was declared unplayable.",
    "Health authorities reported 120 new cases of measles in the province last week.",
    "The update fixes a security flaw that allowed attackers to read private messages.",
    "Residents were told to boil drinking water until further notice.",
    "The museum will reopen to the public on Saturday after a two-year renovation.",
    "Negotiators from both sides met again in Geneva but failed to reach an agreement.",
    "Why did the bridge collapse only five years after it was built?",
    "Inflation slowed to 2.9 percent in May from 3.3 percent a month earlier.",
    "The startup raised $30 million in a funding round led by a Singapore investor.",
    "Traffic was diverted while engineers inspected the damaged overpass.",
    "The president is scheduled to visit three African countries next week.",
    "Local farmers say the drought has destroyed most of this season's crops.",
    "He was taken to hospital with minor injuries and later released.",
    "Tickets for the final sold out within minutes of going on sale.",
    "The report found that one in five children in the region is underweight.",
)

ENGLISH_PARAGRAPHS = (
    "The central bank kept its benchmark interest rate unchanged at 5.75 percent on Thursday, "
    "saying inflation remained within its target range. Governor Perry Warjiyo told a news "
    "conference that the bank would stay alert to global market turbulence and was ready to "
    "act to keep the rupiah stable.",
    "Heavy rain that began on Tuesday evening flooded more than 800 homes in the eastern "
    "districts of the capital. Local authorities set up temporary shelters in schools and "
    "mosques, and volunteers distributed food, blankets and clean water. No casualties have "
    "been reported, but several roads remain closed.",
    "The striker scored twice in the second half as the visitors came from behind to win 3-1. "
    "It was their fourth consecutive victory, lifting them to second place in the table, two "
    'points behind the leaders. "We showed real character today," the coach said after the '
    "match.",
    "Police arrested two men on Saturday in connection with the robbery of a jewellery shop in "
    "the city centre. Officers recovered gold necklaces and rings worth an estimated $200,000. "
    "A third suspect is still at large, and police have asked the public for information.",
    "The company said it would invest $1.2 billion in a new battery plant, creating about 3,000 "
    "jobs. Construction is expected to start early next year, with production beginning in "
    "2027. The plant will supply electric vehicle makers across Southeast Asia.",
    "Doctors at the provincial hospital say they have treated more than 300 dengue patients "
    "since the start of the rainy season. Health officials urged residents to drain standing "
    "water around their homes and to seek treatment quickly if they develop a high fever.",
    "The new smartphone has a larger screen, a faster processor and a camera that performs "
    "better in low light. It will go on sale next month at a starting price of $699. Reviewers "
    "praised its battery life but said the design had barely changed from last year's model.",
    "Thousands of commuters were stranded on Monday morning after a power failure halted trains "
    "on the city's busiest line. The operator apologised and said services were gradually "
    "returning to normal. Many passengers complained that they had received no information "
    "for more than an hour.",
    "The court sentenced the former mayor to eight years in prison after finding him guilty of "
    "accepting bribes in exchange for building permits. He was also ordered to repay the "
    "money. His lawyer said they would consider an appeal.",
    "Rescue teams resumed their search on Wednesday for three fishermen whose boat went missing "
    "during a storm off the southern coast. Navy ships and a helicopter have joined the "
    "operation. Relatives have gathered at the harbour, waiting for news.",
    "Negotiators met for a third day in Geneva but failed to agree on a ceasefire. Both "
    "delegations said the talks had been frank and useful, and a United Nations envoy said he "
    "hoped a new round could be held before the end of the month.",
    "Exports rose 6 percent in October from a year earlier, the statistics agency said, the "
    "third monthly increase in a row. Shipments of coal, palm oil and nickel led the gains, "
    "while imports of machinery fell. Economists expect growth to slow next year as global "
    "demand weakens.",
    "The singer will open her world tour in Jakarta in March, her promoter announced on Friday. "
    "Tickets go on sale next week and are expected to sell out quickly. The tour will include "
    "30 concerts in Asia, Europe and North America.",
    "Farmers in the eastern province say months without rain have destroyed most of their rice "
    "and corn. The local government has begun distributing seeds and water pumps, but many "
    "villagers say the help came too late for this season.",
)


@dataclass(frozen=True)
class Sample:
    text: str
    language: str
    kind: str  # sentence, paragraph, article, fragment


@dataclass
class Tally:
    correct: int = 0
    unsure: int = 0
    wrong: int = 0
    confusions: Counter[str] = field(default_factory=Counter)
    wrong_examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.correct + self.unsure + self.wrong


def _fragment(text: str, limit: int = 38) -> str:
    words = text.split()
    fragment = ""
    for word in words:
        if len(fragment) + len(word) + 1 > limit:
            break
        fragment = f"{fragment} {word}".strip()
    return fragment


def indonesian_samples(
    articles: list[Article], per_article: int, rng: random.Random
) -> Iterator[Sample]:
    for article in articles:
        detok = detokenize(article)
        text = detok.text
        sentences = [text[s:e] for s, e in detok.spans]
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        for sentence in rng.sample(sentences, min(per_article, len(sentences))):
            yield Sample(sentence, "id", "sentence")
            yield Sample(_fragment(sentence), "id", "fragment")
        for paragraph in rng.sample(paragraphs, min(per_article, len(paragraphs))):
            yield Sample(paragraph, "id", "paragraph")
        yield Sample(text, "id", "article")


def english_samples(rng: random.Random) -> Iterator[Sample]:
    for sentence in ENGLISH_SENTENCES:
        yield Sample(sentence, "en", "sentence")
        yield Sample(_fragment(sentence), "en", "fragment")
    for paragraph in ENGLISH_PARAGRAPHS:
        yield Sample(paragraph, "en", "paragraph")
        for sentence in paragraph.split(". "):
            yield Sample(sentence, "en", "sentence")
    for _ in range(30):
        picked = rng.sample(ENGLISH_PARAGRAPHS, 3)
        yield Sample("\n\n".join(picked), "en", "article")


def bucket_of(text: str) -> str:
    length = len(text)
    return next(name for low, high, name in BUCKETS if low <= length < high)


def measure(samples: list[Sample]) -> tuple[dict[tuple[str, str], Tally], float]:
    tallies: dict[tuple[str, str], Tally] = {}
    started = time.perf_counter()
    for sample in samples:
        if not sample.text.strip():
            continue
        code = detect_language(sample.text).code
        for key in ((sample.language, bucket_of(sample.text)), ("all", bucket_of(sample.text))):
            tally = tallies.setdefault(key, Tally())
            if code == sample.language:
                tally.correct += 1
            elif code is None:
                tally.unsure += 1
            else:
                tally.wrong += 1
                tally.confusions[code] += 1
                if len(tally.wrong_examples) < 8 and key[0] != "all":
                    tally.wrong_examples.append(f"{code}: {sample.text[:90]!r}")
    per_text = (time.perf_counter() - started) / max(len(samples), 1)
    return tallies, per_text


def print_table(tallies: dict[tuple[str, str], Tally]) -> None:
    print("| texts | length (chars) | n | correct | unsure | wrong | wrong as | target |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |")
    for language in ("id", "en", "all"):
        for _low, _high, name in BUCKETS:
            tally = tallies.get((language, name))
            if not tally or not tally.total:
                continue
            n = tally.total
            confusions = ", ".join(f"{c} {k}" for c, k in tally.confusions.most_common(3)) or "-"
            target = TARGETS[name] if language == "all" else ""
            print(
                f"| {language} | {name} | {n} | {100 * tally.correct / n:.1f}% | "
                f"{100 * tally.unsure / n:.1f}% | {100 * tally.wrong / n:.1f}% | "
                f"{confusions} | {target} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data_argument(parser)
    parser.add_argument(
        "--per-article", type=int, default=2, help="sentences and paragraphs per article"
    )
    parser.add_argument("--show-wrong", action="store_true", help="print wrongly detected texts")
    args = parser.parse_args()
    rng = random.Random(SEED)
    samples = list(indonesian_samples(load_articles(args.data), args.per_article, rng))
    samples += list(english_samples(rng))
    tallies, per_text = measure(samples)
    print(f"Language detection, {len(samples)} texts, {datetime.date.today().isoformat()}\n")
    print_table(tallies)
    print(f"\nMean time per text: {1000 * per_text:.2f} ms\n")
    if args.show_wrong:
        for (language, name), tally in sorted(tallies.items()):
            for example in tally.wrong_examples:
                print(f"    [{language} {name}] {example}")


if __name__ == "__main__":
    main()
