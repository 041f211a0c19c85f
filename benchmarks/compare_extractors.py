"""Compare our cleaner with trafilatura on the seeds: leftover furniture, lost paragraphs, speed.

Why: issue 3 asks for proof that the yearbook beats general-purpose extractors, measured by a script
anyone can rerun. The judge is independent of data/furniture.yml (a checklist of noise the seeds are
known to carry), so the cleaner is not graded by its own rules.

    .venv/bin/python benchmarks/compare_extractors.py          # rewrites the table in docs/cleaning.md
    .venv/bin/python benchmarks/compare_extractors.py --print  # only prints it
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yearbook.clean import clean  # noqa: E402
from yearbook.read import read_file  # noqa: E402
from yearbook.records import Source  # noqa: E402

SEEDS = ROOT / "seeds"
DOC = ROOT / "docs" / "cleaning.md"
START, END = "<!-- compare:start -->", "<!-- compare:end -->"

# Noise known to be in the seeds, written independently of data/furniture.yml.
FURNITURE = re.compile(
    r"责任编辑|海量资讯|新浪财经APP|appendQr|343233024\.png|（完）|\(完\)|SF014|realstock|stockcode|"
    r"原标题|news_keyword|正文下iframe|文末二维码|videoList"
)
# The unrelated profile printed on the same newspaper page as seed 004.
OFF_TOPIC = re.compile(r"陆卫|刘晶晶|红外|奋勇争先实干家")
# A byline on its own line moves into the page metadata: not a lost paragraph.
BYLINE = re.compile(r"^\S{0,8}记者\s*\S{2,4}(?:\s+\S{2,4})*$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def han(text: str) -> str:
    return "".join(_HAN.findall(text))


def reference_paragraphs(source: Source) -> list[str]:
    """Real text paragraphs of a seed (and picture captions): what no cleaner may lose."""
    if source.fmt == "html":
        root = lxml.html.fragment_fromstring(source.body, create_parent="div")
        for bad in root.xpath("//script|//style"):
            bad.getparent().remove(bad)
        parts = [" ".join(el.text_content().split()) for el in root.iter("p", "span")
                 if el.tag == "p" or "img_descr" in (el.get("class") or "")]
    else:
        parts = [p.strip() for p in re.split(r"\n\s*\n", source.body)]
    return [p for p in parts if len(han(p)) >= 8 and not FURNITURE.search(p) and not OFF_TOPIC.search(p)
            and not p.startswith("#") and not BYLINE.match(p)]


def furniture_lines(output: str) -> int:
    return sum(1 for line in output.splitlines() if FURNITURE.search(line) or OFF_TOPIC.search(line))


def lost(reference: list[str], output: str) -> int:
    """Paragraphs whose middle twelve Chinese characters are nowhere in the output.

    The middle, not the start: a cleaner may rightly move a dateline (中新网北京9月5日电) out of a
    paragraph, or rejoin a sentence a scan split.
    """
    flat = han(output)

    def middle(p: str) -> str:
        h = han(p)
        mid = len(h) // 2
        return h[max(0, mid - 6): mid + 6]

    return sum(1 for p in reference if middle(p) not in flat)


def ours(source: Source) -> str:
    return clean(source).body_markdown


def trafilatura_md(source: Source) -> str:
    import trafilatura

    return trafilatura.extract(source.body, output_format="markdown", include_images=True,
                               include_formatting=True, include_comments=False) or ""


def rates(fns: list[Callable[[Source], str]], sources: list[Source], seconds: float = 3.0) -> list[float]:
    """Articles per second for each extractor: passes interleaved, best pass kept.

    The machine is shared; interleaving and taking each one's fastest pass keeps a neighbour's
    load from deciding the comparison.
    """
    best = [float("inf")] * len(fns)
    t_end = time.perf_counter() + seconds
    for fn in fns:
        for s in sources:
            fn(s)
    while time.perf_counter() < t_end:
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            for s in sources:
                fn(s)
            best[i] = min(best[i], time.perf_counter() - t0)
    return [len(sources) / b for b in best]


def table() -> str:
    sources = [s for s in (read_file(p, SEEDS)[0] for p in sorted(SEEDS.glob("*.txt"))) if s is not None]
    rows = ["| seed | paragraphs | yearbook: furniture lines left | yearbook: paragraphs lost "
            "| trafilatura: furniture lines left | trafilatura: paragraphs lost |",
            "|---|---:|---:|---:|---:|---:|"]
    totals = [0, 0, 0, 0, 0]
    for s in sources:
        ref = reference_paragraphs(s)
        a, t = ours(s), trafilatura_md(s)
        vals = [len(ref), furniture_lines(a), lost(ref, a), furniture_lines(t), lost(ref, t)]
        totals = [x + y for x, y in zip(totals, vals, strict=True)]
        note = " (Markdown: trafilatura returns nothing)" if s.fmt != "html" and not t else ""
        rows.append(f"| `{s.stem}`{note} | " + " | ".join(map(str, vals)) + " |")
    rows.append("| **total** | " + " | ".join(f"**{v}**" for v in totals) + " |")
    ours_rate, traf_rate = rates([ours, trafilatura_md], sources)
    rows.append("")
    rows.append(f"Throughput (best pass over the {len(sources)} seeds, same machine and run): yearbook "
                f"{ours_rate:.0f} articles/s, trafilatura {traf_rate:.0f} articles/s ({ours_rate / traf_rate:.1f}×).")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the table, do not touch docs/")
    args = parser.parse_args()
    result = table()
    if args.print:
        print(result)
        return
    doc = DOC.read_text(encoding="utf-8")
    before, rest = doc.split(START, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(f"{before}{START}\n{result}\n{END}{after}", encoding="utf-8")
    print(result)


if __name__ == "__main__":
    main()
