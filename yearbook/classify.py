"""Which edition an article reports on, from its text and date.

An article mentions many years (2021 national statistics, the first fair of 2012, last year's
area); it reports on one edition. Explicit "<year>年服贸会" names, 本届/今年 read against the
publication year, 第N届 ordinals and the publication date itself each vote; the edition with the
strongest evidence wins and the reason is kept in words. Also home of the text normalisation that
extraction shares (Traditional → Simplified, pinyin glosses removed, full-width digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from . import datafiles, patterns
from .records import Article, Classification

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
BEIJING_OFFSET = timedelta(hours=8)


# --- data --------------------------------------------------------------------------------------


@cache
def load_yaml(name: str) -> Any:
    """A data file from data/, read once per process."""
    return datafiles.load(DATA_DIR / name)


@dataclass(frozen=True)
class Fair:
    """fair.yml, with its regexes compiled once."""

    names: tuple[str, ...]
    name_re: re.Pattern[str]
    year_name_re: re.Pattern[str]
    ordinal_re: re.Pattern[str]
    other_fairs_re: re.Pattern[str]
    first_year: int
    ordinal_years: dict[int, int]
    held_years: tuple[int, ...]
    venues: dict[str, tuple[str, ...]]
    venue_re: re.Pattern[str]
    venue_context_re: re.Pattern[str]
    preview_re: re.Pattern[str]
    opening_re: re.Pattern[str]
    closing_re: re.Pattern[str]
    exclusion_re: re.Pattern[str]
    cumulative_re: re.Pattern[str]
    countries: tuple[str, ...]
    provinces: tuple[str, ...]
    edition_dates: dict[int, tuple[date | None, date | None]]

    def ordinal_year(self, n: int) -> int:
        return self.ordinal_years.get(n, self.first_year + n - 1)

    def previous_held(self, year: int) -> int | None:
        earlier = [y for y in self.held_years if y < year]
        return max(earlier) if earlier else None


def guarded(first: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`pattern` compiled behind a one-character lookahead `[first]`: the same matches, found faster.

    A pattern that opens with an alternation, a lookbehind or an optional group makes the regex
    engine try all of it at every position of the text; the lookahead rejects most positions of
    Chinese text with one table lookup. `first` (a character-class body) must hold every character
    a match of `pattern` can start with. Still, every position costs a call into the matcher: a
    pattern that can open with the class or the words it consumes is faster, as the engine then
    skips to the candidates in C (see _GLOSS_RE, extract._DATEISH_RES).
    """
    return patterns.compile(f"(?=[{first}])(?:{pattern})", flags)


def _alt(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def fair() -> Fair:
    raw = load_yaml("fair.yml")
    names = tuple(dict.fromkeys(n.translate(_FULLWIDTH) for n in raw["names"]))
    name_alt = _alt(names)
    venues = {canon: tuple(spellings) for canon, spellings in raw["venues"].items()}
    spellings = [s for ss in venues.values() for s in ss]
    stage = raw["stage_words"]
    return Fair(
        names=names,
        name_re=patterns.compile(name_alt),
        # 2021年中国国际服务贸易交易会, 2019年京交会, 2022年（第十一届）服贸会, 2020年度服贸会
        year_name_re=patterns.compile(
            r"(?P<year>(?:19|20)\d{2})\s*年(?:度)?(?:的)?\s*"
            r"(?:[(（]?第[一二三四五六七八九十\d]{1,3}届[)）]?)?\s*(?:" + name_alt + ")"
        ),
        ordinal_re=patterns.compile(
            r"(?:第(?P<ord>[一二三四五六七八九十]{1,3}|\d{1,2})届|(?P<first>首)届)\s*(?:[(（][^)）]{0,20}[)）])?\s*(?:"
            + name_alt + ")"
        ),
        other_fairs_re=patterns.compile(_alt(raw["other_fairs"])),
        first_year=int(raw["first_year"]),
        ordinal_years={int(k): int(v) for k, v in (raw.get("ordinal_years") or {}).items()},
        held_years=tuple(int(y) for y in raw["held_years"]),
        venues=venues,
        venue_re=patterns.compile(_alt(spellings)),
        venue_context_re=patterns.compile(_alt(raw["venue_context"])),
        preview_re=patterns.compile(_alt(stage["preview"])),
        opening_re=patterns.compile(_alt(stage["opening"])),
        closing_re=patterns.compile(_alt(stage["closing"])),
        exclusion_re=patterns.compile(_alt(raw["exclusion_contexts"])),
        cumulative_re=patterns.compile(raw["cumulative_pattern"]),
        countries=tuple(raw["countries"]),
        provinces=tuple(raw["provinces"]),
        edition_dates={
            int(y): (_as_date(v.get("start")), _as_date(v.get("end"))) for y, v in (raw.get("editions") or {}).items()
        },
    )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# --- normalisation -------------------------------------------------------------------------------

# (opens with the bracket it consumes, the Han character before it checked behind: the engine
# then scans for brackets in C, where a leading look-behind made it try every position)
_GLOSS_RE = patterns.compile(r"[(（](?<=[\u3400-\u9fff][(（])([a-zü\u00e0-\u01dc\u0101-\u01da]{1,7})[)）]")
_TONE_MARKS = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm"
)
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９％．，：；！？（）", "0123456789%.，：；！？()"
)
_FW_MAP = {chr(k): chr(v) for k, v in _FULLWIDTH.items()}
_FW_RE = patterns.compile("[０-９％．（）]")
_ASCII_PUNCT_RE = patterns.compile(r",(?<!\d,)|,(?!\d{3})")  # not a thousands separator
_MD_RE = patterns.compile(r"\*\*|__|^\s{0,3}(?:#{1,6}|>|[-*+])\s+", re.M)
_SPACE_RE = patterns.compile(r"[ \t\u3000\xa0]+")


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _pinyin_syllables() -> frozenset[str]:
    from pypinyin.constants import PINYIN_DICT

    out: set[str] = set()
    for readings in PINYIN_DICT.values():
        for r in readings.split(","):
            out.add(r.translate(_TONE_MARKS))
    return frozenset(out)


def _is_gloss(group: str, prev_char: str) -> bool:
    base = group.translate(_TONE_MARKS)
    if base not in _pinyin_syllables():
        return False
    if group != base or len(group) > 1:
        return True  # tone-marked or a whole syllable: a gloss
    from pypinyin import Style, pinyin  # one-letter group such as 附件(a): check the character's readings

    readings = pinyin(prev_char, style=Style.NORMAL, heteronym=True)[0]
    return group in readings


def strip_glosses(text: str) -> str:
    """Remove pinyin glosses that mirrored pages insert after characters: 服務(wù) → 服務."""
    if "(" not in text and "（" not in text:
        return text
    return _GLOSS_RE.sub(lambda m: "" if _is_gloss(m.group(1), text[m.start() - 1]) else m.group(0), text)


@lru_cache(maxsize=64)
def clean_markup(text: str) -> str:
    """Plain text as quoted: Markdown emphasis and heading marks dropped, spaces collapsed.

    Cached: normalise() and extract's sentence splitter both start from it, on the same article text.
    """
    return _SPACE_RE.sub(" ", _MD_RE.sub("", text))


@lru_cache(maxsize=64)
def normalise(text: str) -> str:
    """Text for matching: glosses removed, Simplified, ASCII digits, Chinese punctuation.

    Keeps every sentence delimiter where it was, so sentences of the normalised and the original
    text can be paired one to one (quotes stay the original wording).
    """
    text = strip_glosses(clean_markup(text))
    text = _converter().convert(text)
    if _FW_RE.search(text):
        text = _FW_RE.sub(lambda m: _FW_MAP[m.group(0)], text)
    text = _ASCII_PUNCT_RE.sub("，", text)
    return text.replace(":", "：").replace(";", "；").replace("!", "！").replace("?", "？")


# --- dates ---------------------------------------------------------------------------------------

_DATELINE_RE = patterns.compile(r"(?:^|\n)[^\n。]{0,30}?(?:(?P<y>20\d{2})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:电|讯)")
_FULL_DATE_RE = patterns.compile(r"(?:(?P<y>20\d{2})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})日")


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def published_date(article: Article) -> date | None:
    """The article's date in Beijing time (the date a Chinese reader would see)."""
    if article.published is None:
        return None
    p = article.published
    if p.tzinfo is not None:
        p = p.astimezone(timezone(BEIJING_OFFSET))
    return p.date()


# --- classification ------------------------------------------------------------------------------

_THIS_EDITION_RE = patterns.compile(r"本届|今年|这届|本次|此次|今年的")
_MAX_YEAR = 2100


def _ordinal_value(text: str) -> int | None:
    if text == "首":
        return 1
    if text.isdigit():
        return int(text)
    from .numbers import chinese_to_decimal

    value = chinese_to_decimal(text)
    return int(value) if value is not None else None


def mentioned_editions(text: str) -> dict[int, int]:
    """Edition year → how often the text names it (2021年服贸会, 第二届京交会, 首届)."""
    f = fair()
    counts: dict[int, int] = {}
    for m in f.year_name_re.finditer(text):
        y = int(m.group("year"))
        if f.first_year <= y < _MAX_YEAR:
            counts[y] = counts.get(y, 0) + 1
    for m in f.ordinal_re.finditer(text):
        n = 1 if m.group("first") else _ordinal_value(m.group("ord") or "")
        if n:
            y = f.ordinal_year(n)
            counts[y] = counts.get(y, 0) + 1
    return counts


def _infer_date(text: str, edition: int | None) -> date | None:
    """A publication date from the text alone: a dateline, else the closing date, else the latest date."""
    m = _DATELINE_RE.search(text[:400])
    if m and edition:
        return safe_date(int(m.group("y") or edition), int(m.group("m")), int(m.group("d")))
    closing = fair().closing_re
    best: date | None = None
    for line in text.splitlines():
        for sentence in re.split(r"[。！？]", line):
            if not closing.search(sentence):
                continue
            dm = _FULL_DATE_RE.search(sentence)
            if dm and (dm.group("y") or edition):
                d = safe_date(int(dm.group("y") or edition or 0), int(dm.group("m")), int(dm.group("d")))
                if d and (edition is None or d.year == edition):
                    return d
    if edition is None:
        return None
    for dm in _FULL_DATE_RE.finditer(text):
        year = int(dm.group("y") or edition)
        if year != edition:
            continue
        d = safe_date(year, int(dm.group("m")), int(dm.group("d")))
        if d and (best is None or d > best):
            best = d
    return best


def classify(article: Article) -> Classification:
    """The edition the article reports on (None when it is not about the fair), with the reason."""
    f = fair()
    head = normalise(article.title or "")
    body = normalise(article.text or "")
    text = head + "\n" + body
    name_hits = len(f.name_re.findall(text))
    if name_hits == 0:
        return Classification(None, "未提及服贸会或京交会")
    if not f.name_re.search(head) and name_hits < 2:
        return Classification(None, "仅顺带提及服贸会一次", mentioned_editions=tuple(sorted(mentioned_editions(text))))

    pub = published_date(article)
    counts = mentioned_editions(text)
    lead = "\n".join(body.splitlines()[:3])
    scores: dict[int, float] = {}
    why: dict[int, list[str]] = {}

    def vote(year: int, weight: float, reason: str) -> None:
        scores[year] = scores.get(year, 0.0) + weight
        why.setdefault(year, []).append(reason)

    for y, n in counts.items():
        vote(y, 3.0 * n, f"文中{n}次写明“{y}年服贸会/第N届”")
    for y in mentioned_editions(head):
        vote(y, 4.0, "标题写明届次")
    for y in mentioned_editions(lead):
        vote(y, 2.0, "导语写明届次")
    if pub is not None:
        this_n = len(_THIS_EDITION_RE.findall(text))
        if this_n:
            vote(pub.year, 2.0 * min(this_n, 5), f"“本届/今年”（{this_n}处）按发布年份{pub.year}")
        vote(pub.year, 1.5, f"发布于{pub.isoformat()}")
    if not scores:
        return Classification(None, "提及服贸会，但文中无年份且无发布日期，无法判断届次")
    edition = max(scores, key=lambda y: (scores[y], y))
    if pub is not None and edition > pub.year:
        edition = pub.year if pub.year in scores else edition
    reason = "；".join(why[edition])
    inferred = None
    if pub is None:
        inferred = _infer_date(body, edition)
        reason += "（无发布日期，届次取自正文）"
    mentioned = set(counts) | {edition}
    return Classification(edition, reason, inferred, tuple(sorted(mentioned)))
