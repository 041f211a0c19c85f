"""Many figures per metric and edition → one chosen value, the rest kept as alternatives.

Order of preference, and the reason shown to readers: an editor's override; a report on this
edition over a retrospective one; a closing report over a mid-fair one over a preview; a later
article; a later as-of date; the more specific number (no hedge, more significant digits).
Retrospective figures (a 2022 story recalling 2012) are alternatives for the edition they describe
and are chosen only when no report of that edition has the metric. Claims (比上届提高10个百分点)
are checked against the previous held edition.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import datafiles, patterns, writer
from .classify import fair
from .extract import MetricDef, metrics, qualifier_en, qualifier_ranges
from .records import Choice, Claim, ClaimCheck, Diagnostic, Edition, Figure

STAGE_RANK = {"closing": 0, "during": 1, "preview": 2}
STAGE_ZH = {"closing": "闭幕通报", "during": "会期报道", "preview": "会前预告"}
APPROX = frozenset({"近", "约", "将近", "接近", "大约", "约合", "左右", "上下", "上"})


@dataclass(frozen=True)
class Override:
    """An editor's correction or addition (data/overrides.yml)."""

    edition: int
    metric: str  # metric id, or "metric@scope"
    value: Any
    unit: str | None
    qualifier: str | None
    text: str
    article: str | None
    url: str | None
    quote: str
    scope: str | None
    note: str = ""

    def figure(self) -> Figure:
        base = self.metric.split("@", 1)[0]
        return Figure(
            metric=base,
            edition=self.edition,
            value=self.value,
            unit=self.unit,
            qualifier=self.qualifier,
            text=self.text,
            article=self.article or self.url or "",
            quote=self.quote,
            published=None,
            scope=self.scope,
            stage="closing",
        )


def load_overrides(path: Path, known_articles: set[str] | None = None) -> tuple[list[Override], list[Diagnostic]]:
    """Read the editors' overrides; an entry without a source (article or URL) is an error and is not applied."""
    if not path.exists():
        return [], []
    rel = path.name if path.parent.name != "data" else f"data/{path.name}"
    try:
        raw = datafiles.load(path) or []
    except datafiles.Invalid as exc:
        return [], [Diagnostic(rel, "error", f"cannot be parsed: {exc}", "no override applied")]
    if not isinstance(raw, list):
        return [], [Diagnostic(rel, "error", "must be a list of overrides", "no override applied")]
    out: list[Override] = []
    diags: list[Diagnostic] = []
    known = metrics()
    for i, entry in enumerate(raw, 1):
        where = f"override #{i}"
        if not isinstance(entry, dict):
            diags.append(Diagnostic(rel, "error", f"{where} is not a mapping", "ignored it"))
            continue
        metric = str(entry.get("metric", ""))
        base, _, scope_key = metric.partition("@")
        source = entry.get("source") or {}
        if not isinstance(source, dict):
            source = {}
        article, url, quote = source.get("article"), source.get("url"), str(source.get("quote") or "")
        problems = []
        if base not in known:
            problems.append(f"unknown metric {metric!r}")
        if not isinstance(entry.get("edition"), int):
            problems.append("no edition year")
        if "value" not in entry:
            problems.append("no value")
        if not (article or url):
            problems.append("no source (article id or URL)")
        elif article and known_articles is not None and article not in known_articles:
            problems.append(f"source article {article!r} does not exist")
        if problems:
            diags.append(Diagnostic(rel, "error", f"{where} ({metric or '?'}): " + "; ".join(problems), "ignored it"))
            continue
        mdef = known[base]
        out.append(
            Override(
                edition=int(entry["edition"]),
                metric=metric,
                value=entry["value"],
                unit=entry.get("unit", mdef.unit),
                qualifier=entry.get("qualifier"),
                text=str(entry.get("text") or entry["value"]),
                article=article,
                url=url,
                quote=quote,
                scope=entry.get("scope") or scope_key or None,
                note=str(entry.get("note") or ""),
            )
        )
    return out, diags


# --- choosing --------------------------------------------------------------------------------------


def _comparable(value: Any) -> Any:
    """What counts as 'the same value': themes compare without their separators."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch not in " ，,、·")
    if isinstance(value, list):
        return tuple(sorted(value))
    return value


def _specific(fg: Figure) -> tuple[int, int]:
    """Unhedged before hedged, then more significant digits (480余 beats 近500)."""
    value = fg.value
    digits = _digits(type(value), value) if isinstance(value, (int, float)) else 0
    return (1 if fg.qualifier else 0, -digits)


@lru_cache(maxsize=4096)
def _digits(kind: type, value: int | float) -> int:
    """(keyed by type too: True == 1.) At 10,000 articles an edition ranks 150,000 figures that
    repeat a few hundred values."""
    return len(str(value).replace(".", "").strip("0"))


def _ranked(figs: list[Figure]) -> list[Figure]:
    """Best first: this edition's reports before retrospectives, closing figures before previews,
    the latest publication, then the latest count, then the most specific; ties keep text order.

    One stable sort by one key tuple, the dates as negated day numbers (the latest first): at
    10,000 articles a metric has thousands of figures, and they share a few hundred dates."""
    return sorted(figs, key=_rank_key)


def _rank_key(fg: Figure) -> tuple[int, int, int, int, int, int]:
    published = fg.published or ""
    return (1 if fg.retrospective else 0, STAGE_RANK.get(fg.stage, 1), _latest_first(published),
            _latest_first(fg.as_of or published), *_specific(fg))


@lru_cache(maxsize=8192)
def _latest_first(iso: str) -> int:
    """A figure's ISO date (date.isoformat()) as a number that sorts the latest first; none last."""
    if not iso:
        return 1
    try:
        return -int(iso.replace("-", ""))
    except ValueError:  # not a date: after the dated ones
        return 0


def _reason(chosen: Figure, others: list[Figure], edited: bool) -> str:
    if edited:
        return "编辑更正"
    if not others:
        return "唯一来源" + ("（回顾性报道）" if chosen.retrospective else "")
    if chosen.retrospective:
        return "仅见于其他届次报道的回顾"
    runner = others[0]
    if runner.retrospective:
        return f"本届报道，优先于回顾性报道（{runner.article}）"
    if STAGE_RANK.get(chosen.stage, 1) < STAGE_RANK.get(runner.stage, 1):
        return f"{STAGE_ZH.get(chosen.stage, chosen.stage)}，优先于{STAGE_ZH.get(runner.stage, runner.stage)}"
    if (chosen.published or "") > (runner.published or ""):
        return f"{STAGE_ZH.get(chosen.stage, chosen.stage)}，发布（{chosen.published}）晚于其他报道"
    if (chosen.as_of or "") > (runner.as_of or "") and chosen.as_of:
        return f"统计截至{chosen.as_of}，晚于其他数字"
    if _comparable(chosen.value) == _comparable(runner.value):
        return "多处报道一致"
    if _specific(chosen) < _specific(runner):
        return "数字更精确（无约数或有效位更多）"
    return "同一篇报道中先出现"


def _choose(figs: list[Figure], override: Override | None) -> Choice:
    ranked = _ranked(figs)
    if override is not None:
        chosen = override.figure()
        rest = ranked
    else:
        chosen, rest = ranked[0], ranked[1:]
    conflict = any(_comparable(fg.value) != _comparable(chosen.value) for fg in rest if not fg.retrospective)
    return Choice(
        metric=chosen.metric,
        chosen=chosen,
        reason=_reason(chosen, rest, override is not None),
        alternatives=rest,
        conflict=conflict,
        edited=override is not None,
    )


def _memo(choice: Choice, figs: list[Figure]) -> tuple:
    """A choice as KeptChoices keeps it: the figures in rank order as positions in their group."""
    position = {id(fg): i for i, fg in enumerate(figs)}
    ranked = choice.alternatives if choice.edited else [choice.chosen, *choice.alternatives]
    return tuple(position[id(fg)] for fg in ranked), choice.reason, choice.conflict, choice.edited


def _remembered(memo: tuple | None, figs: list[Figure], override: Override | None) -> Choice | None:
    """The choice a kept memo describes, for the same group of figures (None: rank them now)."""
    if memo is None:
        return None
    order, reason, conflict, edited = memo
    if edited != (override is not None) or sorted(order) != list(range(len(figs))):
        return None
    ranked = [figs[i] for i in order]
    chosen, rest = (override.figure(), ranked) if override is not None else (ranked[0], ranked[1:])
    return Choice(metric=chosen.metric, chosen=chosen, reason=reason, alternatives=rest, conflict=conflict,
                  edited=edited)


def _key(fg: Figure, scoped: frozenset[str]) -> str:
    """The metric, or metric@scope for a metric compared scope by scope (`scoped`: _scoped())."""
    if fg.scope is None or fg.metric not in scoped:
        return fg.metric
    return f"{fg.metric}@{fg.scope}"


def _scoped(defs: dict[str, MetricDef]) -> frozenset[str]:
    return frozenset(mid for mid, d in defs.items() if d.recognition is not None and d.recognition.scopes)


def _metric_order() -> dict[str, int]:
    return {mid: i for i, mid in enumerate(metrics())}


def _sort_key(key: str) -> tuple[int, int, str]:
    base, _, scope = key.partition("@")
    return (_metric_order().get(base, 999), 1 if scope else 0, scope)


def _override_key(o: Override) -> str:
    return o.metric if "@" in o.metric or not o.scope else f"{o.metric}@{o.scope}"


@dataclass
class KeptChoices:
    """Each edition's choices from the builds before, kept on disk by a digest of the figures given
    for it (`digests`: the caller derives them from what it knows of its records, in build order)
    and of its overrides: an edit touches one edition, and ranking every edition's figures again
    was most of reconcile (the figures themselves are grouped again: a kept choice is the order of
    its figures, as positions in its group)."""

    folder: Path
    digests: dict[int, str]
    _used: set[str] = field(default_factory=set)

    def _path(self, year: int, overrides: list[Override]) -> Path | None:
        digest = self.digests.get(year)
        if digest is None:
            return None
        mine = repr(sorted(repr(o) for o in overrides if o.edition == year)).encode()
        name = f"{year}-{digest}-{hashlib.sha1(mine).hexdigest()[:12]}.pickle"
        self._used.add(name)
        return self.folder / name

    def load(self, year: int, overrides: list[Override]) -> dict[str, tuple] | None:
        path = self._path(year, overrides)
        kept = writer.read_kept(path) if path is not None else None
        return kept if isinstance(kept, dict) else None

    def keep(self, year: int, overrides: list[Override], kept: dict[str, tuple]) -> None:
        path = self._path(year, overrides)
        if path is not None:
            writer.keep(path, kept)

    def prune(self) -> None:
        """Keep this build's entries only (one generation, as the page cache)."""
        writer.keep_only(self.folder, self._used.__contains__)


def reconcile(
    assignments: dict[str, int],
    figures: list[Figure],
    claims: list[Claim],
    firsts: dict[str, list[str]],
    overrides: list[Override],
    kept: KeptChoices | None = None,
) -> list[Edition]:
    """One Edition per year that has articles or figures, sorted by year."""
    defs = metrics()
    editions: dict[int, Edition] = {}

    def edition(year: int) -> Edition:
        if year not in editions:
            editions[year] = Edition(year=year)
        return editions[year]

    for stem in sorted(assignments):
        edition(assignments[stem]).articles.append(stem)
    grouped: dict[int, dict[str, list[Figure]]] = {}
    scoped = _scoped(defs)
    for fg in figures:
        per_key = grouped.get(fg.edition)
        if per_key is None:
            per_key = grouped[fg.edition] = {}
        per_key.setdefault(_key(fg, scoped), []).append(fg)
    by_override = {(o.edition, _override_key(o)): o for o in overrides}
    for year, metric in by_override:
        grouped.setdefault(year, {}).setdefault(metric, [])

    for year, per_key in grouped.items():
        ed = edition(year)
        known = kept.load(year, overrides) if kept is not None else None
        remembered: dict[str, tuple] = {}
        for key in sorted(per_key, key=_sort_key):
            figs = per_key[key]
            ov = by_override.get((year, key))
            if not figs and ov is None:
                continue
            memo = known.get(key) if known is not None else None
            choice = _remembered(memo, figs, ov)
            if choice is None:
                choice, memo = _choose(figs, ov), None
            ed.metrics[key] = choice
            remembered[key] = memo if memo is not None else _memo(choice, figs)
        if kept is not None and known != remembered:
            kept.keep(year, overrides, remembered)
        # headline key for scoped metrics: the first preferred scope that has a figure
        for mid, mdef in defs.items():
            rec = mdef.recognition
            if rec is None or not rec.scopes or mid in ed.metrics:
                continue
            for scope in rec.scope_preference:
                choice = ed.metrics.get(f"{mid}@{scope}")
                if choice is not None:
                    ed.metrics[mid] = replace(choice, alternatives=list(choice.alternatives))
                    break
        ed.metrics = {k: ed.metrics[k] for k in sorted(ed.metrics, key=_sort_key)}

    for stem in sorted(firsts):
        year = assignments.get(stem)
        if year is None:
            continue
        for sentence in firsts[stem]:
            edition(year).firsts.append((stem, sentence))

    ordered = [editions[y] for y in sorted(editions)]
    verdicts: dict[tuple, tuple[str, str]] = {}  # reports repeat a claim: 18,688 claims, few distinct
    for cl in claims:
        if cl.edition in editions:
            said = (cl.edition, cl.metric, cl.scope, cl.kind, cl.amount)
            verdict = verdicts.get(said)
            if verdict is None:
                verdict = verdicts[said] = _verdict(cl.edition, _claim_key(cl), cl.kind, cl.amount, editions)
            editions[cl.edition].claims.append(ClaimCheck(cl, *verdict))
    return ordered


# --- claims ----------------------------------------------------------------------------------------


_WRITTEN_RE = patterns.compile(r"(\d+(?:\.(\d+))?)\s?(万亿|亿|万)?")
_MAGNITUDE = {"万亿": 10**12, "亿": 10**8, "万": 10**4, None: 1}


def _interval(fg: Figure) -> tuple[float, float] | None:
    """The range a printed figure stands for: rounding of its last written digit, widened by its hedge.

    2400家 is exact (±0.5); 15.2万平方米 stands for 151500–152500; 2400多家 for 2400 up to 15% more.
    """
    if not isinstance(fg.value, (int, float)) or isinstance(fg.value, bool):
        return None
    v = float(fg.value)
    m = _WRITTEN_RE.search(fg.text or "")
    decimals = len(m.group(2)) if m and m.group(2) else 0
    magnitude = _MAGNITUDE[m.group(3)] if m else 1
    half = 0.5 * magnitude * 10**-decimals
    low, high = v - half, v + half
    en = qualifier_en(fg.qualifier)
    if en:
        lo_f, hi_f = qualifier_ranges().get(en, (1.0, 1.0))
        low, high = min(low, v * lo_f), max(high, v * hi_f)
    return low, high


def _claim_key(cl: Claim) -> str:
    mdef = metrics().get(cl.metric)
    if mdef and mdef.recognition and mdef.recognition.scopes and cl.scope:
        return f"{cl.metric}@{cl.scope}"
    return cl.metric


def check_claim(cl: Claim, editions: dict[int, Edition]) -> ClaimCheck:
    """agrees / disagrees / cannot check, against the edition held the year before."""
    return ClaimCheck(cl, *_verdict(cl.edition, _claim_key(cl), cl.kind, cl.amount, editions))


def _verdict(edition: int, key: str, kind: str, amount: float, editions: dict[int, Edition]) -> tuple[str, str]:
    """(status, detail) of a claim that the metric `key` changed by `amount` in this edition."""
    current = editions.get(edition)
    cur = current.metrics.get(key) if current else None
    prev_year = fair().previous_held(edition)
    prev_ed = editions.get(prev_year) if prev_year else None
    prev = prev_ed.metrics.get(key) if prev_ed else None
    if cur is None:
        return "cannot check", f"本届（{edition}）没有该指标的数字"
    if prev is None:
        return "cannot check", f"上届（{prev_year}）没有该指标的数字"
    a, b = _interval(cur.chosen), _interval(prev.chosen)
    if a is None or b is None:
        return "cannot check", "数字无法比较"
    digits = str(abs(amount)).rstrip("0").rstrip(".")
    half = 0.5 * 10 ** -(len(digits.split(".")[1]) if "." in digits else 0)
    if kind == "pct":
        if b[0] <= 0:
            return "cannot check", "上届数字为零"
        low, high = (a[0] / b[1] - 1) * 100, (a[1] / b[0] - 1) * 100
    else:  # diff and pp: absolute change
        low, high = a[0] - b[1], a[1] - b[0]
    ok = low - half <= amount <= high + half
    detail = f"{cur.chosen.text}（{edition}）对比 {prev.chosen.text}（{prev_year}）"
    if kind == "pct":
        detail += f"：实际变化约 {(float(cur.chosen.value) / float(prev.chosen.value) - 1) * 100:.1f}%"
    else:
        detail += f"：实际变化 {float(cur.chosen.value) - float(prev.chosen.value):g}"
    return ("agrees" if ok else "disagrees"), detail


def published_of(fg: Figure) -> date | None:
    return date.fromisoformat(fg.published) if fg.published else None
