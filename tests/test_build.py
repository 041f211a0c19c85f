"""End to end: the five seeds built into a temporary project, checked page by page and in the data files."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from yearbook import pipeline, render

from .conftest import copy_project

STEMS = {
    "000_bed480ad1c4ee00d": 2021,
    "001_31d22583ced832c4": 2022,
    "002_ec6f69b739e595ee": 2021,
    "003_994a303af9d79135": 2022,
    "004_2fd2425ba645f4f9": 2025,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("e2e"))
    result = pipeline.build(project, quiet=True)
    return project, project / "docs", result


def read(docs, rel: str) -> str:
    return (docs / rel).read_text(encoding="utf-8")


def test_every_seed_is_an_article_page_under_its_edition(built):
    _, docs, result = built
    assert result.files_total == 5 and result.skipped == []
    for stem, year in STEMS.items():
        page = read(docs, f"articles/{year}/{stem}.md")
        assert f"(../../years/{year}.md)" in page  # link to its edition page
    assert "5 files in seeds/: 5 published" in result.summary


def test_article_page_metadata(built):
    _, docs, _ = built
    page = read(docs, "articles/2022/003_994a303af9d79135.md")
    assert "# 服贸会5日闭幕，参展参会企业数量、成交规模等超过上届" in page
    assert "**来源**：新浪财经" in page
    assert "**原发机构**：中新网" in page
    assert "**记者**：陈杭、杜燕" in page
    assert "2022-09-05 19:29（北京时间）" in page  # 11:29:55 GMT shown in Beijing time
    assert "**责任编辑**：刘万里" in page and "SF014" not in page
    assert "海量资讯" not in page and "appendQr" not in page
    old = read(docs, "articles/2021/000_bed480ad1c4ee00d.md")
    assert "**原标题**：焦点访谈丨行走服贸会 带你看成果" in old


def test_undated_markdown_article_gets_an_inferred_date(built):
    _, docs, _ = built
    page = read(docs, "articles/2025/004_2fd2425ba645f4f9.md")
    assert "2025-09-14" in page and "据正文推断" in page
    assert "陆卫" not in page  # the spliced profile is not part of the article


def test_edition_pages(built):
    _, docs, result = built
    assert [e.year for e in result.editions] == [2021, 2022, 2025]
    page = read(docs, "years/2022.md")
    assert "15.2万平方米" in page
    assert "举办了15.2万平方米的展览展示" in page  # the quote behind the figure
    assert "服务合作促发展" in page
    for stem in ("001_31d22583ced832c4", "003_994a303af9d79135"):
        assert f"(../articles/2022/{stem}.md)" in page
    assert '<a href="../2021/" rel="prev">' in page and '<a href="../2025/" rel="next">' in page


def test_every_number_on_edition_pages_has_a_quoted_source(built):
    _, docs, result = built
    for e in result.editions:
        page = read(docs, f"years/{e.year}.md")
        table = page.split("## 主要数据", 1)[1].split("\n\n", 2)[1]
        rows = [r for r in table.splitlines() if r.startswith("| ") and not r.startswith("| 指标") and "---" not in r]
        assert rows, e.year
        for row in rows:
            ref = re.search(r"\[\^(\d+)\]", row)
            assert ref, row
            note = re.search(rf"^\[\^{ref.group(1)}\]: .*“.+”", page, re.M)
            assert note, f"footnote {ref.group(1)} of {e.year} has no quote"


def test_compare_page_has_every_year_and_marks_gaps(built):
    _, docs, _ = built
    page = read(docs, "compare/index.md")
    for year in (2021, 2022, 2025):
        assert f'title="按{year}年的数字排序">{year}</th>' in page
        assert f'<a href="../years/{year}/">{year}年服贸会</a>' in page
    for gap in (2023, 2024):
        assert f"{gap}<br><small>无报道</small>" in page
    assert "未报道" in page


def test_editions_json_shape_and_values(built):
    _, docs, _ = built
    data = json.loads(read(docs, "data/editions.json"))
    years = {e["year"]: e for e in data["editions"]}
    assert sorted(years) == [2021, 2022, 2025]
    assert sorted(years[2022]["articles"]) == ["001_31d22583ced832c4", "003_994a303af9d79135"]
    area = years[2022]["metrics"]["exhibition_area_sqm"]
    assert area["value"] == 152000 and area["unit"] == "平方米"
    assert area["article"] == "003_994a303af9d79135"
    assert "15.2万平方米的展览展示" in area["quote"]
    assert area["published"] == "2022-09-05"
    for key in ("value", "unit", "qualifier", "text", "article", "quote", "published", "alternatives"):
        assert key in area
    lead = years[2022]["metrics"]["leading_exhibitors"]
    assert lead["value"] == 507
    assert any(alt["value"] == 400 and alt["qualifier"] == "超" for alt in lead["alternatives"])
    assert years[2021]["metrics"]["outcomes"]["value"] == 1672
    visitors = years[2025]["metrics"]["visitors"]
    assert (visitors["value"], visitors["qualifier"]) == (250000, "突破")


def test_editions_csv_matches_json(built):
    _, docs, _ = built
    rows = list(csv.DictReader(io.StringIO(read(docs, "data/editions.csv"))))
    assert rows
    chosen = [r for r in rows if r.get("chosen") in ("1", "true", "True", "yes")]
    area = [r for r in chosen if r["year"] == "2022" and r["metric"] == "exhibition_area_sqm"]
    assert len(area) == 1 and area[0]["value"] == "152000"


def test_home_and_about(built):
    _, docs, _ = built
    home = read(docs, "index.md")
    for year in (2021, 2022, 2025):
        assert f'<a href="years/{year}/">{year}年服贸会</a>' in home
    assert home.count("本站尚未收录该年的报道") == 2  # 2023, 2024
    about = read(docs, "about.md")
    assert "新浪财经：3篇" in about
    assert "证券时报网：1篇" in about


def test_claims_are_checked_and_flagged_on_compare(tmp_path):
    project = copy_project(tmp_path / "claims", seeds=[])
    seeds = project / "seeds"
    head = "---\ntitle: '{t}'\ndate: {d}\nauthor: 测试日报\n---\n"
    (seeds / "a2021.txt").write_text(
        head.format(t="2021年服贸会闭幕", d="Tue, 07 Sep 2021 10:00:00 GMT")
        + "<p>2021年服贸会7日闭幕。本届服贸会线下参展企业2400家，举办专题论坛119场。</p>", encoding="utf-8")
    (seeds / "a2022.txt").write_text(
        head.format(t="2022年服贸会闭幕", d="Mon, 05 Sep 2022 10:00:00 GMT")
        + "<p>2022年服贸会5日闭幕。本届服贸会线下参展企业2600家，比上届增加200家。"
        "举办专题论坛128场，比上届增加20场。</p>", encoding="utf-8")
    result = pipeline.build(project, quiet=True)
    checks = {(c.claim.metric, c.status) for e in result.editions for c in e.claims}
    assert ("exhibitors_offline", "agrees") in checks
    assert ("thematic_forums", "disagrees") in checks  # 128 - 119 = 9, not 20
    compare = (project / "docs" / "compare" / "index.md").read_text(encoding="utf-8")
    assert "✔ 说法相符：比上届增加200家" in compare
    assert "✘ 说法不符：比上届增加20场" in compare
    edition = (project / "docs" / "years" / "2022.md").read_text(encoding="utf-8")
    assert "✘ 不符" in edition and "✔ 相符" in edition


def test_compare_cells_list_each_claim_once_and_a_few_of_them(tmp_path):
    """At archive scale hundreds of reports repeat a claim: a cell shows it once, with how many
    reports made it, and at most CELL_CLAIM_LIMIT of them, pointing to the edition for the rest."""
    project = copy_project(tmp_path / "claims", seeds=[])
    seeds = project / "seeds"
    head = "---\ntitle: '{t}'\ndate: {d}\nauthor: 测试日报\n---\n"
    (seeds / "a2021.txt").write_text(
        head.format(t="2021年服贸会闭幕", d="Tue, 07 Sep 2021 10:00:00 GMT")
        + "<p>2021年服贸会7日闭幕。本届服贸会举办专题论坛119场。</p>", encoding="utf-8")
    says = ["比上届增加20场"] * 3 + ["比上届增加30场", "比上届增加40场", "比上届增加50场"]
    for i, claim in enumerate(says):
        (seeds / f"b2022-{i}.txt").write_text(
            head.format(t=f"2022年服贸会闭幕（{i}）", d=f"Mon, 05 Sep 2022 1{i}:00:00 GMT")
            + f"<p>2022年服贸会5日闭幕。本届服贸会举办专题论坛128场，{claim}。</p><p>第{i}篇报道的另一段话。</p>",
            encoding="utf-8")
    pipeline.build(project, quiet=True)
    compare = (project / "docs" / "compare" / "index.md").read_text(encoding="utf-8")
    row = next(line for line in compare.splitlines() if "比上届增加20场" in line)
    assert row.count("✘ 说法不符：比上届增加20场") == 1
    assert "✘ 说法不符：比上届增加20场（3篇报道）</small>" in row
    assert row.count("✘ 说法不符") == render.CELL_CLAIM_LIMIT == 3
    assert '<a href="../years/2022/">另有1条说法</a>' in row
    edition = (project / "docs" / "years" / "2022.md").read_text(encoding="utf-8")
    assert all(f"增加{n}场" in edition for n in (20, 30, 40, 50))  # the edition page lists them all
