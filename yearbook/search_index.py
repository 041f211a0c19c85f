"""Pagefind index of the built site, with Chinese indexed as character pairs.

Why: Pagefind cuts page text into words with jieba when it indexes, but cuts the reader's query
with the browser's Intl.Segmenter, and a page matches only if every query piece starts a word on
it. The two disagree on names the site is about: the browser cuts 首钢园 into 首/钢/园 while the
index holds 首钢 + 园, so 首钢园 found 1 of the 5 articles that contain it (国际化率: 3 of 5).
Indexing single characters fixes that but does not scale: every page holds 服, 会 … hundreds of
times, and a query downloaded 1–3 MB of positions at 10,000 articles.

So Pagefind indexes a copy of each page whose searchable text is a set of tokens, one per
distinct pair of adjacent Han characters (首钢园 → 首钢, 钢园) plus the last character of each run,
each spelled in ASCII ("zq" + 5 hex digits per character) so that no segmenter touches them, and
each listed once per page, so a posting is one entry per page. docs/assets/javascripts/search.js
turns a query into the same tokens: every pair must be on the page (Pagefind ANDs terms), and a
one-character query matches as a prefix. Latin words (C919, 5G, exhibitors) are indexed as they
are. The real title and description travel as Pagefind metadata, and the result shows the
description as its excerpt.

Cost: Pagefind scores a query by walking, for every result page, the postings of every matched
word, so a query whose tokens most pages hold takes seconds at 10,000 pages whatever the tokens
(benchmarks/RESULTS.md, item 8a).
"""

from __future__ import annotations

import hashlib
import html as htmllib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import lxml.html

_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_HAN = "".join(f"{chr(a)}-{chr(b)}" for a, b in _HAN_RANGES)
# at every Han character: it and the next one if that is Han too (a pair), else it alone (a run's end)
_HAN_GRAM = re.compile(f"(?=([{_HAN}]{{1,2}}))")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+%-]*")
_HEX = {cp: f"{cp:05x}" for a, b in _HAN_RANGES for cp in range(a, b + 1)}  # 首 → 09996, for str.translate
_SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
_BLOCKS = frozenset({"p", "div", "li", "td", "th", "tr", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "br",
                     "small", "figcaption", "blockquote", "section", "details", "summary", "caption"})
# what the index leaves out: permalink marks, the article metadata block, anything marked ignore
_IGNORED_CLASSES = frozenset({"headerlink", "md-source-file", "yb-meta"})
# bump when prepare_page's output changes, so cached copies are not reused
_VERSION = b"2"


def han_token(chars: str) -> str:
    """首钢 → zq09996094a2: a character pair (or one character) as one ASCII word."""
    return "zq" + chars.translate(_HEX)


class _Spelling(dict):
    """Memo of han_token: a site has some ten thousand distinct pairs, its pages millions."""

    def __missing__(self, chars: str) -> str:
        token = self[chars] = han_token(chars)
        return token


_SPELLED = _Spelling()


def tokens(text: str, english: bool = False) -> list[str]:
    """The distinct search tokens of a text, in order of first appearance.

    English pages give only their Latin words: they quote the Chinese sources, and the Chinese
    pages are what a Chinese query should find."""
    out: list[str] = []
    if not english:
        out = list(map(_SPELLED.__getitem__, dict.fromkeys(_HAN_GRAM.findall(text))))
    out += [w.lower() for w in _LATIN_WORD.findall(text)]
    return list(dict.fromkeys(out))


def _ignored(el) -> bool:
    if el.get("data-pagefind-ignore") is not None:
        return True
    cls = el.get("class")
    return bool(cls) and not _IGNORED_CLASSES.isdisjoint(cls.split())


def _text(el, out: list[str]) -> None:
    """Text of el's content into out, leaving out skipped and ignored elements, with a space around
    every block so that words in separate blocks do not run together."""
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _SKIP and not _ignored(child):
            if tag in _BLOCKS:
                out.append(" ")
                _text(child, out)
                out.append(" ")
            else:
                _text(child, out)
        if child.tail:
            out.append(child.tail)


def prepare_page(html: str, english: bool = False) -> str:
    """The page as Pagefind should see it: the real title and description as metadata, and as the
    indexed body the tokens of its text (the title's tokens weigh as a heading).

    Only what Pagefind reads is kept (its language, the metadata, the body): the page's own
    navigation and scripts would only cost Pagefind parsing time."""
    doc = lxml.html.document_fromstring(html)
    indexed = doc.find(".//*[@data-pagefind-body]")
    if doc.find("body") is None or indexed is None:
        return html
    h1 = indexed.find(".//h1")
    if h1 is not None and any(_ignored(a) or a.tag in _SKIP for a in h1.iterancestors()):
        h1 = None
    if h1 is not None:
        parts: list[str] = []
        _text(h1, parts)
        title = "".join(parts).strip()
    else:
        title = (doc.findtext(".//title") or "").strip()
    desc = doc.xpath("string(//meta[@name='description']/@content)").strip()
    parts = []
    _text(indexed, parts)
    text = "".join(parts)
    lang = htmllib.escape(doc.get("lang") or "zh")
    esc = htmllib.escape
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{esc(title)}</title></head>'
            f'<body><div data-pagefind-meta="title">{esc(title)}</div><div data-pagefind-meta="desc">{esc(desc)}</div>'
            f'<div data-pagefind-body><h1>{" ".join(tokens(title, english))}</h1>'
            f'<p>{" ".join(tokens(text, english))}</p></div></body></html>')


def _stage(job: tuple[str, str, bool, str | None]) -> bool:
    """Write the tokenised copy of one page (source → target); True if it came from the cache."""
    source, target, english, cache_dir = job
    raw = Path(source).read_bytes()
    cached = None
    if cache_dir is not None:
        key = hashlib.sha256(_VERSION + (b"en" if english else b"zh") + raw).hexdigest()
        cached = Path(cache_dir) / key[:2] / f"{key}.html"
        try:
            os.link(cached, target)
            return True
        except FileNotFoundError:
            pass
        except OSError:  # another file system: copy instead
            if cached.exists():
                shutil.copyfile(cached, target)
                return True
    data = prepare_page(raw.decode("utf-8"), english=english).encode("utf-8")
    if cached is None:
        Path(target).write_bytes(data)
        return False
    cached.parent.mkdir(exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, cached)
    try:
        os.link(cached, target)  # the link also tells _prune the entry is in use
    except OSError:
        Path(target).write_bytes(data)
    return False


def stage_site(site_dir: Path, staging: Path, cache_dir: Path | None = None,
               workers: int | None = None) -> tuple[int, int]:
    """Write the tokenised copy of every page of site_dir into staging, on every core.

    With cache_dir, a page whose HTML was seen before is linked from the cache instead of being
    tokenised again (so `mkdocs serve` rebuilds redo only the pages that changed), and cached
    copies no page used this time are removed. Returns (pages, of which from the cache)."""
    jobs = []
    for page in site_dir.rglob("*.html"):
        rel = page.relative_to(site_dir)
        if rel.parts[0] == "pagefind":
            continue
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        jobs.append((str(page), str(target), rel.parts[0] == "en", None if cache_dir is None else str(cache_dir)))
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    workers = workers or min(os.cpu_count() or 1, max(1, len(jobs) // 50))
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            hits = sum(pool.map(_stage, jobs, chunksize=max(1, min(64, len(jobs) // (workers * 8)))))
    else:
        hits = sum(map(_stage, jobs))
    if cache_dir is not None:
        _prune(cache_dir, staging)
    return len(jobs), hits


def _prune(cache_dir: Path, staging: Path) -> None:
    """Drop cached copies that no page of this build is linked to (a cache file with one link)."""
    for entry in cache_dir.glob("*/*.html"):
        try:
            if entry.stat().st_nlink < 2:
                entry.unlink()
        except FileNotFoundError:
            pass


def run_pagefind(cmd: list[str], cache_dir: Path | None = None) -> subprocess.CompletedProcess:
    """Run a Pagefind command line (`… pagefind --site DIR …`) on a tokenised copy of DIR.

    Takes the very command the MkDocs hook would run, so its options stay in one place; the index
    is written to DIR/pagefind as usual (`--output-path`), and the copy is thrown away. The copy is
    made next to cache_dir when there is one, so that cached pages can be hard links.
    """
    cmd = list(cmd)
    at = cmd.index("--site") + 1
    site_dir = Path(cmd[at])
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="yb-pagefind-", dir=cache_dir) as tmp:
        staging = Path(tmp) / "site"
        stage_site(site_dir, staging, cache_dir / "pages" if cache_dir is not None else None)
        out = site_dir / "pagefind"
        if out.exists():
            shutil.rmtree(out)
        cmd[at] = str(staging)
        cmd += ["--output-path", str(out)]
        return subprocess.run(cmd, capture_output=True, text=True, check=False)


def index_site(site_dir: Path, cache_dir: Path | None = None) -> subprocess.CompletedProcess:
    """Index the built site (the MkDocs hook runs this after every build, with the project's
    .build/cache/search as cache_dir).

    One index for both languages: /en/ pages have <html lang="en">, and an English search must
    still find Chinese article text, so every page is indexed as zh (the tokens are ASCII anyway)."""
    return run_pagefind([sys.executable, "-m", "pagefind", "--site", str(site_dir), "--quiet",
                         "--force-language", "zh"], cache_dir)
