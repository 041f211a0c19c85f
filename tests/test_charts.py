"""Charts, timeline and topic trends: gaps stay gaps, approximate values are marked, output is stable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import copy_project
from yearbook import charts, render
from yearbook.records import Choice, Edition, Figure

ROOT = Path(__file__).resolve().parent.parent


def fig(metric: str, year: int, value: float, unit: str, qualifier: str | None = None, scope: str | None = None) -> Figure:
    return Figure(metric, year, value, unit, qualifier, f"{qualifier or ''}{value}{unit}", f"a{year}", "句子。",
                  f"{year}-09-05", scope=scope)


def edition(year: int, **figures: Figure) -> Edition:
    e = Edition(year, articles=[f"a{year}"])
    for key, f in figures.items():
        e.metrics[key.replace("__", "@")] = Choice(f.metric, f, "test")
    return e


@pytest.fixture(scope="module")
def toy() -> tuple[list[Edition], list[int], tuple]:
    """2021 and 2022 report offline exhibitors, 2025 does not; 2023 and 2024 have no articles."""
    metrics = render.load_metrics(ROOT)
    eds = [
        edition(2021, exhibitors_offline=fig("exhibitors_offline", 2021, 2400, "家", "超"),
                intl_rate__整体=fig("intl_rate", 2021, 21.0, "%", scope="整体")),
        edition(2022, exhibitors_offline=fig("exhibitors_offline", 2022, 2400, "家"),
                intl_rate__整体=fig("intl_rate", 2022, 20.8, "%", scope="整体")),
        edition(2025, intl_rate__整体=fig("intl_rate", 2025, 20.0, "%", "超", scope="整体")),
    ]
    return eds, list(range(2021, 2026)), metrics


def test_every_year_is_a_point_and_missing_years_are_not_zero(toy) -> None:
    eds, years, metrics = toy
    cat = charts.catalogue(eds, years, metrics, {})
    c = cat["exhibitors_offline"]
    assert [p.year for p in c.points] == years
    assert [p.status for p in c.points] == ["约数", "确数", "无报道", "无报道", "未报道"]
    assert [p.value for p in c.points][2:] == [None, None, None]
    spec = charts.metric_spec(c, years, 480, 190)
    plotted = [row for layer in spec["layer"] for row in layer["data"]["values"] if "value" in row]
    assert {row["year"] for row in plotted} == {2021, 2022} and all(row["value"] > 0 for row in plotted)
    assert "未报道" in c.svg and c.svg.count("无报道") >= 2


def test_a_gap_cuts_the_line() -> None:
    pts = [charts.Point(2021, 1.0, "1", "确数"), charts.Point(2022, 2.0, "2", "确数"),
           charts.Point(2023, None, "无报道", "无报道"), charts.Point(2024, 3.0, "3", "确数")]
    segs = charts._segments(pts)
    assert [r["seg"] for r in segs] == [1, 1, 2]


def test_approximate_values_are_hollow_points_with_a_legend(toy) -> None:
    eds, years, metrics = toy
    c = charts.catalogue(eds, years, metrics, {})["intl_rate@整体"]
    assert c.filename == "intl_rate-overall.svg"
    assert [p.status for p in c.points if p.value is not None] == ["确数", "确数", "约数"]
    spec = charts.metric_spec(c, years, 480, 190)
    point_layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert point_layer["encoding"]["fill"]["scale"] == {"domain": ["确数", "约数"], "range": [charts.LINE, "#ffffff"]}
    assert ">约数<" in c.svg and "超20%" in c.svg


def test_svg_is_accessible_text_and_deterministic(toy) -> None:
    eds, years, metrics = toy
    first = charts.render_charts(eds, years, metrics, {})
    charts._to_svg.cache_clear()
    second = charts.render_charts(eds, years, metrics, {})
    assert first == second and set(first) == {"exhibitors_offline.svg", "intl_rate-overall.svg"}
    svg = first["exhibitors_offline.svg"]
    head = re.match(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="img"' in head and 'aria-labelledby="exhibitors-offline-title exhibitors-offline-desc"' in head
    assert '<title id="exhibitors-offline-title">线下参展企业，单位：家</title>' in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert "2021年超2400家（约数）" in desc and "2023年无报道" in desc and "2025年未报道" in desc
    assert "<text" in svg and "<image" not in svg and "http" not in svg.replace("http://www.w3.org", "")


def test_no_editions_no_charts(toy) -> None:
    _, _, metrics = toy
    assert charts.render_charts([], [], metrics, {}) == {}


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory):
    """The seeds through the real pipeline into a temporary docs/ (no MkDocs)."""
    from yearbook import pipeline

    project = copy_project(tmp_path_factory.mktemp("charts_site"))
    result = pipeline.build(project, quiet=True)
    return project, result


def test_topic_trend_shows_metaverse_in_2022_and_shuzhi_in_2025(seed_build) -> None:
    _, result = seed_build
    by_stem = {p.article.stem: p for p in result.articles}
    trend = render.topic_trend(result.editions, by_stem)
    assert sorted(trend) == [2021, 2022, 2025]
    assert trend[2022]["metaverse"] > 0 and trend[2021]["metaverse"] == 0 and trend[2025]["metaverse"] == 0
    assert trend[2025]["digital-intelligence"] > 0
    assert trend[2021]["digital-intelligence"] == 0 and trend[2022]["digital-intelligence"] == 0
    heat = {row["topic"].id: row for row in render.topic_heat(trend, list(range(2021, 2026)))}
    levels = [c["level"] for c in heat["metaverse"]["cells"]]
    assert levels[1] == 4 and levels[0] == 0 and heat["metaverse"]["cells"][2]["value"] is None


def test_generated_pages_show_charts_timeline_and_heat_table(seed_build) -> None:
    project, _ = seed_build
    docs = project / "docs"
    home = (docs / "index.md").read_text(encoding="utf-8")
    compare = (docs / "compare" / "index.md").read_text(encoding="utf-8")
    # timeline: every year 2021–2025, the gap years marked
    for y in range(2021, 2026):
        assert f'<div class="yb-tl-year">{y}</div>' in home
    assert home.count("yb-tl-gap") == 2 and "本站尚未收录该年的报道" in home
    assert home.count('<figure class="yb-chart"') == 4
    # every chart an <img> whose file exists, with alt text and a data table
    for text, base in ((home, docs), (compare, docs / "compare")):
        for src, alt in re.findall(r'<img src="([^"]+\.svg)" alt="([^"]+)"', text):
            assert (base / src).resolve().is_file(), src
            assert re.search(r"\d{4}年", alt)
    assert compare.count('<details class="yb-chart-data">') >= 8
    assert '<table class="yb-heat">' in compare and "元宇宙" in compare
    # sortable table: year columns sort numerically, gap years do not sort
    assert compare.count('data-sort-method="yb-number"') == 4  # 指标 + 2021, 2022, 2025
    assert compare.count('data-sort-method="none" class="yb-gap"') == 2
