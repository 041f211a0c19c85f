"""Reconciliation: chosen value and reason, alternatives, overrides, claim checks, the data files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests._seedtext import seed_article
from yearbook.classify import classify, published_date
from yearbook.dataset import edition_json_text, editions_csv, editions_json, editions_json_file
from yearbook.extract import extract, firsts
from yearbook.reconcile import check_claim, load_overrides, reconcile
from yearbook.records import Claim, Edition, Figure

PREFIXES = ("000", "001", "002", "003", "004")


def _seed_inputs() -> tuple[dict[str, int], list[Figure], list[Claim], dict[str, list[str]]]:
    """What the pipeline gives reconcile for the five seeds: assignments, figures, claims, firsts."""
    figures, claims, first, assign = [], [], {}, {}
    for p in PREFIXES:
        a = seed_article(p)
        c = classify(a)
        f, cl = extract(a, c.edition, published_date(a) or c.inferred_date)  # type: ignore[arg-type]
        figures += f
        claims += cl
        first[a.stem] = firsts(a)
        assign[a.stem] = c.edition
    return assign, figures, claims, first


@pytest.fixture(scope="module")
def seed_editions() -> dict[int, Edition]:
    return {e.year: e for e in reconcile(*_seed_inputs(), [])}


def test_editions_and_articles(seed_editions: dict[int, Edition]) -> None:
    assert sorted(seed_editions) == [2021, 2022, 2025]
    assert [s[:3] for s in seed_editions[2021].articles] == ["000", "002"]
    assert [s[:3] for s in seed_editions[2022].articles] == ["001", "003"]


def test_closing_beats_preview(seed_editions: dict[int, Edition]) -> None:
    lead = seed_editions[2022].metrics["leading_exhibitors"]
    assert lead.chosen.value == 507 and lead.conflict
    assert [(f.value, f.qualifier, f.stage) for f in lead.alternatives] == [(400, "超", "preview")]
    assert "闭幕" in lead.reason
    rate = seed_editions[2021].metrics["intl_rate@综合展"]
    assert rate.chosen.value == 52 and [f.value for f in rate.alternatives] == [51]


def test_headline_scope(seed_editions: dict[int, Edition]) -> None:
    assert seed_editions[2022].metrics["intl_rate"].chosen.scope == "整体"
    assert seed_editions[2021].metrics["intl_rate"].chosen.scope == "综合展"
    assert seed_editions[2025].metrics["intl_rate"].chosen.scope == "线下"
    assert seed_editions[2021].metrics["intl_rate@专题展"].chosen.value == 19


def test_more_specific_number_wins(seed_editions: dict[int, Edition]) -> None:
    m = seed_editions[2025].metrics
    assert (m["countries_orgs_exhibiting"].chosen.value, [f.value for f in m["countries_orgs_exhibiting"].alternatives]) == (85, [80])
    assert m["leading_exhibitors"].chosen.value == 480 and m["leading_exhibitors"].chosen.qualifier == "余"


def test_seed_values(seed_editions: dict[int, Edition]) -> None:
    v = {y: {k: c.chosen.value for k, c in e.metrics.items()} for y, e in seed_editions.items()}
    assert v[2021]["outcomes"] == 1672 and v[2021]["exhibitors_online"] == 4400
    assert v[2021]["exhibitors_offline"] == 2400 and v[2021]["countries_regions"] == 153
    assert (v[2021]["start_date"], v[2021]["end_date"]) == ("2021-09-02", "2021-09-07")
    assert v[2021]["venues"] == ["国家会议中心", "首钢园"]
    assert v[2021]["theme"] == "数字开启未来 服务促进发展"
    assert v[2022]["exhibition_area_sqm"] == 152000 and v[2022]["start_date"] == "2022-08-31"
    assert v[2025]["visitors"] == 250000 and v[2025]["guest_country"] == "澳大利亚"
    assert not seed_editions[2021].metrics["theme"].conflict  # separators differ, the theme does not


def fig(metric: str, edition: int, value: float, text: str, stage: str = "closing", scope: str | None = None,
        qualifier: str | None = None, article: str = "a", published: str = "2022-09-05") -> Figure:
    return Figure(metric=metric, edition=edition, value=value, unit="家", qualifier=qualifier, text=text,
                  article=article, quote=text, published=published, scope=scope, stage=stage)


def test_claims_checked_against_previous_edition() -> None:
    figures = [
        fig("intl_rate", 2021, 52, "52%", scope="综合展"), fig("intl_rate", 2022, 62, "62%", scope="综合展"),
        fig("countries_orgs_exhibiting", 2021, 60, "60个"), fig("countries_orgs_exhibiting", 2022, 71, "71个"),
    ]
    claims = [
        Claim("intl_rate", 2022, "pp", 10, "比上届提高10个百分点", "a", "q", scope="综合展"),
        Claim("countries_orgs_exhibiting", 2022, "diff", 13, "比上届增加13个", "a", "q"),
        Claim("exhibitors_online", 2022, "pct", 40, "同比增长40%", "a", "q"),
    ]
    eds = {e.year: e for e in reconcile({"a": 2022, "b": 2021}, figures, claims, {}, [])}
    status = [c.status for c in eds[2022].claims]
    assert status == ["agrees", "disagrees", "cannot check"]


def test_pct_claim_tolerates_rounding() -> None:
    figures = [fig("exhibitors_offline", 2020, 2300, "2300家"), fig("exhibitors_offline", 2021, 2400, "2400多家", qualifier="多")]
    eds = {e.year: e for e in reconcile({"a": 2021}, figures, [], {}, [])}
    check = check_claim(Claim("exhibitors_offline", 2021, "pct", 6, "比上届增长6%", "a", "q"), eds)
    assert check.status == "agrees", check.detail


def test_retrospective_is_alternative_only() -> None:
    retro = Figure("countries_regions", 2012, 82, "个", None, "82个", "b", "2012年首届京交会…82个国家和地区", "2022-08-30",
                   stage="closing", retrospective=True)
    own = fig("countries_regions", 2012, 80, "80个", article="c", published="2012-06-01")
    eds = {e.year: e for e in reconcile({"b": 2022, "c": 2012}, [retro, own], [], {}, [])}
    assert eds[2012].metrics["countries_regions"].chosen.value == 80
    only = {e.year: e for e in reconcile({"b": 2022}, [retro], [], {}, [])}
    assert only[2012].metrics["countries_regions"].chosen.value == 82
    assert only[2012].articles == []


def test_overrides(tmp_path: Path) -> None:
    path = tmp_path / "overrides.yml"
    path.write_text(
        "- edition: 2022\n  metric: exhibition_area_sqm\n  value: 150000\n  text: 15万平方米\n"
        "  source: {url: 'https://example.org/x', quote: 展览面积15万平方米}\n"
        "- edition: 2022\n  metric: visitors\n  value: 1\n",
        encoding="utf-8",
    )
    overrides, diags = load_overrides(path)
    assert len(overrides) == 1
    assert [d.level for d in diags] == ["error"] and "source" in diags[0].problem
    eds = reconcile({"a": 2022}, [fig("exhibition_area_sqm", 2022, 152000, "15.2万平方米")], [], {}, overrides)
    choice = eds[0].metrics["exhibition_area_sqm"]
    assert choice.edited and choice.chosen.value == 150000 and [f.value for f in choice.alternatives] == [152000]


def test_shipped_overrides_file_is_valid() -> None:
    _, diags = load_overrides(Path(__file__).resolve().parent.parent / "data" / "overrides.yml")
    assert diags == []


def test_json_and_csv(seed_editions: dict[int, Edition]) -> None:
    eds = [seed_editions[y] for y in sorted(seed_editions)]
    data = editions_json(eds, {})
    assert [e["year"] for e in data["editions"]] == [2021, 2022, 2025]
    area = data["editions"][1]["metrics"]["exhibition_area_sqm"]
    assert list(area) == ["value", "unit", "qualifier", "text", "article", "quote", "published", "scope", "stage",
                          "as_of", "reason", "edited", "conflict", "alternatives"]
    assert area["value"] == 152000 and area["published"] == "2022-09-05" and area["article"].startswith("003_")
    assert json.dumps(data, ensure_ascii=False) == json.dumps(editions_json(eds, {}), ensure_ascii=False)
    # the file is written entry by entry (each kept with its edition): the same bytes as the whole
    whole = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert editions_json_file([edition_json_text(e, {}).encode() for e in eds]) == whole.encode()
    text = editions_csv(eds)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any(r["metric"] == "leading_exhibitors" and r["chosen"] == "true" and r["value"] == "507" for r in rows)
    assert any(r["metric"] == "leading_exhibitors" and r["chosen"] == "false" and r["value"] == "400" for r in rows)
    assert text == editions_csv(eds)



def _as_data(editions: list[Edition]) -> list:
    return [(e.year, e.articles, {k: (c.chosen, c.reason, c.alternatives, c.conflict, c.edited) for k, c in e.metrics.items()},
             [(x.claim, x.status, x.detail) for x in e.claims], e.firsts) for e in editions]


def test_kept_choices_are_used_while_an_editions_figures_are_the_same(tmp_path: Path, monkeypatch) -> None:
    from yearbook import reconcile as rc

    assign, figures, claims, first = _seed_inputs()
    ranked_now = _as_data(reconcile(assign, figures, claims, first, []))
    digests = {2021: "a", 2022: "b", 2025: "c"}
    kept = rc.KeptChoices(tmp_path, dict(digests))
    assert _as_data(reconcile(assign, figures, claims, first, [], kept)) == ranked_now
    assert len(list(tmp_path.iterdir())) == 3

    ranked: list[int] = []
    real_choose = rc._choose

    def choose(figs, override):
        ranked.append(figs[0].edition)
        return real_choose(figs, override)

    monkeypatch.setattr(rc, "_choose", choose)
    assert _as_data(reconcile(assign, figures, claims, first, [], rc.KeptChoices(tmp_path, dict(digests)))) == ranked_now
    assert ranked == []  # every edition's choices came from the kept ones

    changed = rc.KeptChoices(tmp_path, {**digests, 2022: "b2"})  # 2022's figures changed
    assert _as_data(reconcile(assign, figures, claims, first, [], changed)) == ranked_now
    assert set(ranked) == {2022}
    changed.prune()
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == ["2021", "2022", "2025"]


def test_a_kept_choice_for_other_figures_is_not_used(tmp_path: Path) -> None:
    from yearbook import reconcile as rc

    assign, figures, claims, first = _seed_inputs()
    digests = {2021: "a", 2022: "b", 2025: "c"}
    reconcile(assign, figures, claims, first, [], rc.KeptChoices(tmp_path, dict(digests)))
    # the same digest for fewer figures (a caller's mistake): the positions do not fit, so rank again
    fewer = [f for f in figures if not (f.edition == 2022 and f.metric == "leading_exhibitors" and f.stage == "preview")]
    again = {e.year: e for e in reconcile(assign, fewer, claims, first, [], rc.KeptChoices(tmp_path, dict(digests)))}
    lead = again[2022].metrics["leading_exhibitors"]
    assert lead.chosen.value == 507 and lead.alternatives == [] and not lead.conflict


def test_the_json_fields_of_a_figure_are_a_run_of_its_record() -> None:
    from yearbook import dataset

    assert Figure._fields[dataset._FIGURE_SLICE] == dataset.FIGURE_FIELDS
