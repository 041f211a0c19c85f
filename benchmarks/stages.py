#!/usr/bin/env python3
"""Per-stage throughput of the per-article pipeline next to trafilatura, on the seeds, one core.

    .venv/bin/python benchmarks/stages.py              # about 10 s of interleaved passes
    .venv/bin/python benchmarks/stages.py --seconds 30

Why: issue 7 asks build.py to be at least as fast as `trafilatura.extract` alone (aim: twice as fast).
The machine is shared and noisy, so every stage and trafilatura are timed in the same process, in
interleaved passes over the same five seeds, and each keeps its fastest pass; read the ratios, not the
absolute numbers.

Every pass starts cold: the per-text memo caches (functools caches with a bounded size, such as
`classify.normalise` and `extract._split`) are cleared first, so a pass never profits from having seen
the same seed in the previous pass. Caches of data files (unbounded `@cache`) stay warm, as they do
in a build. Within a pass the stages run in pipeline order, so a stage may reuse what an earlier stage
of the same article computed, exactly as `pipeline.process` does.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yearbook import classify, clean, extract, numbers, pipeline, read, topics  # noqa: E402
from yearbook.records import Source  # noqa: E402

SEEDS = ROOT / "seeds"
_FRONT_MATTER = re.compile(r"\A\s*---\n.*?\n---\n", re.S)


def per_text_caches() -> list[functools._lru_cache_wrapper]:
    """Bounded functools caches in the per-article modules: memos keyed by article text."""
    found = []
    for module in (clean, classify, extract, numbers, topics):
        for obj in vars(module).values():
            info = getattr(obj, "cache_info", None)
            if info is not None and info().maxsize is not None and info().maxsize > 1:
                found.append(obj)
    return found


def load_sources() -> tuple[list[Source], list[str]]:
    paths = sorted(SEEDS.glob("*.txt"))
    sources = [s for s in (read.read_file(p, SEEDS)[0] for p in paths) if s is not None]
    raw = [p.read_text(encoding="utf-8") for p in paths]
    return sources, raw


def stage_pass(sources: list[Source]) -> dict[str, float]:
    """One cold pass through the stages in pipeline order; seconds per stage over all sources."""
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    articles = [clean.clean(s) for s in sources]
    t["clean"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    classes = [classify.classify(a) for a in articles]
    t["classify"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    for a, c in zip(articles, classes, strict=True):
        if c.edition is None:
            continue
        pub = a.published.astimezone(pipeline.BEIJING).date() if a.published else c.inferred_date
        extract.extract(a, c.edition, pub)
        extract.firsts(a)
    t["extract+firsts"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    for a in articles:
        topics.tag(a)
    t["topics"] = time.perf_counter() - t0
    return t


def best_rates(sources: list[Source], raw: list[str], seconds: float) -> dict[str, float]:
    """Articles per second, best pass of each, with our passes and trafilatura's interleaved."""
    import trafilatura

    caches = per_text_caches()
    inputs = [_FRONT_MATTER.sub("", text, count=1) for text in raw]  # as benchmarks/bench.py feeds it

    def cold() -> None:
        for c in caches:
            c.cache_clear()

    def run_process() -> float:
        cold()
        t0 = time.perf_counter()
        for s in sources:
            pipeline.process(s, ROOT)
        return time.perf_counter() - t0

    def run_read() -> float:
        t0 = time.perf_counter()
        for p in sorted(SEEDS.glob("*.txt")):
            read.read_file(p, SEEDS)
        return time.perf_counter() - t0

    def run_trafilatura() -> float:
        t0 = time.perf_counter()
        for text in inputs:
            trafilatura.extract(text)
        return time.perf_counter() - t0

    def run_stages() -> dict[str, float]:
        cold()
        return stage_pass(sources)

    runs: list[tuple[str, Callable[[], float | dict[str, float]]]] = [
        ("trafilatura.extract", run_trafilatura), ("process()", run_process), ("read", run_read),
        ("stages", run_stages),
    ]
    best: dict[str, float] = {}

    def record(name: str, secs: float) -> None:
        best[name] = min(best.get(name, float("inf")), secs)

    for _, fn in runs:  # warm-up: imports, data files, lazy set-up (OpenCC, pinyin tables)
        fn()
    t_end = time.perf_counter() + seconds
    while time.perf_counter() < t_end:
        for name, fn in runs:
            out = fn()
            if isinstance(out, dict):
                for stage, secs in out.items():
                    record(stage, secs)
            else:
                record(name, out)
    return {name: len(sources) / secs for name, secs in best.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to interleave passes")
    args = parser.parse_args(argv)
    sources, raw = load_sources()
    rates = best_rates(sources, raw, args.seconds)
    traf = rates["trafilatura.extract"]
    stage_names = ("clean", "classify", "extract+firsts", "topics")
    per_article = sum(1 / rates[s] for s in stage_names)
    print(f"{len(sources)} seeds, single core, best of interleaved cold passes over {args.seconds:.0f} s "
          f"(per-text caches cleared each pass; {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC)")
    print(f"{'stage':<24}{'articles/s':>12}{'× trafilatura':>16}")
    for name in ("read", *stage_names):
        print(f"{name:<24}{rates[name]:>12.0f}{rates[name] / traf:>16.2f}")
    print(f"{'sum of the four stages':<24}{1 / per_article:>12.0f}{1 / per_article / traf:>16.2f}")
    print(f"{'process() end to end':<24}{rates['process()']:>12.0f}{rates['process()'] / traf:>16.2f}")
    print(f"{'trafilatura.extract':<24}{traf:>12.0f}{1.0:>16.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
