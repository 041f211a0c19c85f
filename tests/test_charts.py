"""Charts, timeline and topic trends: gaps stay gaps, approximate values are marked, output is stable."""

from __future__ import annotations

import itertools
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
import pytest

from tests.conftest import copy_project
from yearbook import charts, render, templating
from yearbook.records import Choice, Edition, Figure

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


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


def parse(svg: str) -> ET.Element:
    """The SVG as XML: it must be well-formed, whatever text went into it."""
    return ET.fromstring(svg)


def group(root: ET.Element, name: str) -> ET.Element:
    """A layer of the chart by its class (gaps, grid, y-axis, x-axis, gap-labels, lines, points, values, legend)."""
    found = root.findall(f".//{SVG}*[@class='{name}']")
    assert len(found) <= 1, name
    return found[0] if found else ET.Element("g")


def circles(root: ET.Element) -> list[dict]:
    """The data points."""
    return [c.attrib for c in group(root, "points").iter(f"{SVG}circle")]


def texts(root: ET.Element, layer: str) -> list[str]:
    return ["".join(t.itertext()) for t in group(root, layer).iter(f"{SVG}text")]


def year_x(root: ET.Element) -> dict[int, float]:
    """x of every year label on the axis."""
    return {int(t.text): float(t.get("x")) for t in group(root, "x-axis").iter(f"{SVG}text")}


def subpaths(d: str) -> list[list[tuple[float, float]]]:
    return [[tuple(map(float, xy.split(","))) for xy in part.split("L")] for part in d.split("M")[1:]]


def test_every_year_is_on_the_axis_and_missing_years_are_not_zero(toy) -> None:
    eds, years, metrics = toy
    cat = charts.catalogue(eds, years, metrics, {})
    c = cat["exhibitors_offline"]
    assert [p.year for p in c.points] == years
    assert [p.status for p in c.points] == ["约数", "确数", "无报道", "无报道", "未报道"]
    assert [p.value for p in c.points][2:] == [None, None, None]
    root = parse(c.svg)
    xs = year_x(root)
    assert sorted(xs) == years  # every year labelled, covered or not
    pts = circles(root)
    assert [float(p["cx"]) for p in pts] == [xs[2021], xs[2022]]  # no point (and no zero) for 2023–2025
    assert texts(root, "gap-labels") == ["无报道", "无报道", "未报道"]
    # one shaded band spans 2023 and 2024 (no seam between them), none over 2025
    bands = [r.attrib for r in group(root, "gaps").iter(f"{SVG}rect")]
    assert len(bands) == 1
    x0, x1 = float(bands[0]["x"]), float(bands[0]["x"]) + float(bands[0]["width"])
    assert x0 < xs[2023] < xs[2024] < x1 < xs[2025] and x0 > xs[2022]
    assert (c.width, c.height) == (int(root.get("width")), int(root.get("height"))) == charts.METRIC_SIZE


def test_a_gap_cuts_the_line(toy) -> None:
    pts = [charts.Point(2021, 1.0, "1", "确数"), charts.Point(2022, 2.0, "2", "确数"),
           charts.Point(2023, None, "无报道", "无报道"), charts.Point(2024, 3.0, "3", "确数")]
    assert [r["seg"] for r in charts._segments(pts)] == [1, 1, 2]
    eds, years, metrics = toy
    root = parse(charts.catalogue(eds, years, metrics, {})["intl_rate@整体"].svg)
    xs = year_x(root)
    (d,) = [p.get("d") for p in group(root, "lines").iter(f"{SVG}path")]
    parts = subpaths(d)
    # 2021–2022 joined; 2025 alone (a move, no line drawn into it); nothing crosses 2023–2024
    assert [[x for x, _ in part] for part in parts] == [[xs[2021], xs[2022]], [xs[2025]]]
    for part in parts:
        for (xa, _), (xb, _) in itertools.pairwise(part):
            assert not (xa < xs[2023] < xb)


def test_approximate_values_are_hollow_points_with_a_legend(toy) -> None:
    eds, years, metrics = toy
    c = charts.catalogue(eds, years, metrics, {})["intl_rate@整体"]
    assert c.filename == "intl_rate-overall.svg"
    assert [p.status for p in c.points if p.value is not None] == ["确数", "确数", "约数"]
    root = parse(c.svg)
    xs = year_x(root)
    fills = {float(p["cx"]): p["fill"] for p in circles(root)}
    assert fills == {xs[2021]: charts.LINE, xs[2022]: charts.LINE, xs[2025]: "#ffffff"}
    assert all(p["stroke"] == charts.LINE for p in circles(root))
    # legend: a filled circle for 确数, a hollow one for 约数
    legend = group(root, "legend")
    assert [c.get("fill") for c in legend.iter(f"{SVG}circle")] == [charts.LINE, "#ffffff"]
    assert texts(root, "legend") == ["确数", "约数"]
    assert texts(root, "values") == ["21%", "20.8%", "超20%"]


def test_value_labels_drop_the_unit_of_the_title_and_never_overlap() -> None:
    years = list(range(2012, 2026))
    pts = tuple(charts.Point(y, 2000.0 if y < 2024 else 2300.0 + y, "近2000家" if y < 2024 else f"{2300 + y}家",
                             "约数" if y < 2024 else "确数") for y in years)
    c = charts.Chart("x", "x.svg", "参展企业，单位：家", "alt", points=pts, unit="家")
    d = charts.layout(c, years)
    texts = [t["text"] for t in d["labels"]]
    assert texts[-1] == "4325" and "近2000" in texts and not any(t.endswith("家") for t in texts)
    boxes = []
    for t in d["labels"]:
        w, x, y = charts.text_width(t["text"]), float(t["x"]), float(t["y"])
        boxes.append((x - w / 2, y - charts.FONT_SIZE, x + w / 2, y))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    assert min(b[0] for b in boxes) >= 0 and max(b[2] for b in boxes) <= d["width"]


def test_nice_ticks_and_chinese_axis_numbers(toy) -> None:
    assert charts.nice_ticks(0, 2400 * 1.25) == [0, 1000, 2000, 3000]
    assert charts.nice_ticks(0, 12500) == [0, 5000, 10000, 15000]
    assert charts.nice_ticks(0, 258750) == [i * 50000 for i in range(7)]
    assert charts.nice_ticks(0, 0.3) == [0, 0.1, 0.2, 0.3]
    assert [charts.zh_tick(v) for v in (0, 5000, 15000, 300000, 2.5e8, 0.1 + 0.2)] == [
        "0", "5000", "1.5万", "30万", "2.5亿", "0.3"]
    eds, years, metrics = toy
    root = parse(charts.catalogue(eds, years, metrics, {})["exhibitors_offline"].svg)
    assert texts(root, "y-axis") == ["0", "1000", "2000", "3000"]
    # one grid line per tick, 0 at the bottom; the 2400 point sits between the 2000 and 3000 lines
    grid = [float(line.get("y1")) for line in group(root, "grid").iter(f"{SVG}line")]
    assert len(grid) == 4 and grid == sorted(grid, reverse=True)
    cy = {float(p["cx"]): float(p["cy"]) for p in circles(root)}[year_x(root)[2022]]
    assert grid[3] < cy < grid[2] and abs(cy - (grid[2] + (grid[3] - grid[2]) * 0.4)) < 0.2


def test_narrow_gap_bands_set_their_label_vertically() -> None:
    years = list(range(2006, 2026))
    pts = tuple(charts.Point(y, None, "无报道", "无报道") if y == 2010 else charts.Point(y, 1.0 * y, f"{y}", "确数")
                for y in years)
    root = parse(charts.svg(charts.layout(charts.Chart("k", "k.svg", "t", "a", points=pts), years)))
    (label,) = group(root, "gap-labels").iter(f"{SVG}text")
    assert [s.text for s in label.iter(f"{SVG}tspan")] == ["无", "报", "道"]
    xs = year_x(root)
    assert 2007 not in xs and 2006 in xs and 2008 in xs  # 20 years: every other year labelled, each has a tick


def test_text_from_data_is_escaped() -> None:
    years = [2021, 2022]
    pts = (charts.Point(2021, 1.0, '<img src=x onerror="alert(1)">', "确数"),
           charts.Point(2022, 2.0, "A&B", "约数"))
    c = charts.Chart("k", "k.svg", "标题<script>alert('x')</script>", "描述 & <b>粗</b>", points=pts)
    out = charts.svg(charts.layout(c, years))
    assert "<script" not in out and "<b>" not in out and "<img" not in out
    assert "标题&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in out and "A&amp;B" in out
    root = parse(out)
    assert root.find(f"{SVG}title").text == "标题<script>alert('x')</script>"
    assert root.find(f"{SVG}desc").text == "描述 & <b>粗</b>"


def test_svg_is_accessible_text_and_deterministic(toy) -> None:
    eds, years, metrics = toy
    first = _files(charts.catalogue(eds, years, metrics, {}))
    second = _files(charts.catalogue(eds, years, metrics, {}))
    assert first == second and set(first) == {"exhibitors_offline.svg", "intl_rate-overall.svg"}
    svg = first["exhibitors_offline.svg"]
    head = re.match(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="img"' in head and 'aria-labelledby="exhibitors-offline-title exhibitors-offline-desc"' in head
    assert '<title id="exhibitors-offline-title">线下参展企业，单位：家</title>' in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert "2021年超2400家（约数）" in desc and "2023年无报道" in desc and "2025年未报道" in desc
    assert "<text" in svg and "<image" not in svg and "http" not in svg.replace("http://www.w3.org", "")
    assert f'font-family="{charts.FONT}"' in svg
    # coordinates are rounded to 0.1 px: no float noise that could differ between machines
    assert not re.search(r"\d\.\d{2,}", svg.split("</desc>", 1)[1])


def test_a_drawn_chart_is_kept_and_drawn_again_only_when_its_data_change(toy, tmp_path, monkeypatch) -> None:
    eds, years, metrics = toy
    cache = tmp_path / "charts"
    plain = charts.catalogue(eds, years, metrics, {})
    kept = charts.catalogue(eds, years, metrics, {}, cache)
    assert {k: (c.svg, c.width, c.height) for k, c in kept.items()} == \
        {k: (c.svg, c.width, c.height) for k, c in plain.items()}
    assert len(list(cache.iterdir())) == len(kept) == 2

    def no_drawing(*_args):
        raise AssertionError("an unchanged chart was drawn again")

    monkeypatch.setattr(charts, "layout", no_drawing)
    assert charts.catalogue(eds, years, metrics, {}, cache)["exhibitors_offline"].svg == \
        plain["exhibitors_offline"].svg
    monkeypatch.undo()

    changed = [eds[0], edition(2022, exhibitors_offline=fig("exhibitors_offline", 2022, 2600, "家"),
                               intl_rate__整体=fig("intl_rate", 2022, 20.8, "%", scope="整体")), eds[2]]
    redrawn = charts.catalogue(changed, years, metrics, {}, cache)
    assert "2022年2600家" in redrawn["exhibitors_offline"].svg
    assert redrawn["intl_rate@整体"].svg == plain["intl_rate@整体"].svg
    assert len(list(cache.iterdir())) == 2  # the 2400 drawing is gone: one generation is kept


def test_no_editions_no_charts(toy) -> None:
    _, _, metrics = toy
    assert _files(charts.catalogue([], [], metrics, {})) == {}


def test_topic_chart_one_coloured_line_per_topic_with_a_legend(seed_build) -> None:
    _, result = seed_build
    by_stem = {p.article.stem: p for p in result.articles}
    eds = sorted(result.editions, key=lambda e: e.year)
    years = list(range(eds[0].year, eds[-1].year + 1))
    c = charts.catalogue(eds, years, render.load_metrics(ROOT), render.topic_trend(eds, by_stem))["topics"]
    root = parse(c.svg)
    labels = [label for label, _ in c.series]
    assert texts(root, "legend") == labels
    colours = [p.get("stroke") for p in group(root, "lines").iter(f"{SVG}path")]
    assert colours == list(charts.TOPIC_PALETTE[: len(labels)])
    assert [p.get("stroke") for p in group(root, "legend").iter(f"{SVG}path")] == colours
    assert (c.width, c.height) == charts.TOPIC_SIZE
    assert texts(root, "gap-labels") == ["无报道", "无报道"] and texts(root, "values") == []


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


def _files(catalog: dict) -> dict[str, str]:
    """{filename: svg}: what render_site writes to docs/assets/charts/."""
    return {c.filename: c.svg for c in catalog.values()}



def test_the_chart_template_is_compiled_once_and_kept_between_builds(toy, tmp_path: Path, monkeypatch) -> None:
    """Compiling it took 0.07 s of every build, one-article rebuilds included."""
    eds, years, metrics = toy
    chart = next(iter(charts.catalogue(eds, years, metrics, {}).values()))
    templates = tmp_path / "templates"
    shutil.copytree(charts.TEMPLATES, templates)
    assert charts.svg(charts.layout(chart, years), templates) == chart.svg
    assert len(list((tmp_path / ".build" / "cache" / "jinja-xml").iterdir())) == 1
    templating.xml_environment_for.cache_clear()  # as in the next build's process

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    assert charts.svg(charts.layout(chart, years), templates) == chart.svg
