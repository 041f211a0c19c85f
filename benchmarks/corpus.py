"""A deterministic scale corpus made from the five seeds, for the benchmark.

Each generated article starts from one seed and is moved to another edition (2012–2025: the fair's
name, year mentions and months follow; before 2020 it is 京交会 in late May), given another outlet,
title and publication date, has its numbers scaled, some paragraphs dropped and a few generated
paragraphs inserted. One of the inserted paragraphs carries the article's serial number, so no two
articles have the same text and the build's duplicate detector never merges them. Front matter +
HTML seeds stay front matter + HTML; the bare-Markdown seed stays bare Markdown.
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# Everything a build reads, except seeds/ (the corpus replaces them) and generated output.
PROJECT_FILES = ("mkdocs.yml", "templates", "data", "overrides", "yearbook", "build.py")

# Opening and closing day of each edition (京交会 until 2019, 服贸会 from 2020).
FAIR_DATES: dict[int, tuple[date, date]] = {
    **{y: (date(y, 5, 28), date(y, 6, 1)) for y in range(2012, 2020)},
    2020: (date(2020, 9, 4), date(2020, 9, 9)),
    2021: (date(2021, 9, 2), date(2021, 9, 7)),
    2022: (date(2022, 8, 31), date(2022, 9, 5)),
    2023: (date(2023, 9, 2), date(2023, 9, 6)),
    2024: (date(2024, 9, 12), date(2024, 9, 16)),
    2025: (date(2025, 9, 10), date(2025, 9, 14)),
}
OUTLETS = (
    "新华网", "人民网", "中国新闻网", "新京报", "北京日报", "经济日报", "光明网", "央视新闻", "证券时报网", "新浪财经",
    "澎湃新闻", "第一财经", "21世纪经济报道", "中国日报网", "北京青年报", "国际商报", "中国经济网", "环球网",
    "中国青年网", "北京晚报", "千龙网", "北京商报",
)
REPORTERS = ("王璐", "李想", "张弛", "刘洋", "陈静", "赵然", "孙悦", "周航", "吴迪", "郑好", "何畅", "高远", "林涛")
TITLE_PREFIXES = ("", "", "直击｜", "聚焦", "现场：", "观察｜", "图解：", "快讯：", "深读｜", "一线见闻：")
TITLE_SUFFIXES = (
    "", "", "（服贸观察）", "——来自展馆的报道", "｜记者手记", "（现场直击）", "：数字里的新变化", "（评论）",
    "｜{outlet}", "（第{day}日）",
)
VENUES = ("国家会议中心", "首钢园", "国家会议中心二期", "首钢园区", "北京展览馆", "奥林匹克公园")
SECTORS = ("数字金融", "智慧医疗", "文化旅游", "教育服务", "供应链服务", "工程咨询", "体育服务", "环境服务",
           "电信计算机和信息服务", "人工智能", "跨境电商", "检验检测", "法律服务", "会展服务")
COUNTRIES = ("英国", "德国", "法国", "日本", "韩国", "新加坡", "澳大利亚", "意大利", "瑞士", "荷兰", "泰国", "巴西")
CN_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Seed:
    """One seed split into what the generator varies."""

    name: str
    fmt: str  # "html" (front matter + HTML) or "markdown" (bare Markdown)
    year: int  # the edition the seed reports on
    title: str
    body: str  # HTML or Markdown without the front matter / the title line
    headimg: str


def load_seeds(seed_dir: Path = SEEDS) -> list[Seed]:
    """The five seeds, parsed just enough to vary them."""
    seeds = []
    for path in sorted(seed_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8").lstrip("\ufeff\n ")
        fm = re.match(r"---\n(.*?)\n---\n", text, re.S)
        if fm:
            meta = fm.group(1)
            title = re.search(r"^title:\s*'(.*)'\s*$", meta, re.M)
            img = re.search(r"^headimg:\s*'(.*)'\s*$", meta, re.M)
            year = re.search(r"^date:.*?\b(20\d\d)\b", meta, re.M)
            seeds.append(Seed(path.name, "html", int(year.group(1)) if year else 2021,
                              title.group(1) if title else "服贸会报道", text[fm.end():], img.group(1) if img else ""))
        else:
            first, _, rest = text.partition("\n")
            title = first.lstrip("# ").strip()
            years = re.findall(r"(20\d\d)年", text)
            year = max(set(years), key=years.count) if years else 2025
            seeds.append(Seed(path.name, "markdown", int(year), title, rest, ""))
    if not seeds:
        raise FileNotFoundError(f"no seeds in {seed_dir}")
    return seeds


# --- text variation -----------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\d.A-Za-z_/#%-])(\d+(?:\.\d+)?)(?![\d.A-Za-z_])(?!\s*[月日时点号强])")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)")
_MONTH = re.compile(r"(?<![\d.])([89])(?=月)")


def _fair_names(text: str, year: int) -> str:
    if year >= 2020:
        return text
    text = text.replace("云上服贸会", "京交会").replace("中国国际服务贸易交易会", "中国（北京）国际服务贸易交易会")
    return text.replace("服贸会", "京交会")


def _vary_text(text: str, seed_year: int, year: int, factor: float) -> str:
    """Move one run of text (no markup) to another edition and scale its numbers."""
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + year - seed_year)
                     if seed_year - 1 <= int(m.group(1)) <= seed_year else m.group(1), text)
    text = _fair_names(text, year)
    if year < 2020:
        text = _MONTH.sub(lambda m: "5" if m.group(1) == "8" else "6", text)

    def scale(m: re.Match[str]) -> str:
        raw = m.group(1)
        if "." not in raw and ((len(raw) == 4 and raw[:2] in ("19", "20")) or int(raw) < 3 or raw.startswith("0")):
            return raw  # years, tiny counts and codes stay as they are
        if "." in raw:
            places = len(raw.split(".")[1])
            return f"{float(raw) * factor:.{places}f}"
        return str(max(3, round(int(raw) * factor)))

    return _NUMBER.sub(scale, text)


def _vary_html(html: str, seed_year: int, year: int, factor: float) -> str:
    """Vary only the text between tags; markup, URLs, comments, styles and scripts stay as they are."""
    parts = re.split(r"(<[^>]*>)", html)
    out = []
    raw = False
    for part in parts:
        if part.startswith("<"):
            low = part[:8].lower()
            raw = low.startswith(("<style", "<script")) or (raw and not low.startswith(("</style", "</script")))
            out.append(part)
        else:
            out.append(part if raw else _vary_text(part, seed_year, year, factor))
    return "".join(out)


def _ordinal(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def _generated_paragraphs(rng: random.Random, serial: int, year: int, outlet: str) -> list[str]:
    """A few plausible paragraphs; the first names the serial number, so every article is distinct."""
    name = "服贸会" if year >= 2020 else "京交会"
    venue = rng.choice(VENUES if year >= 2020 else ("国家会议中心", "北京展览馆", "中国国际展览中心"))
    sector, other = rng.sample(SECTORS, 2)
    country = rng.choice(COUNTRIES)
    edition = year - 2011
    paras = [
        f"据{outlet}现场统计，截至发稿时{venue}{sector}展区已接待第{serial + 1}批专业观众团组，"
        f"洽谈区的预约排期已经排到了第{rng.randint(2, 5)}天。",
        f"在{sector}展区，来自{country}的参展商表示，这是他们第{rng.randint(2, 9)}次参加{name}，"
        f"今年带来了{rng.randint(5, 60)}项新产品和新服务，现场签约意向金额约{rng.randint(2, 90)}亿元。",
        f"本届{name}是第{_ordinal(edition)}届，{other}专题共设置{rng.randint(10, 80)}场洽谈活动，"
        f"吸引{rng.randint(100, 900)}家企业报名参加。",
        f"业内人士认为，{sector}与{other}的融合正在加快，{name}为中外企业提供了{rng.choice(('对接', '展示', '交易'))}"
        f"的平台，“{rng.choice(('展商变投资商', '展品变商品', '客商变伙伴'))}”的效应持续显现。",
    ]
    return [paras[0], *rng.sample(paras[1:], rng.randint(1, 3))]


def _vary_html_paragraphs(html: str, extra: list[str], rng: random.Random) -> str:
    """Drop some <p> after the first two (markup between them always stays) and insert the generated ones."""
    paras = list(re.finditer(r"<p\b[^>]*>.*?</p>", html, re.S))
    if len(paras) < 3:
        return html.replace("</p>", "</p>" + "".join(f"<p>{p}</p>" for p in extra), 1)
    slots = sorted(rng.randint(2, len(paras)) for _ in extra)  # insert before paragraph number slot
    out, pos = [], 0
    for i, m in enumerate(paras):
        out.append(html[pos:m.start()])
        out.extend(f"<p>{extra[k]}</p>\n" for k, s in enumerate(slots) if s == i)
        if i < 2 or rng.random() > 0.15:
            out.append(m.group(0))
        pos = m.end()
    out.extend(f"\n<p>{extra[k]}</p>" for k, s in enumerate(slots) if s == len(paras))
    out.append(html[pos:])
    return "".join(out)


def _vary_markdown_paragraphs(md: str, extra: list[str], rng: random.Random) -> str:
    blocks = [b for b in re.split(r"\n\s*\n", md) if b.strip()]
    headings = {i for i, b in enumerate(blocks) if b.lstrip().startswith("#")}
    kept = [b for i, b in enumerate(blocks) if i < 3 or i in headings or rng.random() > 0.15]
    for para in extra:
        kept.insert(rng.randint(min(3, len(kept)), len(kept)), para)
    return "\n\n".join(kept) + "\n"


def _title(rng: random.Random, seed: Seed, year: int, outlet: str, day: int, factor: float, used: set[str]) -> str:
    base = _vary_text(seed.title, seed.year, year, factor)
    title = rng.choice(TITLE_PREFIXES) + base + rng.choice(TITLE_SUFFIXES).format(outlet=outlet, day=day)
    n, unique = 2, title
    while unique in used:
        unique = f"{title}（之{_ordinal(n) if n < 100 else n}）"
        n += 1
    used.add(unique)
    return unique


def make_article(serial: int, seed: Seed, rng: random.Random, used_titles: set[str]) -> tuple[str, str]:
    """(file name, file text) of one generated article."""
    year = rng.choice(sorted(FAIR_DATES))
    outlet = rng.choice(OUTLETS)
    factor = rng.uniform(0.7, 1.4)
    opening, closing = FAIR_DATES[year]
    day = rng.randint(-3, (closing - opening).days + 2)
    published = datetime.combine(opening + timedelta(days=day), datetime.min.time(), UTC) + timedelta(
        seconds=rng.randint(0, 86399))
    extra = _generated_paragraphs(rng, serial, year, outlet)
    title = _title(rng, seed, year, outlet, max(1, day + 1), factor, used_titles)
    if seed.fmt == "html":
        body = _vary_html(seed.body, seed.year, year, factor)
        body = _vary_html_paragraphs(body, extra, rng)
        categories = "\n".join(f" - {c}" for c in ("金融", outlet, rng.choice(("要闻", "国内", "财经", "会展"))))
        when = format_datetime(published, usegmt=True)
        text = (f"\n---\ntitle: '{title}'\ncategories: \n{categories}\nheadimg: '{seed.headimg}'\n"
                f"author: {outlet}\ncomments: false\ndate: {when}\nthumbnail: '{seed.headimg}'\n---\n\n{body}")
    else:
        body = _vary_text(seed.body, seed.year, year, factor)
        body = re.sub(r"^\S*记者 \S+$", f"{outlet}记者 {rng.choice(REPORTERS)}", body, count=1, flags=re.M)
        text = f"\n\n# {title}\n\n" + _vary_markdown_paragraphs(body, extra, rng)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"{serial:05d}_{digest}.txt", text


def generate(n: int, dest: Path, *, seed: int = 20260901, seed_dir: Path = SEEDS) -> list[Path]:
    """Write n distinct articles into dest (created); the same n and seed always give the same files."""
    seeds = load_seeds(seed_dir)
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    paths = []
    for serial in range(n):
        name, text = make_article(serial, seeds[serial % len(seeds)], rng, used)
        path = dest / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def make_project(dest: Path, n: int, *, seed: int = 20260901) -> Path:
    """A copy of the project (code, templates, data, hand-written docs) whose seeds/ is an n-article corpus."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    _copy_handwritten_docs(dest / "docs")
    generate(n, dest / "seeds", seed=seed)
    return dest


def _copy_handwritten_docs(docs: Path) -> None:
    """The hand-written files of the working tree's docs/ (generated parts are symlinks or belong to the build)."""
    from yearbook.writer import is_generated

    src_docs = ROOT / "docs"
    for src in src_docs.rglob("*"):
        rel = src.relative_to(src_docs).as_posix()
        if src.is_symlink() or not src.is_file() or is_generated(rel):
            continue
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, docs / rel)
