"""Figures and claims from an article's plain text, driven by data/metrics.yml and data/fair.yml.

A number becomes a figure when the noun it counts (128场专题论坛) or the words before it in the
same clause (线下参展企业有2400多家) name a metric, its unit fits, and nothing in the clause says it
is something else (元宇宙 hall, national trade statistics, a share of leading companies). Each
figure keeps its quote (the original sentence, even when the text was Traditional or carried pinyin
glosses), its scope, its stage (preview / during / closing) and as-of date, and the edition it
describes: a 2022 story's "2012年首届…82个国家和地区" is a retrospective figure for 2012.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any, NamedTuple

from . import patterns
from .classify import clean_markup, fair, guarded, load_yaml, normalise, safe_date
from .numbers import Number, find_numbers
from .records import Article, Claim, Figure

# --- metric definitions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recognition:
    units: frozenset[str]
    after: tuple[str, ...]
    before: tuple[str, ...]
    requires: tuple[str, ...]
    exclude: tuple[str, ...]
    exclude_sentence: tuple[str, ...]
    scopes: tuple[str, ...]
    default_scope: str | None
    scope_preference: tuple[str, ...]
    # requires / exclude / exclude_sentence as patterns (None when empty), made once with the
    # record: looked up by their word tuples, each cost a hash of the whole tuple for every number
    requires_re: re.Pattern[str] | None = field(default=None, compare=False)
    exclude_re: re.Pattern[str] | None = field(default=None, compare=False)
    exclude_sentence_re: re.Pattern[str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class MetricDef:
    id: str
    label_zh: str
    label_en: str
    unit: str | None
    kind: str
    compare: str
    headline: bool
    extractor: str | None
    recognition: Recognition | None
    aggregate: bool = False  # counts several kinds together (events_total): wins when a list names several


def _tuple(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(x) for x in (raw.get(key) or ()))


@cache
def metrics() -> dict[str, MetricDef]:
    """data/metrics.yml as typed records (read once)."""
    out: dict[str, MetricDef] = {}
    for mid, raw in load_yaml("metrics.yml")["metrics"].items():
        rec = raw.get("recognition")
        recognition = None
        if rec:
            recognition = Recognition(
                units=frozenset(_tuple(rec, "units")),
                after=tuple(sorted(_tuple(rec, "after"), key=len, reverse=True)),
                before=tuple(sorted(_tuple(rec, "before"), key=len, reverse=True)),
                requires=_tuple(rec, "requires"),
                exclude=_tuple(rec, "exclude"),
                exclude_sentence=_tuple(rec, "exclude_sentence"),
                scopes=_tuple(rec, "scopes"),
                default_scope=rec.get("default_scope"),
                scope_preference=_tuple(rec, "scope_preference") or _tuple(rec, "scopes"),
                **{f"{key}_re": _vocab_re(_tuple(rec, key)) if rec.get(key) else None
                   for key in ("requires", "exclude", "exclude_sentence")},
            )
        out[mid] = MetricDef(
            id=mid,
            label_zh=raw["label_zh"],
            label_en=raw["label_en"],
            unit=raw.get("unit"),
            kind=raw["kind"],
            compare=raw.get("compare", "not_comparable"),
            headline=bool(raw.get("headline")),
            extractor=raw.get("extractor"),
            recognition=recognition,
            aggregate=bool(raw.get("aggregate")),
        )
    return out


@cache
def qualifiers() -> dict[str, str]:
    """Qualifier as written → English word (超 → over)."""
    return {q: v["en"] for q, v in load_yaml("metrics.yml")["qualifiers"].items()}


def qualifier_en(q: str | None) -> str | None:
    return qualifiers().get(q) if q else None


@cache
def qualifier_ranges() -> dict[str, tuple[float, float]]:
    return {k: (float(v[0]), float(v[1])) for k, v in load_yaml("metrics.yml")["qualifier_ranges"].items()}


@cache
def _after_reach() -> int:
    return int(load_yaml("metrics.yml").get("after_reach", 8))


@cache
def _numeric() -> tuple[MetricDef, ...]:
    return tuple(m for m in metrics().values() if m.recognition is not None)


@cache
def _numeric_by_unit() -> dict[str, tuple[MetricDef, ...]]:
    """Unit → the numeric metrics that accept it, in _numeric() order (a number tries only these)."""
    units = {u for m in _numeric() for u in m.recognition.units}  # type: ignore[union-attr]
    return {u: tuple(m for m in _numeric() if u in m.recognition.units) for u in units}  # type: ignore[union-attr]


# --- sentences -----------------------------------------------------------------------------------

# A sentence and its end mark (findall with it is faster than split at a look-behind; empty pieces
# are dropped by the caller either way)
_SENTENCE = patterns.compile(r"[^。！？!?]*(?:[。！？!?]|$)")
_PART_MARKS = "；;"
_PART_SPLIT = patterns.compile(f"(?<=[{_PART_MARKS}])")


def _parts_of(sentence: str) -> list[str]:
    """The ；-delimited pieces (most sentences have none: no regex pass for them)."""
    return _PART_SPLIT.split(sentence) if any(m in sentence for m in _PART_MARKS) else [sentence]


class Part(NamedTuple):
    """A ；-delimited piece of a sentence: the unit a figure quotes. (NamedTuples, this and _Hit:
    an article makes about sixty parts and thirty hits, and a dataclass took three times as long.)"""

    norm: str  # normalised text used for matching
    orig: str  # original wording, for the quote
    sent: str  # the whole normalised sentence (。！？) it belongs to
    offset: int  # where norm starts inside sent
    line: int


@lru_cache(maxsize=32)
def _split(text: str) -> list[list[Part]]:
    """Sentences of the article, each a list of parts, paired original ↔ normalised."""
    sentences: list[list[Part]] = []
    orig_lines = clean_markup(text).split("\n")
    norm_lines = normalise(text).split("\n")
    if len(orig_lines) != len(norm_lines):
        orig_lines = norm_lines
    for li, (oline, nline) in enumerate(zip(orig_lines, norm_lines, strict=False)):
        nline = nline.strip()
        if not nline:
            continue
        nsents = [s for s in _SENTENCE.findall(nline) if s.strip()]
        osents = [s for s in _SENTENCE.findall(oline.strip()) if s.strip()]
        if len(osents) != len(nsents):
            osents = nsents
        for ns, os_ in zip(nsents, osents, strict=False):
            nparts = _parts_of(ns)
            oparts = _parts_of(os_)
            if len(nparts) != len(oparts):
                oparts = nparts
            parts: list[Part] = []
            offset = 0
            for np_, op in zip(nparts, oparts, strict=False):
                if np_.strip():
                    parts.append(Part(np_, op.strip(), ns, offset, li))
                offset += len(np_)
            if parts:
                sentences.append(parts)
    return sentences


# --- dates ---------------------------------------------------------------------------------------

_DATE_RE = guarded(
    r"\d",
    r"(?:(?P<y>20\d{2})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})(?P<dd>日|号)?"
    r"(?:\s*(?:至|到|-|—|－|~|～|－)\s*(?:(?P<m2>\d{1,2})月)?(?P<d2>\d{1,2})(?:日|号))?"
)
_DAY_RE = guarded(
    r"\d", r"(?<![\d月年.])(?P<d>\d{1,2})(?:日|号)(?![电讯])(?:\s*(?:至|到|-|—)\s*(?P<d2>\d{1,2})(?:日|号))?"
)
_REL_RE = patterns.compile(
    r"(?P<w>今天|今日|今晨|今晚|昨天|昨日|昨晚|前天|明天|明日|当天|当日|当晚)"
    r"(?:[(（](?P<m>\d{1,2})月(?P<d>\d{1,2})日[)）])?"
)
_AS_OF_RE = patterns.compile(r"截至|截止到|截止")


@dataclass
class DateMention:
    start: int
    end: int
    first: date
    last: date | None  # end of a range
    text: str


@dataclass
class Ctx:
    """What the extractor knows about the article while reading it."""

    stem: str
    edition: int
    pub: date | None
    start: date | None = None
    end: date | None = None
    stage: str = "during"
    last_date: date | None = None
    published: str | None = None
    seen: set[tuple[str, Any, str | None, str]] = field(default_factory=set)


def _year_for(ctx: Ctx, month: int) -> int:
    if ctx.pub is not None:
        # a December date in a January story is last year's
        if month > ctx.pub.month + 6:
            return ctx.pub.year - 1
        return ctx.pub.year
    return ctx.edition


def _day_date(ctx: Ctx, day: int) -> date | None:
    """A bare 5日 read against the publication month (previous month when it would lie ahead)."""
    ref = ctx.pub or ctx.last_date
    if ref is None:
        return None
    d = safe_date(ref.year, ref.month, day)
    if d is None or d > ref + timedelta(days=3):
        prev = ref.replace(day=1) - timedelta(days=1)
        d = safe_date(prev.year, prev.month, day)
    return d


def dates_in(text: str, ctx: Ctx) -> list[DateMention]:
    """Every date in a normalised sentence, resolved against the article's date."""
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for m in _DATE_RE.finditer(text):
        if not m.group("dd") and not m.group("d2"):
            continue
        month = int(m.group("m"))
        year = int(m.group("y")) if m.group("y") else _year_for(ctx, month)
        first = safe_date(year, month, int(m.group("d")))
        if first is None:
            continue
        last = None
        if m.group("d2"):
            last = safe_date(year, int(m.group("m2") or month), int(m.group("d2")))
        out.append(DateMention(m.start(), m.end(), first, last, m.group(0)))
        taken.append((m.start(), m.end()))
    for m in _REL_RE.finditer(text):
        if m.group("m"):
            d = safe_date(_year_for(ctx, int(m.group("m"))), int(m.group("m")), int(m.group("d")))
        elif ctx.pub is None and m.group("w") not in ("当天", "当日", "当晚"):
            d = None
        else:
            w = m.group("w")
            if w in ("当天", "当日", "当晚"):
                d = ctx.last_date or ctx.pub
            elif w.startswith("昨"):
                d = ctx.pub - timedelta(days=1) if ctx.pub else None
            elif w == "前天":
                d = ctx.pub - timedelta(days=2) if ctx.pub else None
            elif w.startswith("明"):
                d = ctx.pub + timedelta(days=1) if ctx.pub else None
            else:
                d = ctx.pub
        if d is not None:
            out.append(DateMention(m.start(), m.end(), d, None, m.group(0)))
            taken.append((m.start(), m.end()))
    for m in _DAY_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        d = _day_date(ctx, int(m.group("d")))
        if d is None:
            continue
        last = _day_date(ctx, int(m.group("d2"))) if m.group("d2") else None
        out.append(DateMention(m.start(), m.end(), d, last, m.group(0)))
    out.sort(key=lambda dm: dm.start)
    return out


# --- shared regexes ------------------------------------------------------------------------------

_THIS_RE = patterns.compile(r"本届|今年|这届|本次|此次|这次")
_MARK_RE = guarded(
    "12首第上去前本今这此",
    r"(?P<year>(?:19|20)\d{2})年(?!以来|底|初|前|后|上半年|下半年|[一二三四]季度|至今|度报告)"
    r"|(?P<first>首届)|第(?P<ord>[一二三四五六七八九十\d]{1,3})届"
    r"|(?<![比较同超])(?P<prev>上届|上一届|去年|前年)"
    r"|(?P<this>本届|今年|这届|本次|此次|这次)"
)
_DELTA_BEFORE_RE = patterns.compile(
    r"(?:增加|增长|提高|提升|扩大|减少|下降|降低|新增|多出|增幅|增速|上升|翻)了?(?:约|近|超过|超)?$"
)
_SUBSET_RE = patterns.compile(
    r"\d+(?:\.\d+)?万?[余多]?(?:个|家)[^，；\d]{0,14}?(?:举办|发布|组织|携带|携|开展|达成|签署|推出)[^，；\d]{0,8}$"
)
_VERB_ONLY_RE = patterns.compile(
    r"(?:今年|本届|预计|将|已|共|累计|总计|合计|达到|达|为|是|超过|突破|有|了|再|则|更|并|最终)*"
)
_PREDICATE_GAP_RE = patterns.compile(r"[有为是共计达到了约]{0,3}")
_BASE_OF_COMPARISON_RE = patterns.compile(
    r"(?:与|和|较|比|同)?(?:去年|上届|上一届|前年|(?:19|20)\d{2}年)(?:的|同期的)?$"
)
_CLAUSE_BOUND = "，,。；;：:！？"
_BEFORE_BOUND = _CLAUSE_BOUND + "、"
_SCOPE_MASK_RE = patterns.compile(r"线上线下|线上\+线下|线上或线下|线上和线下|线下线上|线上、线下")
_CLAIM_RE = patterns.compile(
    r"(?P<cmp>比上届|较上届|比上一届|较上一届|比去年|较去年|比上年|较上年|同比|环比|与上届相比|和上届相比|与去年相比|相比上届|相较上届|比往届|较往届)"
    r"[^，。；\d]{0,6}?(?P<verb>增加|增长|提高|提升|扩大|上升|多|减少|下降|降低)了?"
)
_THEME_RES = (
    patterns.compile(r"以[“\"「『](?P<t>[^”\"」』]{2,40})[”\"」』]为(?:年度)?主题(?P<tail>.{0,16})"),
    patterns.compile(r"围绕[“\"「『](?P<t>[^”\"」』]{2,40})[”\"」』](?:的)?(?:年度)?主题(?P<tail>.{0,16})"),
    patterns.compile(r"(?:年度)?主题(?:是|为)[：]?[“\"「『](?P<t>[^”\"」』]{2,40})[”\"」』](?P<tail>)"),
    patterns.compile(r"年度主题[“\"「『](?P<t>[^”\"」』]{2,40})[”\"」』](?P<tail>)"),
    patterns.compile(r"[“\"「『](?P<t>[^”\"」』]{2,40})[”\"」』]的年度主题(?P<tail>)"),
    patterns.compile(r"以(?P<t>[^，。；“”\"、]{2,20}、[^，。；“”\"、]{2,20})为(?:年度)?主题(?P<tail>.{0,16})"),
)
_THEME_BAD_TAIL = patterns.compile(  # 以“…”为主题的高峰论坛 / 主题展: the theme of something else
    r"^(?:展|馆|场景|活动|日|论坛|演讲|区|专区"
    r"|的(?:[^，。]{0,8})(?:论坛|峰会|会议|活动|展|发布会|沙龙|专区))"
)
_THEME_SEP_RE = patterns.compile(r"\s*[，、]\s*|\s+")
_OPEN_VERB_RE = patterns.compile(r"开幕|拉开帷幕|启幕|揭幕|开展")
_CLOSE_VERB_RE = patterns.compile(r"闭幕|落幕|落下帷幕|圆满结束|收官")
_RANGE_VERB_RE = patterns.compile(r"举办|举行|召开|在京|在北京|期间|展期|亮相|开幕|启幕")
# A day or a relative day: two patterns, each opening with what the engine scans for in C (a
# lookahead guard in front of the mixed alternation made it try every position)
_DATEISH_RES = (
    patterns.compile(r"\d[日号]"),
    patterns.compile(r"今天|今日|今晨|今晚|昨|前天|明天|明日|当天|当日|当晚"),
)
_GUESTS = (("主宾国", "countries", "guest_country"), ("主宾省", "provinces", "guest_province"))  # (all 主宾…)
_FIRSTS_STRONG_RE = patterns.compile(r"首次|首设|首度|第一次|首开")
_FIRSTS_WEAK_RE = patterns.compile(r"首个|首家|首创|首批|首发")


# --- helpers -------------------------------------------------------------------------------------


@cache
def _vocab_re(vocab: tuple[str, ...]) -> re.Pattern[str]:
    return patterns.compile("|".join(re.escape(v) for v in sorted(vocab, key=len, reverse=True)))


@cache
def _bound_res(bounds: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(up to and including the last bound, the first bound): the scans of _clause_bounds, in C."""
    cls = "[" + re.escape(bounds) + "]"
    return patterns.compile(".*" + cls, re.S), patterns.compile(cls)


def _clause_bounds(text: str, start: int, end: int, bounds: str = _CLAUSE_BOUND) -> tuple[int, int]:
    """[lo, hi): the clause around text[start:end], between the nearest bound characters."""
    through_last, first = _bound_res(bounds)
    m = through_last.match(text, 0, start)
    lo = m.end() if m else 0
    m = first.search(text, end)
    hi = m.start() if m else max(end, len(text))
    return lo, hi


def _names_other_edition_only(text: str, edition: int) -> bool:
    """True when the sentence names editions, none of them this one (a retrospective sentence)."""
    if "年" not in text:  # (every edition's name by year has it: most sentences end here)
        return False
    years = {int(m.group("year")) for m in fair().year_name_re.finditer(text)}
    return bool(years) and edition not in years and not _THIS_RE.search(text)


def _edition_marker(before: str, ctx: Ctx) -> tuple[int | None, bool]:
    """The edition a number belongs to, from the nearest marker before it: (year, retrospective).

    (None, False) means the number belongs to no edition (a forecast, pre-fair history).
    """
    f = fair()
    last = None
    for m in _MARK_RE.finditer(before):
        last = m
    if last is None or last.group("this"):
        return ctx.edition, False
    if last.group("year"):
        y = int(last.group("year"))
        if y == ctx.edition:
            return y, False
        if f.first_year <= y < ctx.edition:
            return y, True
        return None, False
    if last.group("first"):
        y = f.ordinal_year(1)
    elif last.group("ord"):
        from .classify import _ordinal_value

        n = _ordinal_value(last.group("ord"))
        if not n:
            return ctx.edition, False
        y = f.ordinal_year(n)
    else:
        word = last.group("prev")
        y = (ctx.edition - 2) if word == "前年" else (f.previous_held(ctx.edition) or ctx.edition - 1)
    if y == ctx.edition:
        return y, False
    if y > ctx.edition:
        return None, False
    return y, True


def _scope(before: str, rec: Any) -> str | None:
    """The nearest specific scope word before the number in the sentence; 整体 only as a fallback."""
    if not rec.scopes:
        return None
    masked = _SCOPE_MASK_RE.sub(lambda m: "#" * len(m.group(0)), before)
    best, best_pos = None, -1
    for s in rec.scopes:
        if s == "整体":
            continue
        pos = masked.rfind(s)
        if pos > best_pos:
            best, best_pos = s, pos
    if best is not None:
        return best
    if "整体" in rec.scopes and "整体" in masked:
        return "整体"
    return rec.default_scope


def _find_after(window: str, keywords: tuple[str, ...], reach: int) -> int | None:
    best = None
    for kw in keywords:
        pos = window.find(kw)
        if pos < 0:
            continue
        after_deng = "等" in window[max(0, pos - 3) : pos]
        if pos > reach and not after_deng:
            continue
        if not after_deng and any(c in window[:pos] for c in "、和及与"):
            continue  # the number counts the first conjunct: 8个专题展和相关会议论坛
        if best is None or pos < best:
            best = pos
    return best


def _find_before(window: str, keywords: tuple[str, ...]) -> int | None:
    """End of the nearest keyword before the number (keywords are sorted longest first)."""
    best = None
    for kw in keywords:
        pos = window.rfind(kw)
        if pos < 0:
            continue
        end = pos + len(kw)
        if best is None or end > best:
            best = end
    return best


@cache
def _keywords_re(ids: tuple[str, ...], side: str) -> re.Pattern[str]:
    """Any `side` ("before" or "after") keyword of these metrics: four numbers in five have none
    near them, and one scan says so where a find per keyword took seventeen."""
    by_id = metrics()
    return _vocab_re(tuple(sorted({kw for i in ids for kw in getattr(by_id[i].recognition, side)})))


def _before_choice(before: str, candidates: list[MetricDef]) -> tuple[MetricDef | None, int]:
    """The metric named nearest before the number; ties go to the longer keyword."""
    if not _keywords_re(tuple(m.id for m in candidates), "before").search(before):
        return None, -1
    chosen, best = None, (-1, 0)
    named: set[str] = set()
    for metric in candidates:
        rec = metric.recognition
        assert rec is not None
        for kw in rec.before:
            pos = before.rfind(kw)
            if pos < 0:
                continue
            named.add(metric.id)
            key = (pos + len(kw), len(kw))
            if key > best:
                best, chosen = key, metric
    if len(named) > 1:
        # 各类论坛会议及推介洽谈活动190余场: several kinds named together → the aggregate metric
        for metric in candidates:
            if metric.aggregate and metric.id in named:
                return metric, best[0]
    return chosen, best[0]


class _Hit(NamedTuple):
    number: Number
    metric: MetricDef
    scope: str | None
    start: int  # in the sentence
    end: int


def _match_metric(part: Part, n: Number, prev_end: int, next_start: int) -> MetricDef | None:
    """The metric a number counts, by the noun after it, else the words before it."""
    text = part.norm
    c_lo, c_hi = _clause_bounds(text, n.start, n.end)
    clause = text[c_lo:c_hi]
    b_lo, _ = _clause_bounds(text, n.start, n.end, _BEFORE_BOUND)
    before = text[max(b_lo, prev_end, n.start - 24) : n.start]
    after = text[n.end : min(c_hi, next_start, n.end + 40)]
    reach = _after_reach()
    candidates: list[tuple[MetricDef, bool]] = []
    for metric in _numeric_by_unit().get(n.unit or "", ()):
        rec = metric.recognition
        assert rec is not None
        if rec.exclude_re is not None and rec.exclude_re.search(clause):
            continue
        if rec.requires_re is not None and not rec.requires_re.search(clause):
            continue
        if rec.exclude_sentence_re is not None and rec.exclude_sentence_re.search(part.sent, 0, part.offset + n.start):
            continue
        candidates.append((metric, True))
    if not candidates:
        return None
    metrics_only = [m for m, _ in candidates]
    subject, subject_end = _before_choice(before, metrics_only)
    if subject is None and _VERB_ONLY_RE.fullmatch(before) and c_lo > 0:
        # 国际化率较上届提升3.4个百分点，达到20.2%: the subject sits in the clause before
        p_lo, _ = _clause_bounds(text, c_lo - 1, c_lo - 1)
        carried, _ = _before_choice(text[p_lo : c_lo - 1], metrics_only)
        reach = _after_reach()
        if carried is not None and not any(
            _find_after(after, m.recognition.after, reach) is not None for m in metrics_only  # type: ignore[union-attr]
        ):
            return carried
    if subject is not None and _PREDICATE_GAP_RE.fullmatch(before[subject_end:]):
        return subject  # 世界500强及行业龙头企业约500家线下参展: the number is the subject's predicate
    if not _keywords_re(tuple(m.id for m in metrics_only), "after").search(after):
        return subject
    best: tuple[int, int] | None = None
    chosen: MetricDef | None = None
    for i, (metric, _) in enumerate(candidates):
        rec = metric.recognition
        assert rec is not None
        pos = _find_after(after, rec.after, reach)
        if pos is not None and (best is None or (pos, i) < best):
            best, chosen = (pos, i), metric
    if chosen is not None:
        # "国别推介洽谈…和行业推介洽谈等74场活动": a generic noun after 等 defers to one specific kind before it
        if chosen.id == "events_total" and before.endswith("等"):
            kinds = {
                m.id for m, _ in candidates
                if m.id != "events_total" and _find_before(before, m.recognition.before) is not None  # type: ignore[union-attr]
            }
            generic = _find_before(before, chosen.recognition.before)  # type: ignore[union-attr]
            if len(kinds) == 1 and generic is None:
                return next(m for m, _ in candidates if m.id in kinds)
        return chosen
    return subject


# --- the extractor -------------------------------------------------------------------------------


def _article_stage(sentences: list[list[Part]], ctx: Ctx, title: str) -> str:
    f = fair()
    lead = title + "\n" + "\n".join(p.norm for s in sentences[:3] for p in s)
    if ctx.pub and ctx.end and ctx.pub >= ctx.end:
        return "closing"
    if f.closing_re.search(lead) and (f.name_re.search(lead) or _THIS_RE.search(lead)):
        return "closing"
    if ctx.pub and ctx.start:
        if ctx.pub <= ctx.start + timedelta(days=1):
            return "preview"
        return "during"
    if f.preview_re.search(lead) or f.opening_re.search(lead):
        return "preview"
    return "during"


def _figure(ctx: Ctx, part: Part, metric: str, value: Any, text: str, *, unit: str | None = None,
            qualifier: str | None = None, scope: str | None = None, stage: str | None = None,
            as_of: date | None = None, edition: int | None = None, retrospective: bool = False) -> Figure | None:
    key = (metric, repr(value), scope, part.orig)
    if key in ctx.seen:
        return None
    ctx.seen.add(key)
    return Figure(
        metric=metric,
        edition=edition if edition is not None else ctx.edition,
        value=value,
        unit=unit,
        qualifier=qualifier,
        text=text,
        article=ctx.stem,
        quote=part.orig,
        published=ctx.published,
        scope=scope,
        stage=stage or ctx.stage,
        as_of=as_of.isoformat() if as_of else None,
        retrospective=retrospective,
    )


def _theme_value(raw: str) -> str:
    raw = raw.strip()
    if re.search(r"\s", raw) and not re.search(r"[，、,]", raw):
        return _THEME_SEP_RE.sub(" ", raw)
    return _THEME_SEP_RE.sub("，", raw)


def _text_facts(sentences: list[list[Part]], ctx: Ctx) -> list[Figure]:
    """Theme, dates, venues, guest of honour: the non-numeric facts."""
    f = fair()
    out: list[Figure] = []
    venues_seen: list[str] = []
    venue_quote: tuple[int, Part] | None = None
    for parts in sentences:
        sent = parts[0].sent
        about_fair = bool(f.name_re.search(sent) or _THIS_RE.search(sent))
        if f.other_fairs_re.search(sent) and not f.name_re.search(sent):
            continue
        if _names_other_edition_only(sent, ctx.edition):
            continue
        for part in parts:
            text = part.norm
            # theme
            for rx in _THEME_RES if "主题" in text else ():
                for m in rx.finditer(text):
                    if "永久" in text[m.start() : m.start("tail")] or _THEME_BAD_TAIL.match(m.group("tail")):
                        continue
                    if not about_fair and not f.name_re.search(m.group("tail")):
                        continue
                    fig = _figure(ctx, part, "theme", _theme_value(m.group("t")), m.group("t"), stage="during")
                    if fig:
                        out.append(fig)
            # dates
            dms = dates_in(text, ctx) if _DATEISH_RES[0].search(text) or _DATEISH_RES[1].search(text) else []
            if dms:
                ctx.last_date = dms[-1].last or dms[-1].first
            if about_fair and dms and f.name_re.search(text) and "明年" not in text:
                for dm in dms:
                    is_fair_span = dm.last and dm.last > dm.first and (dm.last - dm.first).days <= 12
                    if is_fair_span and dm.last and _RANGE_VERB_RE.search(text):
                        for mid, d in (("start_date", dm.first), ("end_date", dm.last)):
                            fig = _figure(ctx, part, mid, d.isoformat(), dm.text, stage="during")
                            if fig:
                                out.append(fig)
                for verb_re, mid in ((_OPEN_VERB_RE, "start_date"), (_CLOSE_VERB_RE, "end_date")):
                    vm = verb_re.search(text)
                    if not vm:
                        continue
                    prior = [dm for dm in dms if dm.end <= vm.start() and dm.last is None]
                    if prior:
                        dm = prior[-1]
                        fig = _figure(ctx, part, mid, dm.first.isoformat(), dm.text, stage="during")
                        if fig:
                            out.append(fig)
            # venues
            if f.venue_re.search(text) and (about_fair or f.venue_context_re.search(text)):
                found: list[str] = []
                for vm in f.venue_re.finditer(text):
                    canon = next(c for c, ss in f.venues.items() if vm.group(0) in ss)
                    if canon not in found:
                        found.append(canon)
                if found and f.venue_context_re.search(text) and (about_fair or "帷幕" in text):
                    for v in found:
                        if v not in venues_seen:
                            venues_seen.append(v)
                    if venue_quote is None or len(found) > venue_quote[0]:
                        venue_quote = (len(found), part)
            # guest of honour
            for word, vocab, mid in _GUESTS if "主宾" in text else ():
                vocab = getattr(f, vocab)
                pos = text.find(word)
                if pos < 0:
                    continue
                best: tuple[int, str] | None = None
                for nm in _vocab_re(vocab).finditer(text):
                    name = nm.group(0)
                    dist = nm.start() - pos if nm.start() > pos else pos - nm.end()
                    if dist <= 12 and (best is None or dist < best[0]):
                        best = (dist, name)
                if best:
                    fig = _figure(ctx, part, mid, best[1], best[1], stage="during")
                    if fig:
                        out.append(fig)
    if venues_seen and venue_quote is not None:
        fig = _figure(ctx, venue_quote[1], "venues", list(venues_seen), "、".join(venues_seen), stage="during")
        if fig:
            out.append(fig)
    return out


def _as_of(sent: str, ctx: Ctx) -> date | None:
    m = _AS_OF_RE.search(sent)
    if not m:
        return None
    tail = sent[m.end() : m.end() + 16]
    if tail.startswith(("目前", "发稿", "记者发稿", "当前", "现在")):
        return ctx.pub
    dms = dates_in(tail, ctx)
    if dms and dms[0].start <= 2:
        return dms[0].last or dms[0].first
    return None


def extract(article: Article, edition: int, published: date | None) -> tuple[list[Figure], list[Claim]]:
    """Every figure and relative claim in the article, for its own edition and the ones it recalls."""
    ctx = Ctx(stem=article.stem, edition=edition, pub=published,
              published=published.isoformat() if published else None)
    sentences = _split(article.text or "")
    title = normalise(article.title or "")
    text_figs = _text_facts(sentences, ctx)
    own = [fg for fg in text_figs if not fg.retrospective]
    starts = sorted(fg.value for fg in own if fg.metric == "start_date")
    ends = sorted(fg.value for fg in own if fg.metric == "end_date")
    known = fair().edition_dates.get(edition, (None, None))
    ctx.start = date.fromisoformat(starts[0]) if starts else known[0]
    ctx.end = date.fromisoformat(ends[-1]) if ends else known[1]
    ctx.stage = _article_stage(sentences, ctx, title)
    figures = [_restage(fg, ctx) for fg in text_figs]
    claims: list[Claim] = []
    f = fair()
    line_as_of: tuple[int, date] | None = None
    for parts in sentences:
        sent = parts[0].sent
        as_of = _as_of(sent, ctx)
        if as_of is not None:
            line_as_of = (parts[0].line, as_of)
        elif line_as_of is not None and line_as_of[0] == parts[0].line:
            as_of = line_as_of[1]
        hits: list[_Hit] = []
        # (a part can name another fair, or an excluded context, only if its sentence does)
        other_fairs, excluded = f.other_fairs_re.search(sent), f.exclusion_re.search(sent)
        for part in parts:
            other_fair = other_fairs and f.other_fairs_re.search(part.norm) and not f.name_re.search(part.norm)
            if other_fair or (excluded and f.exclusion_re.search(part.norm)):
                continue
            part_hits = _numbers_in_part(part, ctx, as_of, figures)
            hits.extend(part_hits)
            claims.extend(_claims_in_part(part, ctx, hits))
    return figures, claims


def _restage(fg: Figure, ctx: Ctx) -> Figure:
    if fg.metric in ("theme", "venues", "guest_country", "guest_province"):
        return fg._replace(stage=ctx.stage)
    return fg


def _numbers_in_part(part: Part, ctx: Ctx, as_of: date | None, figures: list[Figure]) -> list[_Hit]:
    f = fair()
    text = part.norm
    numbers = find_numbers(text, quantities_only=True)
    matched: list[tuple[Number, MetricDef | None]] = []
    for i, n in enumerate(numbers):
        prev_end = numbers[i - 1].end if i else 0
        next_start = numbers[i + 1].start if i + 1 < len(numbers) else len(text)
        if _DELTA_BEFORE_RE.search(text[max(0, n.start - 6) : n.start]):
            matched.append((n, None))
            continue
        matched.append((n, _match_metric(part, n, prev_end, next_start)))
    # 与去年的5万平方米相比，今年展览面积达到6.5万平方米: the base of a comparison takes the metric
    # of the figure it is compared with (same unit, same sentence part)
    for i, (n, metric) in enumerate(matched):
        if metric is None and _BASE_OF_COMPARISON_RE.search(text[max(0, n.start - 8) : n.start]):
            same = [m for k, (o, m) in enumerate(matched) if k != i and m is not None and o.unit == n.unit]
            if same:
                matched[i] = (n, same[0])
    hits: list[_Hit] = []
    for n, metric in matched:
        if metric is None:
            continue
        sent_before = part.sent[: part.offset + n.start]
        if f.cumulative_re.search(sent_before):
            continue
        c_lo, _ = _clause_bounds(text, n.start, n.end)
        if _SUBSET_RE.search(text[c_lo : n.start]):
            continue
        edition, retro = _edition_marker(sent_before, ctx)
        if edition is None:
            continue
        rec = metric.recognition
        assert rec is not None
        scope = _scope(sent_before, rec)
        if retro:
            stage, fig_as_of = "closing", None
        else:
            fig_as_of = as_of
            stage = _stage(part, ctx, as_of)
        fig = _figure(ctx, part, metric.id, n.value, n.text, unit=n.unit, qualifier=n.qualifier, scope=scope,
                      stage=stage, as_of=fig_as_of, edition=edition, retrospective=retro)
        if fig:
            figures.append(fig)
        hits.append(_Hit(n, metric, scope, part.offset + n.start, part.offset + n.end))
    return hits


def _stage(part: Part, ctx: Ctx, as_of: date | None) -> str:
    f = fair()
    if f.preview_re.search(part.norm):
        return "preview"
    if as_of is not None:
        if ctx.start and as_of < ctx.start:
            return "preview"
        if ctx.end and as_of >= ctx.end:
            return "closing"
    if f.closing_re.search(part.norm):
        return "closing"
    if "累计" in part.norm and ctx.stage != "preview":
        return "closing"
    return ctx.stage


def _claims_in_part(part: Part, ctx: Ctx, hits: list[_Hit]) -> list[Claim]:
    text = part.norm
    out: list[Claim] = []
    for m in _CLAIM_RE.finditer(text):
        numbers = [n for n in find_numbers(text[m.end() : m.end() + 16]) if n.unit]
        if not numbers or numbers[0].start > 2:
            continue
        n = numbers[0]
        if n.unit == "%":
            kind = "pct"
        elif n.unit == "个百分点":
            kind = "pp"
        elif n.unit == "倍":
            continue
        else:
            kind = "diff"
        amount = float(n.value)
        if m.group("verb") in ("减少", "下降", "降低"):
            amount = -amount
        # the subject: the nearest figure or metric keyword in this clause or the one before it
        c_lo, _ = _clause_bounds(text, m.start(), m.end())
        p_lo, _ = _clause_bounds(text, max(c_lo - 1, 0), max(c_lo - 1, 0)) if c_lo > 0 else (0, 0)
        cmp_at = part.offset + m.start()
        lo = part.offset + p_lo
        best: tuple[int, str, str | None, int] | None = None  # (end, metric, scope, edition)
        for h in hits:
            fits = lo <= h.start and h.end <= cmp_at and _claim_fits(h.metric, kind, n.unit)
            if fits and (best is None or h.end > best[0]):
                    best = (h.end, h.metric.id, h.scope, ctx.edition)
        window = text[p_lo : m.start()]
        for metric in _numeric():
            rec = metric.recognition
            assert rec is not None
            if not _claim_fits(metric, kind, n.unit):
                continue
            end = _find_before(window, rec.before + rec.after + (metric.label_zh,))
            if end is not None and (best is None or part.offset + p_lo + end > best[0]):
                scope = _scope(part.sent[: part.offset + p_lo + end], rec)
                best = (part.offset + p_lo + end, metric.id, scope, ctx.edition)
        if best is None:
            continue
        out.append(Claim(metric=best[1], edition=best[3], kind=kind, amount=amount,
                         text=text[m.start() : m.end() + n.end], article=ctx.stem, quote=part.orig, scope=best[2]))
    return out


def _claim_fits(metric: MetricDef, kind: str, unit: str | None) -> bool:
    rec = metric.recognition
    if rec is None:
        return False
    if kind == "pp":
        return metric.kind == "percent"
    if kind == "pct":
        return metric.kind != "percent"
    return unit in rec.units and metric.kind != "percent"


def firsts(article: Article) -> list[str]:
    """Sentences that say the fair did something for the first time (首次/首设…), as written."""
    f = fair()
    out: list[str] = []
    for parts in _split(article.text or ""):
        sent = parts[0].sent
        # the rare words first: most sentences say nothing for the first time
        strong = _FIRSTS_STRONG_RE.search(sent)
        if not (strong or (_FIRSTS_WEAK_RE.search(sent) and f.name_re.search(sent))):
            continue
        if f.exclusion_re.search(sent) or (f.other_fairs_re.search(sent) and not f.name_re.search(sent)):
            continue
        quote = "".join(p.orig for p in parts).strip()
        if quote and quote not in out:
            out.append(quote)
    return out
