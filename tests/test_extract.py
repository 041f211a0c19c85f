"""Extraction on the seeds (exact values and quotes) and on tests/sentences.yml (precision/recall)."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests._seedtext import seed_article
from yearbook.classify import classify, published_date
from yearbook.extract import extract, firsts
from yearbook.records import Article, Claim, Figure

SENTENCES = Path(__file__).resolve().parent / "sentences.yml"


@cache
def seed_facts(prefix: str) -> tuple[list[Figure], list[Claim]]:
    a = seed_article(prefix)
    c = classify(a)
    assert c.edition is not None
    return extract(a, c.edition, published_date(a) or c.inferred_date)


def find(prefix: str, metric: str, **fields: Any) -> list[Figure]:
    figs, _ = seed_facts(prefix)
    return [f for f in figs if f.metric == metric and all(getattr(f, k) == v for k, v in fields.items())]


def one(prefix: str, metric: str, **fields: Any) -> Figure:
    found = find(prefix, metric, **fields)
    assert found, f"{prefix}: no {metric} {fields}; have {[(f.metric, f.value) for f in seed_facts(prefix)[0]]}"
    return found[0]


# --- seed 003: 2022 closing report -----------------------------------------------------------------


def test_2022_closing_figures() -> None:
    area = one("003", "exhibition_area_sqm")
    assert area.value == 152000 and area.unit == "平方米" and area.qualifier is None
    assert "举办了15.2万平方米的展览展示" in area.quote
    assert area.stage == "closing" and area.edition == 2022 and not area.retrospective
    assert one("003", "thematic_forums").value == 128
    assert one("003", "promotion_events").value == 65
    assert one("003", "summit_forums").value == 7
    lead = one("003", "leading_exhibitors")
    assert lead.value == 507 and "吸引507家世界500强及行业龙头企业线下参展" in lead.quote
    rate = one("003", "intl_rate")
    assert rate.value == 20.8 and rate.scope == "整体"
    assert one("003", "top30_coverage").value == 27
    assert one("003", "theme").value == "服务合作促发展 绿色创新迎未来"
    assert one("003", "end_date").value == "2022-09-05"
    assert one("003", "venues").value == ["国家会议中心", "首钢园"]


def test_2022_claims() -> None:
    _, claims = seed_facts("003")
    got = {(c.metric, c.kind, c.amount) for c in claims}
    assert ("countries_orgs_exhibiting", "diff", 13) in got
    assert ("exhibition_area_sqm", "diff", 26000) in got


# --- seed 001: 2022 opening-day report -------------------------------------------------------------


def test_2022_preview() -> None:
    assert one("001", "start_date").value == "2022-08-31"
    lead = one("001", "leading_exhibitors")
    assert lead.value == 400 and lead.qualifier == "超" and lead.stage == "preview"
    assert not find("001", "exhibition_area_sqm")  # 近1万平方米的元宇宙体验场景 is one hall


def test_national_statistics_are_not_fair_metrics() -> None:
    figs, claims = seed_facts("001")
    assert not any(f.value in (5_300_000_000_000, 16.1) for f in figs)
    assert not any(c.amount in (16.1, 21.6, 24.6) for c in claims)
    figs, claims = seed_facts("004")
    assert not any(f.value == 7_500_000_000_000 for f in figs)
    assert not any(c.amount == 14.4 for c in claims)


# --- seeds 000 and 002: 2021 ------------------------------------------------------------------------


def test_2021_closing() -> None:
    out = one("000", "outcomes")
    assert out.value == 1672 and out.stage == "closing" and out.as_of == "2021-09-07"
    assert "截至9月7日下午" in out.quote
    rate = one("000", "intl_rate", scope="综合展")
    assert rate.value == 52 and rate.stage == "closing"
    assert one("000", "theme").value == "数字开启未来 服务促进发展"
    assert one("000", "end_date").value == "2021-09-07"


def test_2021_preview() -> None:
    online = one("002", "exhibitors_online", qualifier=None)
    assert online.value == 4400 and online.stage == "preview" and online.as_of == "2021-08-29"
    assert {f.qualifier for f in find("002", "exhibitors_offline", value=2400)} == {None, "多"}
    assert one("002", "countries_regions").value == 153
    assert one("002", "intl_rate", scope="综合展").value == 51
    assert one("002", "intl_rate", scope="专题展").value == 19
    assert one("002", "intl_rate", scope="线上").value == 13
    assert not find("002", "intl_rate", value=18)  # 龙头企业占比18% is not intl_rate
    assert one("002", "leading_share").value == 18
    assert one("002", "start_date").value == "2021-09-02"
    assert one("002", "end_date").value == "2021-09-07"
    assert one("002", "venues").value == ["国家会议中心", "首钢园"]
    assert one("002", "theme").value == "数字开启未来，服务促进发展"
    assert all(f.stage == "preview" for f in find("002", "thematic_forums"))


def test_2021_claims_keep_scope() -> None:
    _, claims = seed_facts("002")
    got = {(c.metric, c.scope, c.kind, c.amount) for c in claims}
    assert ("intl_rate", "综合展", "pp", 9) in got
    assert ("intl_rate", "专题展", "pp", 10) in got
    assert ("exhibitors_offline", None, "pct", 6) in got


# --- seed 004: 2025, no front matter ------------------------------------------------------------------


def test_2025_closing() -> None:
    v = one("004", "visitors")
    assert v.value == 250000 and v.qualifier == "突破" and v.unit == "人次" and v.as_of == "2025-09-14"
    assert (one("004", "exhibitors_offline").value, one("004", "exhibitors_offline").qualifier) == (2000, "近")
    assert (one("004", "exhibitors_online").value, one("004", "exhibitors_online").qualifier) == (5600, "近")
    assert (one("004", "outcomes").value, one("004", "outcomes").qualifier) == (900, "超")
    rate = one("004", "intl_rate")
    assert (rate.value, rate.qualifier, rate.scope) == (20, "超", "线下")
    assert one("004", "top30_coverage").value == 26
    assert one("004", "thematic_forums").value == 81
    assert one("004", "promotion_events").value == 75
    assert {f.value for f in find("004", "countries_orgs_exhibiting")} == {85, 80}
    assert {(f.value, f.qualifier) for f in find("004", "leading_exhibitors")} == {(480, "余"), (500, "近")}
    assert one("004", "theme").value == "数智领航，服贸焕新"
    assert one("004", "end_date").value == "2025-09-14"
    assert one("004", "venues").value == ["首钢园"]
    assert one("004", "guest_country").value == "澳大利亚"
    assert all(f.stage == "closing" for f in seed_facts("004")[0] if f.metric not in ("end_date", "start_date"))


def test_firsts() -> None:
    got = firsts(seed_article("002"))
    assert any("首次设置“数字服务专区”" in s for s in got)
    assert all("首" in s or "第一次" in s for s in got)


def test_traditional_text_quotes_original() -> None:
    text = "本屆服貿會(huì)綫下參展企業(yè)達(dá)到2200家，國際化率達到20.8%。"
    a = Article(stem="t", path="t", title="", body_markdown=text, text=text)
    figs, _ = extract(a, 2022, date(2022, 9, 5))
    assert {(f.metric, f.value) for f in figs} == {("exhibitors_offline", 2200), ("intl_rate", 20.8)}
    assert all(f.quote == text for f in figs)


# --- precision and recall over tests/sentences.yml -----------------------------------------------------


def _matches(f: Figure, e: dict[str, Any]) -> bool:
    if f.metric != e["metric"] or f.value != e["value"]:
        return False
    return all(getattr(f, k) == e[k] for k in ("qualifier", "scope", "stage", "edition", "retrospective") if k in e)


def _claim_matches(c: Claim, e: dict[str, Any]) -> bool:
    return (c.metric, c.kind, c.amount) == (e["metric"], e["kind"], e["amount"]) and c.scope == e.get("scope", c.scope)


def test_sentences_precision_recall() -> None:
    cases = yaml.safe_load(SENTENCES.read_text(encoding="utf-8"))
    assert len(cases) >= 60
    assert sum(1 for c in cases if not c.get("expect") and not c.get("claims")) >= 10  # must-not-match cases
    tp = fp = fn = 0
    misses: list[str] = []
    for i, case in enumerate(cases):
        pub = case.get("published")
        pub = date.fromisoformat(pub) if isinstance(pub, str) else pub
        a = Article(stem=f"s{i:03d}", path="", title="", body_markdown=case["text"], text=case["text"])
        figs, claims = extract(a, case["edition"], pub)
        for expected, got, match in ((case.get("expect") or [], figs, _matches), (case.get("claims") or [], claims, _claim_matches)):
            used: set[int] = set()
            for e in expected:
                j = next((j for j, g in enumerate(got) if j not in used and match(g, e)), None)  # type: ignore[operator]
                if j is None:
                    fn += 1
                    misses.append(f"missed {e} in {case['text']}")
                else:
                    used.add(j)
                    tp += 1
            for j, g in enumerate(got):
                if j not in used:
                    fp += 1
                    misses.append(f"extra {g.metric}={getattr(g, 'value', getattr(g, 'amount', None))} in {case['text']}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"\nextractor over {len(cases)} sentences: precision {precision:.3f}, recall {recall:.3f} "
          f"(tp {tp}, fp {fp}, fn {fn})")
    for m in misses:
        print("  " + m)
    assert precision >= 0.95, misses
    assert recall >= 0.9, misses


@pytest.mark.parametrize("edition", [2012, 2019, 2025])
def test_empty_and_unrelated_text(edition: int) -> None:
    a = Article(stem="x", path="", title="", body_markdown="", text="")
    assert extract(a, edition, None) == ([], [])
