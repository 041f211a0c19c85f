"""Render stage: Jinja2 templates → the Markdown pages and data files of the site, in memory.

Everything a page shows comes from the records; the templates in templates/ decide how it
looks. Untrusted text (titles, quotes) always passes through `md_text`, which escapes both
HTML and Markdown, because Markdown would otherwise let raw HTML through.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from . import charts, datafiles, dataset, forked, patterns, templating, topics, writer
from .classify import fair
from .records import Choice, Claim, ClaimCheck, Edition, Figure

if TYPE_CHECKING:
    from .pipeline import BuildResult, Processed

BEIJING = timezone(timedelta(hours=8))
PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIRST_EDITION = 2012
HEADLINE = ("exhibitors_offline", "exhibitors_online", "exhibition_area_sqm", "outcomes", "intl_rate")


@dataclass(frozen=True)
class Metric:
    id: str
    zh: str
    en: str
    unit: str
    kind: str
    compare: str


@lru_cache(maxsize=4)
def load_metrics(root: Path) -> tuple[Metric, ...]:
    raw = datafiles.load(root / "data" / "metrics.yml") or {}
    entries = raw.get("metrics", raw) if isinstance(raw, dict) else raw
    if isinstance(entries, dict):
        entries = [{"id": k, **(v or {})} for k, v in entries.items()]
    out = []
    for e in entries:
        out.append(Metric(
            id=e["id"],
            zh=e.get("label_zh") or e.get("zh") or e["id"],
            en=e.get("label_en") or e.get("en") or e["id"],
            unit=e.get("unit") or "",
            kind=e.get("kind") or "count",
            compare=e.get("compare") or "higher_is_more",
        ))
    return tuple(out)


# --- filters ------------------------------------------------------------------------------

# Markdown's inline marks escaped, line breaks as spaces (and a NUL, which no page should hold, as &)
_MD_ESCAPES = str.maketrans({**{c: "\\" + c for c in "\\`*_[]|#"}, "\n": " ", "\x00": "&"})
_MD_SPECIAL = patterns.compile("[\\\\`*_\\[\\]|#\n\x00]")


def md_text(value: Any) -> str:
    """Plain text safe to drop into Markdown: no HTML, no accidental emphasis or links.
    (Pages at 1,000 articles call this 25,000 times: a scan in C finds the few texts that hold a
    mark, and only those are translated, which goes character by character.)"""
    text = html.escape(str(value if value is not None else ""), quote=False)
    return text.translate(_MD_ESCAPES) if _MD_SPECIAL.search(text) else text


def quoted(sentence: str) -> str:
    """“sentence”, without doubling the marks of a sentence that is itself a quotation."""
    s = sentence.strip()
    if s.startswith("“") and s.count("“") > s.count("”"):
        s = s[1:]
    return f"“{s}”"


def beijing(dt: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if dt is None:
        return ""
    return dt.astimezone(BEIJING).strftime(fmt)


def zh_number(value: Any) -> str:
    """15.2万 rather than 152000, 2400 rather than 2,400: how the Chinese press writes numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if abs(value) >= 10000 and value % 1000 == 0:
        return f"{value / 10000:g}万"
    return f"{value:g}" if isinstance(value, float) else str(value)


def qualifiers(root: Path) -> dict[str, dict]:
    """The qualifier table of data/metrics.yml: 超 → {en: over}, 余 → {after: true, en: more than} …"""
    raw = datafiles.load(root / "data" / "metrics.yml") or {}
    table = raw.get("qualifiers") or {}
    return {str(q): spec if isinstance(spec, dict) else {"en": spec} for q, spec in table.items()}


@lru_cache(maxsize=16)
def _qualifiers_with(flag: str) -> frozenset[str]:
    """(Keyed by the flag alone: hashing a Path as well, for each of 12,000 figures of a cold build
    at 1,000 articles, cost more than the rest of figure_text.)"""
    return frozenset(q for q, spec in qualifiers(PROJECT_ROOT).items() if spec.get(flag))


def figure_text(f: Figure | None) -> str:
    """A figure as a reader expects it: 超900项, 1万余家, 20.8%, 国家会议中心、首钢园."""
    if f is None:
        return ""
    if isinstance(f.value, list):
        return "、".join(map(str, f.value))
    if isinstance(f.value, (int, float)) and not isinstance(f.value, bool):
        q = f.qualifier or ""
        if q and q in _qualifiers_with("as_written") and f.text:
            return f.text.replace("*", "")
        before, after = ("", q) if q and q in _qualifiers_with("after") else (q, "")
        number = f"{f.value:g}" if f.unit == "%" else zh_number(f.value)
        unit = f.unit or ""
        if unit == "%":
            return f"{before}{number}%{after}"
        if unit.startswith("万") and number.endswith("万"):  # 万人次 already carries the 万
            number = number[:-1]
        return f"{before}{number}{after}{unit}"
    return str(f.value)


def change(cur: Figure | None, prev: Figure | None) -> dict | None:
    """The change against the previous edition's figure, for numbers only."""
    if cur is None or prev is None:
        return None
    a, b = prev.value, cur.value
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b)):
        return None
    diff = b - a
    pct = (diff / a * 100) if a else None
    unit = cur.unit or ""
    arrow = "▲" if diff > 0 else "▼" if diff < 0 else "＝"
    if unit == "%":
        label = f"{arrow} {diff:+g} 个百分点"
    else:
        label = f"{arrow} {pct:+.1f}%" if pct is not None else f"{arrow} {diff:+g}"
    return {"diff": diff, "pct": pct, "arrow": arrow, "label": label, "prev_year": prev.edition}


def chosen(e: Edition, key: str) -> Figure | None:
    c = e.metrics.get(key)
    return c.chosen if c else None


def edition_name(year: int) -> str:
    return f"{year}年{'服贸会' if year >= 2020 else '京交会'}"


def edition_ordinal(year: int) -> str:
    n = year - FIRST_EDITION + 1
    return f"第{n}届" if n > 1 else "首届"


# --- the site -----------------------------------------------------------------------------


def environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root / "templates")),
        bytecode_cache=templating.bytecode_cache(root),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        t=md_text, beijing=beijing, zh_number=zh_number, figure_text=figure_text,
        h=lambda v: html.escape(str(v if v is not None else ""), quote=True), tojson_compact=_json_compact,
        quoted=quoted,
    )
    labels = {m.id: m.zh for m in load_metrics(root)}
    env.globals.update(
        edition_name=edition_name, edition_ordinal=edition_ordinal, change=change, chosen=chosen,
        metric_label=lambda key: labels.get(key.split("@", 1)[0], key),
        distinct_firsts=distinct_firsts, distinct_claims=distinct_claims, alternative_texts=alternative_texts,
    )
    return env


def _json_compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def article_url(p: Processed) -> str:
    year = p.classification.edition or (p.article.published.astimezone(BEIJING).year if p.article.published else None)
    return f"articles/{year or 'undated'}/{p.article.stem}"


def article_page(p: Processed, root: Path) -> str:
    """An article's page depends only on the article, so it is rendered with the per-article
    stages (in the worker processes, and cached with them), not once per build."""
    return shared_environment(root).get_template("article.md.j2").render(p=p, a=p.article)


_SHARED: dict[tuple[Path, str], jinja2.Environment] = {}
_SHARED_STATE: dict[Path, tuple] = {}  # the data files the held environments were made from


def shared_environment(root: Path, kind: str = "zh",
                       setup: Callable[[jinja2.Environment], None] | None = None) -> jinja2.Environment:
    """The environment of one kind of pages, kept between builds in one process (`mkdocs serve`)
    until the data files change (their labels and names are in its filters and globals; Jinja
    reloads a template whose file changed): see drop_stale_environments. `setup` adds to a new
    one what the kind needs.

    Why kept: a compiled template is a reference cycle with its environment, so an environment
    made anew each build left its templates as garbage, which the next build could freeze for
    good (see pipeline._settled_heap); nothing a build made is reachable from one (the pages get
    the build's records as arguments of render())."""
    env = _SHARED.get((root, kind))
    if env is None:
        env = environment(root)
        if setup is not None:
            setup(env)
        _SHARED[(root, kind)] = env
    return env


def drop_stale_environments(root: Path) -> None:
    """Forget the held environments, and the labels and names read from the data files that they
    hold, when the data files changed since the last build in this process (`mkdocs serve`):
    checked once at the start of a build (asked for every article page, it was 50 us an article)."""
    state = _data_state(root)
    before = _SHARED_STATE.get(root)
    _SHARED_STATE[root] = state
    if before is None or before == state:
        return  # (the first build of a process: what it holds was read from these files)
    for key in [key for key in _SHARED if key[0] == root]:
        del _SHARED[key]
    load_metrics.cache_clear()
    _qualifiers_with.cache_clear()
    english = sys.modules.get(f"{__package__}.render_en")  # (imported by the render jobs, if at all)
    if english is not None:
        english.site_strings.cache_clear()
        english.qualifier_words.cache_clear()


def _data_state(root: Path) -> tuple:
    try:
        return tuple((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in sorted(os.scandir(root / "data"),
                                                                                      key=lambda e: e.name))
    except OSError:
        return ()


def render_site(result: BuildResult, root: Path,
                emit: Callable[[dict[str, bytes | Path]], None] | None = None) -> dict[str, bytes | Path]:
    """All generated files, keyed by their path relative to docs/: returned, or given to `emit` a
    batch at a time as they are ready (the writer links the article pages while the pages about
    all editions render on the other cores)."""
    out: dict[str, bytes | Path] = {}
    emit = emit or out.update
    env = shared_environment(root)
    metrics = load_metrics(root)
    metric_by_id = {m.id: m for m in metrics}
    articles = sorted(result.articles, key=lambda p: (p.article.published is None, p.article.published, p.article.stem))
    by_stem = {p.article.stem: p for p in articles}
    editions = sorted(result.editions, key=lambda e: e.year)
    years = list(range(editions[0].year, editions[-1].year + 1)) if editions else []
    edition_by_year = {e.year: e for e in editions}
    rows = compare_rows(editions, metrics)
    trend = topic_trend(editions, by_stem)
    catalog = charts.catalogue(editions, years, metrics, trend, draw=False) if editions else {}

    ctx = dict(
        site_name="服贸会年鉴", editions=editions, years=years, edition_by_year=edition_by_year,
        metrics=metrics, metric_by_id=metric_by_id, by_stem=by_stem, articles=articles,
        rows=rows, trend=trend, topics=topics.load(), headline=HEADLINE, result=result,
        article_url=lambda stem: article_url(by_stem[stem]),
        outlets=_outlets(articles),
        removals=lambda: _removals(articles),  # the report's alone: made in the worker that renders it
        # charts work (issue 5): chart catalogue, timeline and topic heat table
        chart_catalog=catalog, home_charts=charts.home_charts(catalog), timeline=timeline(years, edition_by_year),
        topic_heat=topic_heat(trend, years),
    )
    ctx["edition_digests"] = edition_digests(result.articles, editions, result.figure_digests)
    ctx["page_cache"] = _page_cache(result.cache_dir)
    # the report's list of conflicting figures, one piece per edition: at 10,000 articles it is
    # most of the report's cost, and an edit changes one edition's piece
    ctx["any_conflict"] = any(c.conflict for e in editions for c in e.metrics.values())
    ctx["edition_conflicts"] = lambda e: _text(cached_page(
        ctx, "conflicts", e.year, lambda: env.get_template("report_conflicts.md.j2").render(**ctx, edition=e),
        reads="own"))
    try:
        state = dict(ctx=ctx, env=env, root=root, result=result)
        if len(articles) >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
            # forked workers inherit the context as it is: nothing is sent to them
            jobs = forked.Jobs([functools.partial(job, **state, **args) for job, args in _jobs(editions)], workers=2)
            emit(_encoded(_article_pages(articles)))  # linked while the jobs run
            for _, part in jobs.results():
                emit(_encoded(part))
        else:
            pages = _article_pages(articles)
            for job, args in _jobs(editions):
                pages.update(job(**state, **args))
            emit(_encoded(pages))
        _prune(ctx["page_cache"], ctx["edition_digests"], [e.year for e in editions])
        for p in articles:
            p.page = ""
    finally:  # the closures in ctx refer to it: left as a cycle, it would hold every record of the
        ctx.clear()  # build until the cyclic collector ran (never, for what the next build freezes)
    return out


def _article_pages(articles: list[Processed]) -> dict[str, str | bytes | Path]:
    """The article pages, rendered by the workers, by their place in docs/ (a duplicate's sources
    are known only once the whole corpus is read)."""
    return {f"{article_url(p)}.md": p.page or Path(p.page_file) for p in articles}


def _encoded(pages: dict[str, str | bytes | Path]) -> dict[str, bytes | Path]:
    """Texts as bytes, freeing each text as we go: at 10,000 articles the site would otherwise
    sit in memory twice."""
    out: dict[str, bytes | Path] = {}
    for key in list(pages):
        text = pages.pop(key)
        out[key] = text.encode("utf-8") if isinstance(text, str) else text
    return out


def _zh_pages(ctx: dict, env: jinja2.Environment, **_: Any) -> dict[str, str | Path]:
    """The Chinese pages about the site (the editions' pages are _edition_pages' job)."""
    return {
        "index.md": env.get_template("home.md.j2").render(**ctx),
        "compare/index.md": env.get_template("compare.md.j2").render(**ctx),
        "about.md": env.get_template("about.md.j2").render(**ctx),
        "report/index.md": env.get_template("report.md.j2").render(**ctx),
        "tags.md": env.get_template("tags.md.j2").render(**ctx),
    }


def _en_pages(ctx: dict, root: Path, result: BuildResult, **_: Any) -> dict[str, str | Path]:
    from . import render_en  # issue 8: the English pages

    return render_en.render(result, root, ctx, years=set())


def _edition_pages(ctx: dict, env: jinja2.Environment, root: Path, result: BuildResult,
                   years: set[int] | None = None, **_: Any) -> dict[str, str | Path]:
    """The Chinese and English pages of the editions (`years`: of some of them)."""
    from . import render_en

    editions, metrics = ctx["editions"], ctx["metrics"]
    pages: dict[str, str | Path] = {}
    for i, e in enumerate(editions):
        if years is not None and e.year not in years:
            continue
        prev_e = editions[i - 1] if i > 0 else None
        next_e = editions[i + 1] if i + 1 < len(editions) else None
        pages[f"years/{e.year}.md"] = cached_page(ctx, "zh", e.year, lambda e=e, prev_e=prev_e, next_e=next_e: (
            env.get_template("edition.md.j2").render(
                **ctx, edition=e, prev=prev_e, next=next_e, summary=edition_summary(e, prev_e, ctx["metric_by_id"]),
                facts=edition_facts(e, prev_e, metrics),
            )
        ))
    return pages | render_en.render(result, root, ctx, years=years, site_pages=False)


class _ArticleMeta(Mapping):
    """Each article's entry made when an edition's JSON first asks for it: after one edit, one or
    two editions are re-made, and making all 10,000 entries up front was most of their cost."""

    def __init__(self, by_stem: dict[str, Processed]) -> None:
        self._by_stem = by_stem
        self._made: dict[str, dict] = {}

    def __getitem__(self, stem: str) -> dict:
        made = self._made.get(stem)
        if made is None:
            made = self._made[stem] = _article_meta(self._by_stem[stem])
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_stem)

    def __len__(self) -> int:
        return len(self._by_stem)


# The data files are stored whole, too, and come back from the render workers as files: at 10,000
# articles they are 65 and 40 MB, and sending their bytes back to the main process to write took
# longer than making them (0.5 s of a 3.4 s rebuild after one edit).


def _data_json(ctx: dict, **_: Any) -> dict[str, bytes | Path]:
    def whole() -> _Joined:
        article_meta = _ArticleMeta(ctx["by_stem"])
        return _Joined(dataset.JSON_FRAME, [
            cached_page(ctx, "json", e.year, lambda e=e: dataset.edition_json_text(e, article_meta), reads="claims")
            for e in ctx["editions"]])

    return {"data/editions.json": _file(cached_page(ctx, "json", None, whole, reads="claims"))}


def _data_csv(ctx: dict, **_: Any) -> dict[str, bytes | Path]:
    def whole() -> _Joined:
        return _Joined(dataset.CSV_FRAME, [
            cached_page(ctx, "csv", e.year, lambda e=e: dataset.edition_csv(e), reads="own") for e in ctx["editions"]])

    return {"data/editions.csv": _file(cached_page(ctx, "csv", None, whole, reads="own"))}


@dataclass(frozen=True)
class _Joined:
    """A data file made of its editions' pieces, stored or just made: written by streaming the
    stored ones from their files (see writer.write_joined), joined in memory only without a cache."""

    frame: dataset.Frame
    pieces: list[str | bytes | Path]

    def parts(self) -> list[bytes | Path]:
        return [p if isinstance(p, Path) else _bytes(p) for p in self.pieces]


def _in_memory(made: str | bytes | _Joined) -> str | bytes:
    """What a page is when it cannot be stored: a data file is joined after all."""
    return dataset.joined(made.frame, [_bytes(p) for p in made.pieces]) if isinstance(made, _Joined) else made


def _file(made: str | bytes | Path) -> bytes | Path:
    return made.encode("utf-8") if isinstance(made, str) else made


# --- the page cache: what one edition's articles make, kept between builds ----------------------


def figure_digests(articles: list[Processed]) -> tuple[dict[int, str], set[int]]:
    """Per edition, a digest of the figures given for it in build order (what reconcile ranks into
    its metrics): the figures keys of the records giving them. And the editions a record without a
    key gives figures for, which get none (their metrics are made, and what shows them rendered,
    every time)."""
    lines: dict[int, list[str]] = {}
    keyless: set[int] = set()
    for p in articles:
        for year in dict.fromkeys(f.edition for f in p.figures):
            lines.setdefault(year, []).append(p.figures_key)
            if not p.figures_key:
                keyless.add(year)
    return ({year: hashlib.sha1("\n".join(keys).encode()).hexdigest()[:24]
             for year, keys in lines.items() if year not in keyless}, keyless)


def edition_digests(articles: list[Processed], editions: list[Edition],
                    figures: tuple[dict[int, str], set[int]] | None = None) -> dict[str, dict[int, str]]:
    """Per edition and per what an output reads, a digest of every input it is made from.

    The per-edition outputs are most of the render at archive scale, and an edit touches one
    edition. What an edition holds is made from the records of its members (the articles assigned
    to it or giving a figure or claim for it, and an override's article), each fixed by its view
    key (what these outputs can show of it, pipeline.view_key: an edit that changes no figure,
    title or date re-renders none of them), path, stem and other sources, in build order. Outputs
    read more or less around it:
    - "own": the edition alone (its CSV rows, its feed, its conflicts in the report);
    - "claims": and the metrics of the edition held before it, which its claims are checked
      against (JSON entry);
    - "pages": and the metrics of the editions shown before it (the change column; the link back
      shows a year) and the list of editions (the link forward, which shows the next edition's
      year only; the English navigation): its Chinese and English pages. So an edit that changes
      a figure re-makes the pages of its edition and of the one after it, not of the one before;
      one that changes an article's lead, title or date, those of its edition only.
    Of another edition only its metrics are read: they are made from its figures (figure_digests,
    or `figures` when the caller made them already) and overrides alone.
    An edition with a member that has no view key (a record not made by the pipeline) gets no
    digest where it is read, and what reads it is rendered every time."""
    members: dict[int, list[str]] = {e.year: [] for e in editions}
    keyless: set[int] = set()
    for p in articles:  # in build order, which orders an edition's figures and claims
        years = {f.edition for f in p.figures} | {c.edition for c in p.claims} | {p.classification.edition}
        for year in years & members.keys():
            members[year].append(f"{p.article.path}\t{p.article.stem}\t{p.view_key}\t{p.article.also_found_in}")
            if not p.view_key:
                keyless.add(year)
    by_stem = {p.article.stem: p for p in articles}
    for e in editions:
        for choice in e.metrics.values():
            if choice.edited and choice.chosen.article in by_stem:
                p = by_stem[choice.chosen.article]
                members[e.year].append(f"override\t{p.article.stem}\t{p.view_key}\t{choice.chosen}")
                if not p.view_key:
                    keyless.add(e.year)
    own = {year: hashlib.sha256("\n".join(lines).encode()).hexdigest() for year, lines in members.items()}
    figures, figureless = figures if figures is not None else figure_digests(articles)
    edited = {e.year: [repr(c.chosen) for c in e.metrics.values() if c.edited] for e in editions}
    metrics = {year: f"{figures.get(year, '-')}\t{edited.get(year, [])}" for year in own}
    years = [e.year for e in editions]
    out: dict[str, dict[int, str]] = {"own": {}, "claims": {}, "pages": {}}
    for i, year in enumerate(years):
        held = fair().previous_held(year)
        reads = {  # (the edition's own inputs, then the metrics of those it shows or checks against)
            "own": [year],
            "claims": [year, held],
            "pages": [year, years[i - 1] if i else None, held],
        }
        for scope, read in reads.items():
            if year in keyless or figureless & set(read[1:]):
                continue
            h = hashlib.sha256(f"{scope}\t{years if scope == 'pages' else ''}\t{read}".encode())
            h.update(own[year].encode())
            for y in read[1:]:
                h.update(metrics.get(y, "-").encode() if y is not None else b"-")
            out[scope][year] = h.hexdigest()[:32]
    return out


def _page_cache(cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    folder = cache_dir / "pages"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def cached_page(ctx: dict, kind: str, year: int | None, make: Any, reads: str = "pages") -> str | bytes | Path:
    """The stored output of this kind for the edition when its inputs are unchanged, else made now
    (and stored): a stored page comes back as its file, which the writer links into docs/.
    `reads`: which editions' inputs it is made from (see edition_digests); `year` None: a file made
    from every edition (the data files), which reads that much of each."""
    folder = ctx["page_cache"]
    if year is None:
        digest = corpus_digest(ctx["edition_digests"][reads], [e.year for e in ctx["editions"]])
    else:
        digest = ctx["edition_digests"][reads].get(year)
    if folder is None or digest is None:
        return _in_memory(make())
    path = folder / f"{kind}-{'all' if year is None else year}-{digest}"
    if path.is_file():
        return path
    made = make()
    try:
        if isinstance(made, _Joined):
            writer.write_joined(path, made.frame, made.parts())
        else:
            writer.write_atomic(path, made if isinstance(made, bytes) else made.encode("utf-8"))
    except OSError:
        return _in_memory(made)
    return path


def corpus_digest(digests: dict[int, str], years: list[int]) -> str | None:
    """One digest of every edition's, for a file made from all of them (None if one has none)."""
    if not years or any(year not in digests for year in years):
        return None
    return hashlib.sha256("\t".join(f"{year}:{digests[year]}" for year in years).encode()).hexdigest()[:32]


def _text(page: str | Path) -> str:
    return page.read_text(encoding="utf-8") if isinstance(page, Path) else page


def _bytes(page: str | bytes | Path) -> bytes:
    """A data file's piece as bytes (stored pieces are never decoded)."""
    if isinstance(page, Path):
        return page.read_bytes()
    return page if isinstance(page, bytes) else page.encode("utf-8")


def _prune(folder: Path | None, digests: dict[str, dict[int, str]], years: list[int]) -> None:
    """Keep only this build's entries: the cache holds one generation of edition outputs."""
    if folder is None:
        return
    wanted = {digest for scope in digests.values() for digest in scope.values()}
    wanted |= {corpus_digest(scope, years) for scope in digests.values()} - {None}
    writer.keep_only(folder, lambda name: name.rsplit("-", 1)[-1] in wanted)


def _chart_files(ctx: dict, result: BuildResult, **_: Any) -> dict[str, str]:
    """The charts' SVG files, drawn here rather than before the jobs start (0.1 s of one core in a
    cold build at 1,000 articles): the pages need only what catalogue() knows of each chart."""
    cache = result.cache_dir / "charts" if result.cache_dir is not None else None
    drawn = charts.drawings(ctx["chart_catalog"], ctx["years"], cache)
    return {f"assets/charts/{name}": svg for name, svg in drawn.items()}


def _feeds(ctx: dict, root: Path, result: BuildResult, **_: Any) -> dict[str, str | bytes | Path]:
    from . import feeds  # issue 8: Atom feeds

    return feeds.render_feeds(result, root, ctx)


# The pages about all editions, in jobs that two workers take as they get free (see _jobs()). Their
# costs shift with what the page cache holds (a cold build makes every edition's piece, a rebuild
# after one edit one or two), so no fixed pairing stays balanced: at 10,000 articles after one edit
# the JSON took 0.6 s and the Chinese pages 0.4 s; in a cold build at 1,000 the editions' pages took
# 0.6 s, the JSON 0.22 s, the CSV 0.13 s, the charts 0.1 s and the feeds 0.05 s.
PARALLEL_THRESHOLD = 400
EDITIONS_PER_JOB = 3


def _jobs(editions: list[Edition]) -> list[tuple[Callable[..., dict], dict[str, Any]]]:
    """The render jobs, costliest first: the editions' pages in groups (in a cold build they are
    half the work, and one job of all of them left the other worker idle at the end)."""
    years = [e.year for e in sorted(editions, key=lambda e: -len(e.articles))]
    groups = [set(years[i:i + EDITIONS_PER_JOB]) for i in range(0, len(years), EDITIONS_PER_JOB)]
    return [(_data_json, {}), *((_edition_pages, {"years": g}) for g in groups), (_zh_pages, {}), (_en_pages, {}),
            (_data_csv, {}), (_chart_files, {}), (_feeds, {})]


def _article_meta(p: Processed) -> dict:
    a = p.article
    return {
        "title": a.title,
        "outlet": a.outlet,
        "published": a.published.astimezone(BEIJING).date().isoformat() if a.published else None,
        "url": article_url(p) + "/",
    }


CHECK_REMOVALS = ("off_topic", "caption_moved")  # decisions an editor should look at, listed one by one


def _removals(articles: list[Processed]) -> tuple[dict[str, int], list[tuple[str, Any]]]:
    counts: dict[str, int] = {}
    to_check = []
    for p in articles:
        for kind in p.removal_kinds or [r.kind for r in p.article.removals]:
            counts[kind] = counts.get(kind, 0) + 1
        for r in p.article.removals:
            if r.kind in CHECK_REMOVALS:
                to_check.append((p.article.path, r))
    return counts, to_check


def _outlets(articles: list[Processed]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for p in articles:
        name = p.article.outlet or p.article.agency or "（未注明）"
        counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def metric_keys(editions: list[Edition], metrics: tuple[Metric, ...]) -> list[tuple[str, Metric, str | None]]:
    """Every (key, metric, scope) any edition has, in metrics.yml order; scoped keys after the headline."""
    present = {k for e in editions for k in e.metrics}
    out = []
    for m in metrics:
        scoped = sorted(k for k in present if k.startswith(m.id + "@"))
        # a scoped metric is compared like with like, one row per scope; a headline key that only
        # repeats one of those rows (and mixes scopes across years) is left out
        unscoped = any(e.metrics[m.id].chosen.scope is None for e in editions if m.id in e.metrics)
        if m.id in present and (unscoped or not scoped):
            out.append((m.id, m, None))
        out.extend((key, m, key.split("@", 1)[1]) for key in scoped)
    return out


def _claim_key(claim: Claim) -> str:
    return f"{claim.metric}@{claim.scope}" if claim.scope else claim.metric


def compare_rows(editions: list[Edition], metrics: tuple[Metric, ...]) -> list[dict]:
    """One row per metric (and scope); per edition its choice and the change against the last edition with one."""
    rows = []
    claims: dict[tuple[int, str], list[ClaimCheck]] = {}  # (year, key) → its checkable claims
    for e in editions:
        for ch in e.claims:
            if ch.status != "cannot check":
                claims.setdefault((e.year, _claim_key(ch.claim)), []).append(ch)
    for key, m, scope in metric_keys(editions, metrics):
        cells = {}
        prev: Choice | None = None
        for e in editions:
            c = e.metrics.get(key)
            grouped = grouped_claims(claims.get((e.year, key), []))
            cells[e.year] = {
                "choice": c,
                # at archive scale hundreds of reports repeat the same claim: one line per claim, a few
                # per cell (5 MB of repeats made the page at 10,000 articles); the edition page lists more
                "claims": grouped[:CELL_CLAIM_LIMIT],
                "claims_more": max(0, len(grouped) - CELL_CLAIM_LIMIT),
                "change": change(c.chosen, prev.chosen) if c and prev and m.compare != "not_comparable" else None,
            }
            if c is not None:
                prev = c
        scope_label = scope or next((c["choice"].chosen.scope for c in cells.values() if c["choice"]), None)
        rows.append({"key": key, "metric": m, "scope": scope_label, "cells": cells})
    return rows


def edition_facts(e: Edition, prev: Edition | None, metrics: tuple[Metric, ...]) -> list[dict]:
    facts = []
    for key, m, scope in metric_keys([e], metrics):
        c = e.metrics[key]
        pc = prev.metrics.get(key) if prev else None
        groups = alternative_groups(c)
        facts.append({
            "key": key, "metric": m, "scope": scope or c.chosen.scope, "choice": c,
            "alt_groups": groups[:ALT_LIMIT], "alt_more": max(0, len(groups) - ALT_LIMIT),
            "prev": pc, "change": change(c.chosen, pc.chosen) if pc and m.compare != "not_comparable" else None,
        })
    return facts


ALT_LIMIT = 5  # distinct other figures shown under a figure's footnote
LIST_LIMIT = 30  # claims and firsts listed on an edition page; the data downloads hold them all
CELL_CLAIM_LIMIT = 3  # claims under a figure in the comparison table; its edition page lists more


def _value_key(value: Any) -> tuple[type, Any]:
    """A figure's value as a dictionary key: lists as tuples, and 1 apart from 1.0."""
    return type(value), tuple(value) if isinstance(value, list) else value


def alternative_groups(c: Choice) -> list[dict]:
    """A figure's alternatives, one entry per distinct reading (value, qualifier, scope, stage), with
    how many figures gave it: at archive scale an edition has hundreds of repeats of the same number."""
    groups: dict[tuple, dict] = {}
    for f in c.alternatives:
        key = (*_value_key(f.value), f.qualifier, f.scope, f.stage, f.retrospective)
        g = groups.setdefault(key, {"figure": f, "count": 0})
        g["count"] += 1
    return sorted(groups.values(), key=lambda g: -g["count"])


def alternative_texts(c: Choice) -> list[str]:
    """The other figures as printed, each once with how often (2400家（812处）), in rank order: at
    archive scale a conflict lists a few distinct numbers, each repeated by hundreds of reports."""
    readings: dict[tuple, list] = {}  # what figure_text reads of a figure → [figure, count]
    for f in c.alternatives:
        reading = readings.setdefault((*_value_key(f.value), f.unit, f.qualifier, f.text), [f, 0])
        reading[1] += 1
    counts: dict[str, int] = {}
    for f, n in readings.values():
        text = figure_text(f)
        counts[text] = counts.get(text, 0) + n
    return [text if n == 1 else f"{text}（{n}处）" for text, n in counts.items()]


def distinct_firsts(e: Edition) -> tuple[list[tuple[str, str]], int]:
    seen: dict[str, tuple[str, str]] = {}
    for stem, sentence in e.firsts:
        seen.setdefault(re.sub(r"\W+", "", sentence), (stem, sentence))
    items = list(seen.values())
    return items[:LIST_LIMIT], max(0, len(items) - LIST_LIMIT)


def grouped_claims(checks: list[ClaimCheck]) -> list[tuple[ClaimCheck, int]]:
    """Claims grouped by what they say and how they checked, each with how many reports made it,
    disagreements first (otherwise in the order first seen)."""
    groups: dict[tuple, list] = {}
    for ch in checks:
        key = (ch.claim.metric, ch.claim.scope, ch.claim.kind, ch.claim.amount, ch.status)
        groups.setdefault(key, [ch, 0])[1] += 1
    order = {"disagrees": 0, "agrees": 1}
    return sorted(((g[0], g[1]) for g in groups.values()), key=lambda g: order.get(g[0].status, 2))


def distinct_claims(e: Edition) -> tuple[list[tuple[ClaimCheck, int]], int]:
    items = grouped_claims(e.claims)
    return items[:LIST_LIMIT], max(0, len(items) - LIST_LIMIT)


def edition_summary(e: Edition, prev: Edition | None, metric_by_id: dict[str, Metric]) -> str:
    """One readable paragraph written from the facts alone."""
    def val(key: str) -> Figure | None:
        c = e.metrics.get(key)
        return c.chosen if c else None

    parts = []
    head = f"{edition_name(e.year)}（{edition_ordinal(e.year)}中国国际服务贸易交易会）"
    start, end, venues, theme = val("start_date"), val("end_date"), val("venues"), val("theme")
    when = ""
    if start and end:
        when = f"于{_zh_date(start.value)}至{_zh_date(end.value, short=True)}"
    elif end:
        when = f"于{_zh_date(end.value)}闭幕"
    where = f"在{'和'.join(venues.value)}" if venues and isinstance(venues.value, list) else ""
    verb = "举办" if start else ""
    parts.append(f"{head}{when}{where}{verb}")
    if theme:
        parts[-1] += f"，主题为“{theme.value}”"
    parts[-1] += "。"
    scale = []
    for key, label in (("exhibition_area_sqm", "展览面积"), ("exhibitors_offline", "线下参展企业"),
                       ("exhibitors_online", "线上参展企业"), ("outcomes", "达成成果"), ("visitors", "入场观众")):
        f = val(key)
        if f:
            scale.append(f"{label}{figure_text(f)}")
    if scale:
        parts.append("据报道，" + "，".join(scale) + "。")
    shown, more = distinct_firsts(e)
    if shown:
        parts.append(f"报道提到{len(shown) + more}项“首次”。")
    parts.append(f"本站收录{len(e.articles)}篇相关报道。")
    return "".join(parts)


def iso_date(iso: Any) -> tuple[int, int, int] | None:
    """(year, month, day) of an ISO date string, or None when it is not one."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(iso))
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _zh_date(iso: Any, short: bool = False) -> str:
    ymd = iso_date(iso)
    if ymd is None:
        return str(iso)
    y, mo, d = ymd
    return f"{mo}月{d}日" if short else f"{y}年{mo}月{d}日"


def topic_trend(editions: list[Edition], by_stem: dict[str, Processed]) -> dict[int, dict[str, float]]:
    out = {}
    for e in editions:
        members = [by_stem[s] for s in e.articles if s in by_stem]
        out[e.year] = topics.density([p.topic_counts for p in members], sum(p.text_chars for p in members))
    return out


# --- charts work (issue 5): context for the timeline and the topic heat table --------------------


def timeline(years: list[int], edition_by_year: dict[int, Edition]) -> list[dict]:
    """Every year from the first to the last edition; years without articles are kept as gaps."""
    out = []
    for y in years:
        e = edition_by_year.get(y)
        item: dict[str, Any] = {"year": y, "edition": e, "articles": len(e.articles) if e else 0}
        if e:
            theme, start, end, venues = (chosen(e, k) for k in ("theme", "start_date", "end_date", "venues"))
            item["theme"] = theme.value if theme else None
            item["dates"] = (f"{_zh_date(start.value, short=True)}—{_zh_date(end.value, short=True)}"
                             if start and end else _zh_date(end.value, short=True) + "闭幕" if end else None)
            item["venues"] = "、".join(map(str, venues.value)) if venues and isinstance(venues.value, list) else None
            item["figures"] = [(k, chosen(e, k)) for k in HEADLINE if chosen(e, k)]
        out.append(item)
    return out


def topic_heat(trend: dict[int, dict[str, float]], years: list[int]) -> list[dict]:
    """Per topic: each year's density and a heat level 0–4, scaled to that topic's own peak."""
    rows = []
    for t in topics.load():
        values = {y: trend[y].get(t.id, 0.0) for y in years if y in trend}
        peak = max(values.values(), default=0.0)
        cells = []
        for y in years:
            v = values.get(y)
            level = 0 if not v or not peak else min(4, 1 + int(v / peak * 3.999))
            cells.append({"year": y, "value": v, "level": level})
        rows.append({"topic": t, "cells": cells, "peak": peak})
    return rows
