"""How fast the FAQ matcher is: index build time, questions per second, p50/p99 per question.

Two banks: the shipped one, and a synthetic bank of 5,000 entries with 20,000 phrasings built
from the shipped bank's own words (so the words look like real questions). Questions are the
labelled evaluation questions (tests/faq_eval/*.yaml: short ones and the long WeChat-style
messages, 30–120 characters, each cut into clauses and scored clause by clause), cycled; the long
messages are also timed on their own, and apart from matching, cutting their greetings. One
process, one core (rapidfuzz is told workers=1).

    python -m bench.faq_bench            # both banks
    python -m bench.faq_bench --quick    # fewer questions, for a smoke run
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from bot.content.faq_bank import FaqBank, FaqEntry, Keywords, Phrasings
from bot.content.loader import load_curriculum
from bot.content.models import Text
from bot.faq.evaluation import load_labelled
from bot.faq.matcher import FaqMatcher, MatcherSettings
from bot.faq.spoken import Spoken
from bot.faq.text import Segmenter, normalise

REPO = Path(__file__).resolve().parents[1]
EVAL_SET = REPO / "tests" / "faq_eval"


def synthetic_bank(source: FaqBank, entries: int, phrasings_per_lang: int, seed: int = 7) -> FaqBank:
    """A big bank whose phrasings are random 3–6 word mixes of the real bank's words."""
    rng = random.Random(seed)
    segmenter = Segmenter()
    words = {
        lang: sorted(
            {
                w
                for e in source.entries
                for q in e.questions.get(lang)
                for w in segmenter.words(normalise(q), lang)
            }
        )
        for lang in ("zh", "en")
    }
    keywords = {
        lang: sorted({k for e in source.entries for k in e.keywords.get(lang)}) for lang in ("zh", "en")
    }

    def phrase(lang: str) -> str:
        picked = rng.sample(words[lang], rng.randint(3, 6))
        return ("" if lang == "zh" else " ").join(picked)[:120]

    made = []
    for i in range(entries):
        made.append(
            FaqEntry(
                id=f"syn-{i:05d}",
                answer=Text(zh="合成的答案。", en="A synthetic answer."),
                questions=Phrasings.model_construct(
                    zh=[phrase("zh") for _ in range(phrasings_per_lang)],
                    en=[phrase("en") for _ in range(phrasings_per_lang)],
                ),
                keywords=Keywords(zh=rng.sample(keywords["zh"], 3), en=rng.sample(keywords["en"], 3)),
            )
        )
    return FaqBank(made, source.spoken)


def measure(
    name: str, bank: FaqBank, settings: MatcherSettings, questions: list[tuple[str, str]], n: int
) -> None:
    started = time.perf_counter()
    matcher = FaqMatcher(bank, settings)
    build = time.perf_counter() - started
    phrasings = sum(len(e.questions.zh) + len(e.questions.en) for e in bank.entries)
    for text, lang in questions[:50]:  # warm caches (pinyin, jieba) as a running bot has them
        matcher.match(text, lang)
    took: list[float] = []
    cpu: list[float] = []  # this thread's CPU time: what the matcher costs when others share the cores
    for i in range(n):
        text, lang = questions[i % len(questions)]
        t0, c0 = time.perf_counter(), time.thread_time()
        matcher.match(text, lang)
        took.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    took.sort()
    cpu.sort()
    p50 = statistics.median(took)
    p99 = took[min(len(took) - 1, int(len(took) * 0.99))]
    qps = len(took) / (sum(took) / 1000)
    print(
        f"{name:<34} {len(bank):>6} entries {phrasings:>7} phrasings | build {build:6.2f} s | "
        f"{qps:7.0f} q/s | p50 {p50:5.2f} ms | p99 {p99:5.2f} ms | max {took[-1]:6.2f} ms | "
        f"CPU p50 {statistics.median(cpu):5.2f} ms p99 {cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))]:5.2f} ms"
    )


def greetings_cut(bank: FaqBank, long: list[tuple[str, str]]) -> None:
    """One step of reading a long message on its own: cutting its greetings (the best of 5 runs)."""
    spoken = Spoken(bank.spoken)
    texts = [(normalise(text), lang) for text, lang in long]
    best = float("inf")
    for _ in range(5):
        began = time.thread_time()
        for text, lang in texts * 10:
            spoken.without_greetings(text, lang)
        best = min(best, (time.thread_time() - began) / (10 * len(texts)))
    print(f"cutting the greetings of a long message: {best * 1e6:.0f} µs CPU")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer questions")
    args = parser.parse_args()
    curriculum = load_curriculum(REPO)
    settings = MatcherSettings.load(curriculum.faq_settings_path())
    items = load_labelled(EVAL_SET)
    questions = [(item.q, item.lang) for item in items]
    long = [(item.q, item.lang) for item in items if item.style == "long"]
    n = 600 if args.quick else 5000
    print(f"questions per bank: {n} (the {len(questions)} labelled questions, cycled; {len(long)} long)")
    measure("shipped bank", curriculum.faq, settings, questions, n)
    measure("shipped bank, long messages", curriculum.faq, settings, long, n // 5)
    greetings_cut(curriculum.faq, long)
    big = synthetic_bank(curriculum.faq, entries=5000, phrasings_per_lang=4)
    measure("synthetic bank (5,000 entries)", big, settings, questions, n)
    measure("synthetic bank, long messages", big, settings, long, n // 5)


if __name__ == "__main__":
    main()
