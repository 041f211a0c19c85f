"""English pages: /en/, /en/compare/, /en/years/<year>/ and /en/about/, from the same records.

Labels come from data/metrics.yml (label_en, and the English qualifier words), data/topics.yml (en)
and data/site.yml (outlets, venues, themes, units). Article pages stay in Chinese; the English side
lists them with their metadata in English.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from . import datafiles, patterns
from . import render as zh
from .records import Edition, Figure

if TYPE_CHECKING:
    from .pipeline import BuildResult

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
STAGES = {"preview": "preview", "during": "during the fair", "closing": "closing report"}
SCOPES = {"整体": "overall", "线下": "on site", "线上": "online", "综合展": "general exhibition",
          "专题展": "thematic exhibitions"}
ROUND_WORDS = {100: "hundreds", 1000: "thousands", 10000: "tens of thousands", 100000: "hundreds of thousands",
               1000000: "millions"}
_PUNCT = patterns.compile(r"[\s，,、。.“”\"'·・:：;；!！]+")


@lru_cache(maxsize=4)
def site_strings(root: Path) -> dict[str, Any]:
    """data/site.yml: the English names of outlets, venues, themes and units."""
    path = root / "data" / "site.yml"
    return (datafiles.load(path) or {}) if path.exists() else {}


@lru_cache(maxsize=4)
def qualifier_words(root: Path) -> dict[str, str]:
    """Chinese qualifier (超, 近, 余 …) → English word (over, nearly, more than …), from data/metrics.yml."""
    return {q: str(spec["en"]) for q, spec in zh.qualifiers(root).items() if spec.get("en")}


def en_number(value: float | int) -> str:
    """152000 → 152,000; 20.8 → 20.8; 1234.5 → 1,234.5."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def en_date(iso: Any, year: bool = True) -> str:
    """'2022-09-05' → '5 September 2022'."""
    ymd = zh.iso_date(iso)
    if ymd is None:
        return str(iso)
    y, mo, d = ymd
    return f"{d} {MONTHS[mo - 1]} {y}" if year else f"{d} {MONTHS[mo - 1]}"


def en_range(start: Any, end: Any) -> str:
    """'2022-08-31', '2022-09-05' → '31 August to 5 September 2022'."""
    s, e = str(start), str(end)
    if s[:4] == e[:4]:
        return f"{en_date(s, year=False)} to {en_date(e)}"
    return f"{en_date(s)} to {en_date(e)}"


def edition_name_en(year: int) -> str:
    return f"CIFTIS {year}" if year >= 2020 else f"Beijing Fair {year}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def edition_ordinal_en(year: int) -> str:
    return f"{ordinal(year - zh.FIRST_EDITION + 1)} edition"


class English:
    """The English wording of the site's records; one per build."""

    def __init__(self, root: Path) -> None:
        self.strings = site_strings(root)
        self.quals = qualifier_words(root)
        self._unpunctuated: dict[str, dict[str, str]] = {}

    def _lookup(self, table: str, zh: str | None) -> str | None:
        mapping = self.strings.get(table) or {}
        if not zh:
            return None
        if zh in mapping:
            return mapping[zh]
        # else by the name without punctuation (each table's keys stripped once, not per lookup)
        loose = self._unpunctuated.get(table)
        if loose is None:
            loose = self._unpunctuated[table] = {}
            for k, v in mapping.items():
                loose.setdefault(_PUNCT.sub("", str(k)), v)
        return loose.get(_PUNCT.sub("", zh))

    def outlet(self, zh: str | None) -> str:
        """'新浪财经' → 'Sina Finance (新浪财经)'; unknown outlets keep their Chinese name."""
        if not zh:
            return "outlet not given"
        en = self._lookup("outlets_en", zh)
        return f"{en} ({zh})" if en else zh

    def venue(self, zh: str) -> str:
        return self._lookup("venues_en", zh) or zh

    def theme(self, zh: str) -> str:
        """The official English theme where known; the Chinese one otherwise (marked as such)."""
        en = self._lookup("themes_en", zh)
        return f"“{en}” ({zh})" if en else f"“{zh}” (in Chinese)"

    def qualifier(self, q: str | None) -> str:
        return self.quals.get(q or "", q or "")

    def scope(self, s: str | None) -> str:
        return SCOPES.get(s or "", s or "")

    def figure(self, f: Figure | None, kind: str = "") -> str:
        """A figure as an English reader expects it: 'over 900', '152,000 m²', '20.8%'."""
        if f is None:
            return ""
        v = f.value
        if isinstance(v, list):
            return ", ".join(self.venue(str(x)) for x in v)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            if kind == "date" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(v)):
                return en_date(v)
            if f.metric == "theme":
                return self.theme(str(v))
            if f.metric in ("guest_country", "guest_province"):
                return self._lookup("places_en", str(v)) or str(v)
            return str(v)
        units = self.strings.get("units_en") or {}
        unit = units.get(f.unit or "", "")
        word = self.qualifier(f.qualifier)
        if word == "tens of":  # 上百 / 上千 / 上万: "hundreds", "thousands", "tens of thousands"
            return ROUND_WORDS.get(v, f"over {en_number(v)}") + unit
        return f"{word} {en_number(v)}{unit}".strip()

    def change(self, ch: dict | None, unit: str | None) -> str:
        """render.change() in English: '▲ +12.3%' or '▼ −1.5 percentage points'."""
        if not ch:
            return ""
        arrow = ch["arrow"] if ch["arrow"] != "＝" else "="
        if unit == "%":
            return f"{arrow} {ch['diff']:+g} percentage points".replace("-", "−")
        if ch["pct"] is not None:
            return f"{arrow} {ch['pct']:+.1f}%".replace("-", "−")
        return f"{arrow} {en_number(ch['diff'])}".replace("-", "−")


def summary_en(e: Edition, en: English, metric_by_id: dict[str, zh.Metric]) -> str:
    """One readable English paragraph written from the facts alone (the English edition_summary)."""
    def val(key: str) -> Figure | None:
        c = e.metrics.get(key)
        return c.chosen if c else None

    start, end, venues, theme = val("start_date"), val("end_date"), val("venues"), val("theme")
    fair = en.strings.get("fair_en", "China International Fair for Trade in Services")
    if e.year < 2020:
        fair = en.strings.get("fair_before_2020_en", fair)
    text = f"{edition_name_en(e.year)}, the {ordinal(e.year - zh.FIRST_EDITION + 1)} {fair},"
    said = True
    if start and end:
        text += f" was held from {en_range(start.value, end.value)}"
    elif end:
        text += f" closed on {en_date(end.value)}"
    else:
        said = False
    if venues and isinstance(venues.value, list) and venues.value:
        names = [en.venue(str(v)) for v in venues.value]
        text += (" at " if said else " was held at ") + (
            " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1])
        said = True
    if theme:
        text += (", under the theme " if said else " had the theme ") + en.theme(str(theme.value))
        said = True
    text = text + "." if said else text.rstrip(",").replace(", the ", " was the ", 1) + "."
    scale = []
    for key, label in (
        ("exhibition_area_sqm", "an exhibition area of {}"), ("exhibitors_offline", "{} exhibitors on site"),
        ("exhibitors_online", "{} exhibitors online"), ("outcomes", "{} deals and outcomes"),
        ("visitors", "{} visitors"),
    ):
        f = val(key)
        if f:
            scale.append(label.format(en.figure(f)))
    if scale:
        text += " Reports give " + (", ".join(scale[:-1]) + " and " + scale[-1] if len(scale) > 1 else scale[0]) + "."
    if e.firsts:
        n = len(e.firsts)
        text += f" They mention {n} “first{'s' if n > 1 else ''}” (首次)."
    n = len(e.articles)
    text += f" The yearbook holds {n} report{'s' if n != 1 else ''} on this edition."
    return text


def render(result: BuildResult, root: Path, ctx: dict[str, Any], years: set[int] | None = None,
           site_pages: bool = True) -> dict[str, str | Path]:
    """The English pages, keyed by their path relative to docs/: the pages about the site
    (`site_pages`) and those of the editions (`years`: some of them only; None: all)."""
    def setup(env: jinja2.Environment) -> None:
        en = English(root)
        env.filters.update(en_figure=en.figure, en_number=en_number, en_date=en_date)
        env.globals.update(edition_name_en=edition_name_en, edition_ordinal_en=edition_ordinal_en, en=en,
                           scope_en=en.scope, stage_en=lambda s: STAGES.get(s, s))

    env = zh.shared_environment(root, "en", setup)
    en: English = env.globals["en"]
    metrics: tuple[zh.Metric, ...] = ctx["metrics"]
    metric_by_id = ctx["metric_by_id"]
    editions: list[Edition] = ctx["editions"]
    by_stem = ctx["by_stem"]
    topics_by_zh = {t.zh: t for t in ctx["topics"]}

    def article_info(stem: str) -> dict[str, Any]:
        p = by_stem[stem]
        a = p.article
        return {
            "stem": stem, "title": a.title, "url": ctx["article_url"](stem),
            "outlet": en.outlet(a.outlet or a.agency),
            "published": en_date(zh.beijing(a.published, "%Y-%m-%d")) if a.published else "date unknown",
            "inferred": a.published_inferred,
            "edition": edition_name_en(p.classification.edition) if p.classification.edition else None,
            "topics": [topics_by_zh[t].en for t in p.topics if t in topics_by_zh],
        }

    # what comes from this build's records is an argument of render(), not a global of the kept environment
    site = dict(ctx, site_name_en=en.strings.get("site_name_en", "CIFTIS Yearbook"),
                description_en=en.strings.get("description_en", ""), article_info=article_info)
    pages: dict[str, str | Path] = {}
    if site_pages:
        pages["en/index.md"] = env.get_template("en/home.md.j2").render(**site)
        pages["en/compare/index.md"] = env.get_template("en/compare.md.j2").render(**site)
        pages["en/about.md"] = env.get_template("en/about.md.j2").render(
            **site, outlets_en=[(en.outlet(name if name != "（未注明）" else None), n) for name, n in ctx["outlets"]],
        )
    for i, e in enumerate(editions):
        if years is not None and e.year not in years:
            continue
        prev_e = editions[i - 1] if i > 0 else None
        next_e = editions[i + 1] if i + 1 < len(editions) else None
        pages[f"en/years/{e.year}.md"] = zh.cached_page(ctx, "en", e.year, lambda e=e, prev_e=prev_e, next_e=next_e: (
            env.get_template("en/edition.md.j2").render(
                **site, edition=e, prev=prev_e, next=next_e, summary=summary_en(e, en, metric_by_id),
                facts=zh.edition_facts(e, prev_e, metrics),
            )
        ))
    return pages
