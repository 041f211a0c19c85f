"""Charts as static SVG, rendered at build time with Vega-Lite (vl-convert, no network, no JS).

Why static SVG: the site must load from mainland China without a CDN, and a reader should get
the picture without running a chart library. Each chart is built from the same records as the
comparison table, so both always agree. Three rules the charts keep:

* a year without a figure is a gap, never a zero: lines are cut into segments at every missing
  year, years without articles are shaded and labelled 无报道, editions that did not report the
  metric are labelled 未报道;
* a value with a qualifier (超/近/余/多/约…) is drawn as a hollow point, legend 约数;
* the SVG is accessible on its own (role="img", <title>, <desc> with every number) and
  byte-identical from one build to the next, so `git diff` and caches stay quiet.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .records import Edition, Figure

VEGALITE_VERSION = "5.21"
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
INK = "#212121"  # text: contrast well above 4.5:1 on white
MUTED = "#5f6368"  # secondary text, still ≥ 4.5:1 on white and on the gap shading
LINE = "#c62828"  # Material red 800, the site's primary colour family
GAP_FILL = "#eeeeee"
EXACT, APPROX = "确数", "约数"
NO_COVERAGE, NOT_REPORTED = "无报道", "未报道"
HOME_METRICS = ("exhibitors_offline", "exhibition_area_sqm", "outcomes", "intl_rate")
SCOPE_SLUGS = {"整体": "overall", "线下": "offline", "线上": "online", "综合展": "comprehensive", "专题展": "thematic"}
TOPIC_PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
)


@dataclass(frozen=True)
class Point:
    """One year of one chart, as the data table beside the chart shows it."""

    year: int
    value: float | None
    label: str  # what a reader sees: "超2,400家", "未报道", "无报道"
    status: str  # EXACT | APPROX | NOT_REPORTED | NO_COVERAGE


@dataclass(frozen=True)
class Chart:
    """What a template needs to show one chart: file, text alternative and data table."""

    key: str  # metric key ("intl_rate@整体") or "topics"
    filename: str
    title: str
    alt: str
    points: tuple[Point, ...] = ()
    series: tuple[tuple[str, tuple[Point, ...]], ...] = field(default=())  # topic charts: (label, points)
    width: int = 0  # of the rendered SVG, so the <img> reserves its space before it loads
    height: int = 0
    svg: str = field(default="", repr=False, compare=False)

    @property
    def approx(self) -> bool:
        return any(p.status == APPROX for p in self.points)


# --- what to chart ---------------------------------------------------------------------------


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def chart_filename(key: str) -> str:
    """An ASCII file name for a metric key: intl_rate@整体 → intl_rate-overall.svg."""
    metric, _, scope = key.partition("@")
    if not scope:
        return f"{metric}.svg"
    slug = SCOPE_SLUGS.get(scope) or hashlib.sha1(scope.encode("utf-8")).hexdigest()[:8]
    return f"{metric}-{slug}.svg"


def metric_charts(editions: list[Edition], years: list[int], metrics: Any) -> list[Chart]:
    """One chart per numeric metric key (and scope), in metrics.yml order."""
    from .render import figure_text, metric_keys  # render imports this module

    by_year = {e.year: e for e in editions}
    out = []
    for key, m, scope in metric_keys(editions, metrics):
        figs = {e.year: e.metrics[key].chosen for e in editions if key in e.metrics}
        if not figs or not all(_is_number(f.value) for f in figs.values()):
            continue
        scope = scope or next((f.scope for f in figs.values() if f.scope), None)
        unit = next((f.unit for f in figs.values() if f.unit), None) or m.unit
        points = tuple(_point(y, by_year, figs.get(y), figure_text) for y in years)
        title = f"{m.zh}{f'（{scope}）' if scope else ''}{f'，单位：{unit}' if unit else ''}"
        out.append(Chart(key=key, filename=chart_filename(key), title=title,
                         alt=_alt(f"历届{m.zh}{f'（{scope}）' if scope else ''}", years, points), points=points))
    return out


def _point(year: int, by_year: dict[int, Edition], f: Figure | None, fmt: Any) -> Point:
    if year not in by_year:
        return Point(year, None, NO_COVERAGE, NO_COVERAGE)
    if f is None:
        return Point(year, None, NOT_REPORTED, NOT_REPORTED)
    return Point(year, float(f.value), fmt(f), APPROX if f.qualifier else EXACT)


def _alt(what: str, years: list[int], points: Iterable[Point]) -> str:
    span = f"{years[0]}—{years[-1]}年" if years else ""
    parts = [f"{p.year}年{p.label}{'（约数）' if p.status == APPROX else ''}" for p in points]
    return f"{what}折线图，{span}：" + "；".join(parts) + "。"


def topic_chart(editions: list[Edition], years: list[int], trend: dict[int, dict[str, float]]) -> Chart | None:
    """Watched topics per edition (mentions per 10,000 characters); only topics that occur at all."""
    from . import topics

    by_year = {e.year: e for e in editions}
    series = []
    for t in topics.load():
        if not any(trend.get(y, {}).get(t.id, 0) for y in by_year):
            continue
        pts = tuple(
            Point(y, trend[y].get(t.id, 0.0), f"{trend[y].get(t.id, 0.0):g}", EXACT) if y in by_year
            else Point(y, None, NO_COVERAGE, NO_COVERAGE)
            for y in years
        )
        series.append((t.zh, pts))
    if not series:
        return None
    span = f"{years[0]}—{years[-1]}年" if years else ""
    per_topic = (
        f"{label}：" + "，".join(f"{p.year}年{p.label}" for p in pts if p.status != NO_COVERAGE)
        for label, pts in series
    )
    alt = (f"话题热度折线图（每万字提及次数），{span}：" + "；".join(per_topic) + "。"
           + "".join(f"{y}年无报道。" for y in years if y not in by_year))
    return Chart(key="topics", filename="topics.svg", title="话题热度（每万字提及次数）", alt=alt, series=tuple(series))


def catalogue(editions: list[Edition], years: list[int], metrics: Any, trend: dict) -> dict[str, Chart]:
    """Every chart the site shows, rendered, by key; the templates look charts up here."""
    if not editions or not years:
        return {}
    charts = {c.key: c for c in metric_charts(editions, years, metrics)}
    t = topic_chart(editions, years, trend)
    if t:
        charts[t.key] = t
    out = {}
    for key, chart in charts.items():
        spec = topic_spec(chart, years, 520, 220) if key == "topics" else metric_spec(chart, years, 480, 190)
        text = svg(spec, chart)
        size = re.search(r'<svg\b[^>]*?\swidth="(\d+)"[^>]*?\sheight="(\d+)"', text)
        width, height = (int(size.group(1)), int(size.group(2))) if size else (0, 0)
        out[key] = replace(chart, width=width, height=height, svg=text)
    return out


def home_charts(catalog: dict[str, Chart]) -> list[Chart]:
    """The small set on the home page: the first key (any scope) of each HOME_METRICS entry."""
    out = []
    for metric in HOME_METRICS:
        key = next((k for k in catalog if k == metric or k.startswith(metric + "@")), None)
        if key:
            out.append(catalog[key])
    return out


# --- Vega-Lite specs -------------------------------------------------------------------------


def _segments(points: Iterable[Point]) -> list[dict]:
    """Rows for the line layer: consecutive years with a value share a segment id, so a gap cuts the line."""
    rows, seg, prev = [], 0, None
    for p in points:
        if p.value is None:
            prev = None
            continue
        if prev is None or p.year != prev + 1:
            seg += 1
        rows.append({"year": p.year, "value": p.value, "seg": seg})
        prev = p.year
    return rows


def _base(width: int, height: int) -> dict:
    return {
        "$schema": f"https://vega.github.io/schema/vega-lite/v{VEGALITE_VERSION.split('.')[0]}.json",
        "width": width,
        "height": height,
        "background": "#ffffff",
        "padding": {"left": 4, "right": 8, "top": 8, "bottom": 4},
        "config": {
            "font": FONT,
            "aria": False,  # the root <svg> gets role="img", <title> and <desc> instead
            "view": {"stroke": None},
            "axis": {"labelColor": INK, "titleColor": INK, "labelFontSize": 11, "titleFontSize": 11,
                     "domainColor": "#9e9e9e", "tickColor": "#9e9e9e", "gridColor": "#e0e0e0"},
            "legend": {"labelColor": INK, "titleColor": INK, "labelFontSize": 11, "orient": "top"},
        },
    }


def _year_x(years: list[int]) -> dict:
    return {
        "field": "year", "type": "quantitative", "title": None,
        "scale": {"domain": [years[0] - 0.5, years[-1] + 0.5], "nice": False, "zero": False},
        "axis": {"values": years, "format": "d", "grid": False, "labelFlush": False},
    }


def _gap_layers(points: Iterable[Point], years: list[int]) -> list[dict]:
    """Shaded bands for years without articles, and the 无报道 / 未报道 labels."""
    gaps = [{"year": p.year, "x0": p.year - 0.5, "x1": p.year + 0.5, "label": p.label}
            for p in points if p.status in (NO_COVERAGE, NOT_REPORTED)]
    if not gaps:
        return []
    x = {"field": "x0", "type": "quantitative", "scale": {"domain": [years[0] - 0.5, years[-1] + 0.5]}}
    return [
        {"data": {"values": [g for g in gaps if g["label"] == NO_COVERAGE]},
         "mark": {"type": "rect", "fill": GAP_FILL},
         "encoding": {"x": x, "x2": {"field": "x1"}, "y": {"value": 0}, "y2": {"value": "height"}}},
        {"data": {"values": gaps},
         "mark": {"type": "text", "color": MUTED, "fontSize": 11, "baseline": "bottom", "dy": -4},
         "encoding": {"x": {"field": "year", "type": "quantitative"}, "y": {"value": "height"},
                      "text": {"field": "label"}}},
    ]


def _y_axis() -> dict:
    """Plain numbers, 万 for ten thousands; the unit is in the chart's caption and <title>."""
    big = "datum.value >= 10000 ? format(datum.value / 10000, '~g') + '万' : format(datum.value, '~g')"
    return {"title": None, "labelExpr": big, "tickCount": 4}


def metric_spec(chart: Chart, years: list[int], width: int, height: int) -> dict:
    """A line with one point per year that has a value; hollow points for approximate values."""
    top = max((p.value for p in chart.points if p.value is not None), default=1.0) or 1.0
    y = {"field": "value", "type": "quantitative", "title": None,
         "scale": {"domain": [0, top * 1.25], "nice": True, "zero": True}, "axis": _y_axis()}
    values = [{"year": p.year, "value": p.value, "label": p.label, "status": p.status}
              for p in chart.points if p.value is not None]
    legend = {"title": None, "symbolStrokeColor": LINE, "symbolStrokeWidth": 2, "symbolSize": 70}
    spec = _base(width, height)
    spec["layer"] = [
        *_gap_layers(chart.points, years),
        {"data": {"values": _segments(chart.points)},
         "mark": {"type": "line", "color": LINE, "strokeWidth": 2},
         "encoding": {"x": _year_x(years), "y": y, "detail": {"field": "seg", "type": "nominal"}}},
        {"data": {"values": values},
         "mark": {"type": "point", "shape": "circle", "size": 70, "stroke": LINE, "strokeWidth": 2, "opacity": 1},
         "encoding": {"x": {"field": "year", "type": "quantitative"}, "y": {"field": "value", "type": "quantitative"},
                      "fill": {"field": "status", "type": "nominal",
                               "scale": {"domain": [EXACT, APPROX], "range": [LINE, "#ffffff"]}, "legend": legend}}},
        {"data": {"values": values},
         "mark": {"type": "text", "color": INK, "fontSize": 11, "baseline": "bottom", "dy": -8},
         "encoding": {"x": {"field": "year", "type": "quantitative"}, "y": {"field": "value", "type": "quantitative"},
                      "text": {"field": "label"}}},
    ]
    return spec


def topic_spec(chart: Chart, years: list[int], width: int, height: int) -> dict:
    """One coloured line per topic; gaps cut the lines the same way as in the metric charts."""
    labels = [label for label, _ in chart.series]
    lines, pts = [], []
    for label, points in chart.series:
        lines += [{**r, "topic": label, "seg": f"{label}-{r['seg']}"} for r in _segments(points)]
        pts += [{"year": p.year, "value": p.value, "topic": label} for p in points if p.value is not None]
    color = {"field": "topic", "type": "nominal", "title": None,
             "scale": {"domain": labels, "range": list(TOPIC_PALETTE[: len(labels)])},
             "legend": {"orient": "right", "symbolType": "stroke", "symbolStrokeWidth": 3}}
    y = {"field": "value", "type": "quantitative", "title": None, "scale": {"zero": True, "nice": True},
         "axis": {**_y_axis(), "labelExpr": "format(datum.value, '~g')"}}
    spec = _base(width, height)
    spec["layer"] = [
        *_gap_layers(chart.series[0][1], years),
        {"data": {"values": lines}, "mark": {"type": "line", "strokeWidth": 2},
         "encoding": {"x": _year_x(years), "y": y, "color": color, "detail": {"field": "seg", "type": "nominal"}}},
        {"data": {"values": pts}, "mark": {"type": "point", "filled": True, "size": 40, "opacity": 1},
         "encoding": {"x": {"field": "year", "type": "quantitative"}, "y": {"field": "value", "type": "quantitative"},
                      "color": {"field": "topic", "type": "nominal", "legend": None}}},
    ]
    return spec


# --- SVG -------------------------------------------------------------------------------------


CACHE_DIR: Path | None = None  # set by render_site: SVGs by spec hash, so a rebuild skips vl-convert


@lru_cache(maxsize=256)
def _to_svg(spec_json: str) -> str:
    """vl-convert takes ~0.1–0.7 s a chart; the same spec always gives the same SVG, so keep it on disk."""
    import vl_convert

    path = None
    if CACHE_DIR is not None:
        key = hashlib.sha256(f"{vl_convert.__version__}:{VEGALITE_VERSION}:{spec_json}".encode()).hexdigest()
        path = CACHE_DIR / f"{key}.svg"
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            pass
    out = vl_convert.vegalite_to_svg(json.loads(spec_json), vl_version=VEGALITE_VERSION, allowed_base_urls=[])
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(out, encoding="utf-8")
            tmp.replace(path)
        except OSError:
            pass
    return out


def svg(spec: dict, chart: Chart) -> str:
    """Render a spec and make the root <svg> accessible: role="img", <title>, <desc> with the numbers."""
    raw = _to_svg(json.dumps(spec, ensure_ascii=False, sort_keys=True))
    ident = re.sub(r"[^a-z0-9]+", "-", chart.filename.removesuffix(".svg").lower()).strip("-")
    m = re.search(r"<svg\b[^>]*>", raw)
    if not m:
        raise ValueError("vl-convert returned no <svg> element")
    head = m.group(0)
    head = re.sub(r'\s(role|aria-[a-z]+)="[^"]*"', "", head)
    head = head[:-1] + f' role="img" aria-labelledby="{ident}-title {ident}-desc">'
    meta = (f'<title id="{ident}-title">{html.escape(chart.title)}</title>'
            f'<desc id="{ident}-desc">{html.escape(chart.alt)}</desc>')
    return raw[: m.start()] + head + meta + raw[m.end():].rstrip() + "\n"


def render_charts(editions: list[Edition], years: list[int], metrics: Any, trend: dict) -> dict[str, str]:
    """{filename: svg} for every chart in the catalogue; render_site writes them to docs/assets/charts/."""
    return {c.filename: c.svg for c in catalogue(editions, years, metrics, trend).values()}
