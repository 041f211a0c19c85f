"""Charts as static SVG, written at build time by a small hand-written renderer (no JS, no network).

Why static SVG: the site must load from mainland China without a CDN, and a reader should get
the picture without running a chart library. Each chart is built from the same records as the
comparison table, so both always agree. Three rules the charts keep:

* a year without a figure is a gap, never a zero: lines are cut into segments at every missing
  year, years without articles are shaded and labelled 无报道, editions that did not report the
  metric are labelled 未报道;
* a value with a qualifier (超/近/余/多/约…) is drawn as a hollow point, legend 约数;
* the SVG is accessible on its own (role="img", <title>, <desc> with every number) and
  byte-identical from one build to the next, so `git diff` and caches stay quiet.

Why hand-written and not Vega-Lite: the charts used to go through vl-convert, which runs a JS
engine: 0.9 s for the first chart and ~0.15 s for each one after (threads did not help), so ~5.5 s
of a 17 s cold build at 1,000 articles went on the 28 charts — one chart cost more than the build
spends on ten articles, and rebuilds needed a disk cache of SVGs. The charts are simple (points and
broken lines over at most ~20 years, a zero-based value axis with a few "nice" ticks), so `layout()`
below computes the geometry in plain Python and `templates/partials/chart.svg.j2` writes it out with
Jinja's autoescaping on every text from data files or articles: about a millisecond a chart, no cache.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import templating, writer
from .records import Edition, Figure

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
FONT_SIZE = 11
INK = "#212121"  # text: contrast well above 4.5:1 on white
MUTED = "#5f6368"  # secondary text, still ≥ 4.5:1 on white and on the gap shading
LINE = "#c62828"  # Material red 800, the site's primary colour family
GRID = "#e0e0e0"
AXIS = "#9e9e9e"
GAP_FILL = "#eeeeee"
EXACT, APPROX = "确数", "约数"
NO_COVERAGE, NOT_REPORTED = "无报道", "未报道"
HOME_METRICS = ("exhibitors_offline", "exhibition_area_sqm", "outcomes", "intl_rate")
SCOPE_SLUGS = {"整体": "overall", "线下": "offline", "线上": "online", "综合展": "comprehensive", "专题展": "thematic"}
TOPIC_PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
)
METRIC_SIZE = (520, 250)  # every metric chart the same size, so the grid of charts lines up
TOPIC_SIZE = (640, 250)


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
    unit: str | None = None  # in the title; the value labels on the plot leave it out

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
                         alt=_alt(f"历届{m.zh}{f'（{scope}）' if scope else ''}", years, points), points=points,
                         unit=unit))
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


def catalogue(editions: list[Edition], years: list[int], metrics: Any, trend: dict,
              cache: Path | None = None, draw: bool = True) -> dict[str, Chart]:
    """Every chart the site shows, by key, rendered (svg) unless `draw` is False (drawings() then
    draws them, in a render job, while the pages that show them are made); the templates look
    charts up here.

    `cache`: a folder where drawn charts are kept by what they show (a chart is its data, so the
    same Chart over the same years draws the same bytes): after an edit most charts are unchanged,
    and drawing all of them again was a third of the main process's share of a rebuild."""
    if not editions or not years:
        return {}
    charts = {c.key: c for c in metric_charts(editions, years, metrics)}
    t = topic_chart(editions, years, trend)
    if t:
        charts[t.key] = t
    out = {}
    for key, chart in charts.items():
        width, height = TOPIC_SIZE if chart.series else METRIC_SIZE
        out[key] = replace(chart, width=width, height=height)
    if draw:
        svgs = drawings(out, years, cache)
        out = {key: replace(c, svg=svgs[c.filename]) for key, c in out.items()}
    return out


def drawings(catalog: dict[str, Chart], years: list[int], cache: Path | None = None) -> dict[str, str]:
    """The SVG of every chart of the catalogue, by file name."""
    drawn: set[str] = set()
    out = {c.filename: _drawn(replace(c, width=0, height=0, svg=""), years, cache, drawn) for c in catalog.values()}
    if cache is not None:
        writer.keep_only(cache, drawn.__contains__)  # (one generation, as the page cache)
    return out


def _drawn(chart: Chart, years: list[int], cache: Path | None, drawn: set[str]) -> str:
    if cache is None:
        return svg(layout(chart, years))
    name = hashlib.sha256(repr((chart, years)).encode("utf-8")).hexdigest()[:32] + ".svg"
    drawn.add(name)
    path = cache / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    text = svg(layout(chart, years))
    try:
        cache.mkdir(parents=True, exist_ok=True)
        writer.write_atomic(path, text.encode("utf-8"))
    except OSError:
        pass  # a read-only checkout draws every chart every time
    return text


def home_charts(catalog: dict[str, Chart]) -> list[Chart]:
    """The small set on the home page: the first key (any scope) of each HOME_METRICS entry."""
    out = []
    for metric in HOME_METRICS:
        key = next((k for k in catalog if k == metric or k.startswith(metric + "@")), None)
        if key:
            out.append(catalog[key])
    return out


# --- geometry --------------------------------------------------------------------------------


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


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values covering [lo, hi], about `count` intervals of 1, 2 or 5 × 10^n (as d3/Vega do)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    step = 10 ** math.floor(math.log10(raw))
    err = raw / step
    step *= 10 if err >= math.sqrt(50) else 5 if err >= math.sqrt(10) else 2 if err >= math.sqrt(2) else 1
    while True:  # the domain is extended to whole steps; keep that to at most count + 2 intervals
        first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
        if last - first <= count + 2:
            return [round(i * step, 10) for i in range(first, last + 1)]
        mantissa = round(step / 10 ** math.floor(math.log10(step)))
        step *= 2.5 if mantissa == 2 else 2


def _num(x: float) -> str:
    """A number without exponent or float noise: 2.5, 1200, 0.3."""
    return f"{round(x, 9) + 0.0:.10g}"


def zh_tick(x: float) -> str:
    """An axis number the Chinese way: 5000, 1.5万, 30万, 2亿 (the unit is in the caption and <title>)."""
    if abs(x) >= 1e8:
        return _num(x / 1e8) + "亿"
    if abs(x) >= 1e4:
        return _num(x / 1e4) + "万"
    return _num(x)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated advance of a string: CJK and full-width characters 1 em, digits and Latin ~0.6 em."""
    w = 0.0
    for ch in text:
        if ord(ch) >= 0x2E80:
            w += 1.0
        elif ch in ".,:;'|!il":
            w += 0.3
        elif ch in "%@WM":
            w += 0.9
        else:
            w += 0.58
    return w * size


def _c(x: float) -> str:
    """A coordinate, to 0.1 px: short and identical from run to run."""
    return f"{round(x, 1) + 0.0:g}"


def _overlaps(box: tuple[float, float, float, float], boxes: list[tuple[float, float, float, float]]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes)


def _short_label(label: str, unit: str | None) -> str:
    """The value label on the plot without the unit, which the caption and <title> carry: 近2000家 → 近2000."""
    if unit and unit != "%" and label.endswith(unit) and len(label) > len(unit):
        return label[: -len(unit)]
    return label


def _is_dip(points: tuple[Point, ...], i: int) -> bool:
    """A value below its neighbours: its label goes under the point, where the line is not."""
    v = points[i].value
    near = [points[j].value for j in (i - 1, i + 1) if 0 <= j < len(points) and points[j].value is not None]
    return v is not None and bool(near) and all(v < n for n in near)


def layout(chart: Chart, years: list[int]) -> dict:
    """Everything the SVG template draws, in pixels: gap bands, grid, axes, lines, points, labels, legend.

    Metric charts: one line in LINE, filled points for exact values, hollow for approximate ones,
    each value labelled above its point (or below, or left out when it would collide with a label
    already placed; the numbers are all in <desc> and in the data table under the chart).
    Topic charts (chart.series): one coloured line per topic and a legend on the right.
    """
    topic = bool(chart.series)
    width, height = TOPIC_SIZE if topic else METRIC_SIZE
    series = list(chart.series) if topic else [(chart.title, chart.points)]
    base_points = series[0][1]
    values = [p.value for _, pts in series for p in pts if p.value is not None]
    lo, hi = min([0.0, *values]), max([0.0, *values])
    if hi == lo:
        hi = lo + 1
    # headroom for the value labels above the highest point (the topic chart has none)
    ticks = nice_ticks(lo, hi if topic else hi + (hi - lo) * 0.25, 4)
    fmt = _num if topic else zh_tick
    tick_labels = [fmt(t) for t in ticks]

    legend_w = (max(text_width(label) for label, _ in series) + 30) if topic else 0
    top = 14 if topic else 34
    bottom = height - 28
    left = 8 + max(text_width(t) for t in tick_labels) + 8
    right = width - 10 - legend_w
    n = len(years)
    step = (right - left) / n
    d0, d1 = ticks[0], ticks[-1]

    def sx(year: float) -> float:
        return left + (year - years[0] + 0.5) * step

    def sy(v: float) -> float:
        return bottom - (v - d0) / (d1 - d0) * (bottom - top)

    # boxes (x0, y0, x1, y1) of the text placed so far, which a value label must not cover: first the axis labels
    taken = [(left - 6 - text_width(t), sy(v) + 4 - FONT_SIZE, left - 6, sy(v) + 4)
             for v, t in zip(ticks, tick_labels, strict=True)]
    bands, gap_labels = [], []
    for p in base_points:
        if p.status not in (NO_COVERAGE, NOT_REPORTED):
            continue
        x = sx(p.year)
        if p.status == NO_COVERAGE:
            if bands and bands[-1]["year"] == p.year - 1:  # one band over adjacent years: no seam between them
                bands[-1]["year"] = p.year
            else:
                bands.append({"year": p.year, "x0": x - step / 2})
        w = text_width(p.label)
        if w + 4 <= step:  # fits across the band
            gap_labels.append({"x": _c(x), "y": _c(bottom - 5), "text": p.label, "chars": ()})
            taken.append((x - w / 2, bottom - 5 - FONT_SIZE, x + w / 2, bottom - 5))
        else:  # narrow band: stack the characters, as Chinese is often set vertically
            y0 = bottom - 5 - (len(p.label) - 1) * (FONT_SIZE + 1)
            gap_labels.append({"x": _c(x), "y": _c(y0), "text": p.label,
                               "chars": tuple((ch, _c(y0 + i * (FONT_SIZE + 1))) for i, ch in enumerate(p.label))})
            taken.append((x - FONT_SIZE / 2, y0 - FONT_SIZE, x + FONT_SIZE / 2, bottom - 5))

    bands = [{"x": _c(b["x0"]), "y": _c(top), "w": _c(sx(b["year"]) + step / 2 - b["x0"]), "h": _c(bottom - top)}
             for b in bands]
    grid = [{"y": _c(sy(t)), "ty": _c(sy(t) + 4), "label": label} for t, label in zip(ticks, tick_labels, strict=True)]
    every = max(1, math.ceil((text_width("2000") + 6) / step))  # label every year if the years fit
    xticks = [{"x": _c(sx(y)), "label": str(y) if (y - years[0]) % every == 0 else ""} for y in years]

    lines, points, labels = [], [], []
    for i, (name, pts) in enumerate(series):
        color = TOPIC_PALETTE[i % len(TOPIC_PALETTE)] if topic else LINE
        segs: dict[int, list[str]] = {}
        for row in _segments(pts):
            segs.setdefault(row["seg"], []).append(f"{_c(sx(row['year']))},{_c(sy(row['value']))}")
        d = "".join("M" + "L".join(xy) for xy in segs.values() if xy)
        if d:
            lines.append({"d": d, "color": color, "name": name})
        for p in pts:
            if p.value is None:
                continue
            hollow = p.status == APPROX
            points.append({"x": _c(sx(p.year)), "y": _c(sy(p.value)), "r": "3.5" if topic else "4.5",
                           "fill": "#ffffff" if hollow else color, "stroke": color})
    if not topic:
        placed = [(i, p) for i, p in enumerate(base_points) if p.value is not None]
        if placed:
            # the last, first, highest and lowest values first, then the rest from left to right
            order = [placed[-1], placed[0], max(placed, key=lambda ip: ip[1].value),
                     min(placed, key=lambda ip: ip[1].value), *placed]
            seen: set[int] = set()
            for i, p in order:
                if i in seen:
                    continue
                seen.add(i)
                text = _short_label(p.label, chart.unit)
                w, x, y = text_width(text), sx(p.year), sy(p.value)
                x = min(max(x, w / 2 + 2), width - w / 2 - 2)  # keep the first and last label inside
                above, below = y - 8, y + 8 + FONT_SIZE
                for base in (below, above) if _is_dip(base_points, i) else (above, below):
                    box = (x - w / 2 - 1, base - FONT_SIZE, x + w / 2 + 1, base + 2)
                    if box[1] >= 0 and box[3] <= bottom and not _overlaps(box, taken):
                        taken.append(box)
                        labels.append((i, {"x": _c(x), "y": _c(base), "text": text}))
                        break
            labels = [label for _, label in sorted(labels, key=lambda il: il[0])]

    if topic:
        row = min(16.0, (bottom - top) / max(1, len(lines)))
        legend = [{"kind": "line", "x": _c(right + 16), "y": _c(top + 6 + i * row), "color": line["color"],
                   "text": line["name"]} for i, line in enumerate(lines)]
    else:
        x2 = left + 4 + 8 + text_width(EXACT) + 14
        legend = [{"kind": "point", "x": _c(left + 4), "y": "14", "color": LINE, "fill": LINE, "text": EXACT},
                  {"kind": "point", "x": _c(x2), "y": "14", "color": LINE, "fill": "#ffffff", "text": APPROX}]

    ident = re.sub(r"[^a-z0-9]+", "-", chart.filename.removesuffix(".svg").lower()).strip("-")
    return {
        "ident": ident, "width": width, "height": height, "title": chart.title, "desc": chart.alt,
        "font": FONT, "font_size": FONT_SIZE,
        "colors": {"ink": INK, "muted": MUTED, "grid": GRID, "axis": AXIS, "gap": GAP_FILL},
        "plot": {"left": _c(left), "right": _c(right), "top": _c(top), "bottom": _c(bottom),
                 "ylabel_x": _c(left - 6), "tick_y": _c(bottom + 5), "xlabel_y": _c(bottom + 17)},
        "bands": bands, "gap_labels": gap_labels, "grid": grid, "xticks": xticks,
        "lines": lines, "points": points, "labels": labels, "legend": legend,
    }


# --- SVG -------------------------------------------------------------------------------------


def svg(drawing: dict, templates: Path = TEMPLATES) -> str:
    """The SVG text of a layout(): root <svg role="img"> labelled by its <title> and <desc>."""
    # get_template each time: Jinja recompiles it when the file changed (editing it under `mkdocs serve`)
    template = templating.xml_environment_for(templates).get_template("partials/chart.svg.j2")
    return template.render(**drawing).strip() + "\n"
