"""The site's search index: Chinese as character pairs, in small static files the browser fetches.

Why not a word index: the reader's browser and any indexer cut Chinese into words differently
(Pagefind indexed 首钢 + 园 while the browser searched 首/钢/园, and found 1 of the 5 articles that
contain 首钢园). So every page is indexed as tokens: one per distinct pair of adjacent Han
characters (首钢园 → 首钢, 钢园) and one per distinct character, spelled in ASCII ("zq" + 5 hex digits
per character); Latin words (C919, 5G, exhibitors) as they are, with their prefixes ("~exh") so the
word being typed matches. A page matches a query when it holds every token of it.

Why not Pagefind: it ranks by walking, for every result page, the postings of every matched word,
so a query whose tokens most pages hold took 2–4 s at 10,000 pages (benchmarks/RESULTS.md, 8a), and
indexing took 190 s and 9.8 GB. Here a token's postings are page numbers in rank order, each with a
bit saying whether the token is in the title; a query intersects them (linear) and ranks title
matches first. The files, under site/search/:
- index.json: {"v", "buckets": B, "pages": N, "shard": M};
- t/<b>.json: {token: [deltas of 2·page + title bit]} for the tokens whose FNV-1a hash mod B is b,
  B chosen so that a bucket is about 16 KB;
- p/<k>.json: [[path, title, description], …] for pages k·M … k·M+M-1.
docs/assets/javascripts/search.js spells queries the same way and reads these files.
Pages are read on every core, and what a page gave is cached by its HTML under .build/cache/search.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import pickle
import re
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import lxml.html

from .writer import read_kept, write_atomic

_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_HAN = "".join(f"{chr(a)}-{chr(b)}" for a, b in _HAN_RANGES)
# at every Han character: it and the next one when that is Han too
_HAN_PAIR = re.compile(f"(?=([{_HAN}]{{2}}))")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+%-]*")
_HEX = {cp: f"{cp:05x}" for a, b in _HAN_RANGES for cp in range(a, b + 1)}  # 首 → 09996, for str.translate
_SKIP = frozenset({"script", "style", "noscript", "template", "svg"})
_BLOCKS = frozenset({"p", "div", "li", "td", "th", "tr", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "br",
                     "small", "figcaption", "blockquote", "section", "details", "summary", "caption"})
# what the index leaves out: permalink marks, the article metadata block, anything marked ignore
# (the markers keep Pagefind's attribute names: data-pagefind-body, data-pagefind-ignore)
_IGNORED_CLASSES = frozenset({"headerlink", "md-source-file", "yb-meta"})
_VERSION = b"3"  # bump when what a page gives changes, so cached records are not reused
OUT = "search"
BUCKET_BYTES = 16_000
SHARD = 50  # pages per metadata file: five results cost at most five small files


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
    """The distinct search tokens of a text: Han pairs, Han characters, Latin words and their prefixes.

    English pages give only their Latin words: they quote the Chinese sources, and the Chinese
    pages are what a Chinese query should find."""
    out: list[str] = []
    if not english:
        out = list(map(_SPELLED.__getitem__, dict.fromkeys(_HAN_PAIR.findall(text))))
        out += map(_SPELLED.__getitem__, dict.fromkeys(_HAN_CHAR.findall(text)))
    for word in dict.fromkeys(w.lower() for w in _LATIN_WORD.findall(text)):
        out.append(word)
        out += ("~" + word[:k] for k in range(2, min(len(word), 20) + 1))
    return list(dict.fromkeys(out))


def bucket(token: str, buckets: int) -> int:
    """FNV-1a (32 bit) of the token, mod the bucket count; search.js computes the same."""
    h = 0x811C9DC5
    for byte in token.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


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


@dataclass(frozen=True)
class Record:
    """What one page gives the index (tokens as one space-separated string: quick to pickle)."""

    title: str
    desc: str
    title_tokens: str
    body_tokens: str


def read_page(html: str, english: bool = False) -> Record | None:
    """The page's title, description and tokens; None for a page outside the index (no
    data-pagefind-body: the 404 page, pages marked `search: exclude`)."""
    doc = lxml.html.document_fromstring(html)
    indexed = doc.find(".//*[@data-pagefind-body]")
    if doc.find("body") is None or indexed is None:
        return None
    h1 = indexed.find(".//h1")
    if h1 is not None and any(_ignored(a) or a.tag in _SKIP for a in h1.iterancestors()):
        h1 = None
    if h1 is not None:
        parts: list[str] = []
        _text(h1, parts)
        title = " ".join("".join(parts).split())
    else:
        title = (doc.findtext(".//title") or "").strip()
    desc = doc.xpath("string(//meta[@name='description']/@content)").strip()
    parts = []
    _text(indexed, parts)
    return Record(title, desc, " ".join(tokens(title, english)), " ".join(tokens("".join(parts), english)))


def _read(job: tuple[str, bool, str | None]) -> tuple[str, Record | None]:
    """One page's record and its cache key, from the cache when its HTML was seen before."""
    source, english, cache_dir = job
    raw = Path(source).read_bytes()
    key = hashlib.sha256(_VERSION + (b"en" if english else b"zh") + raw).hexdigest()
    if cache_dir is None:
        return key, read_page(raw.decode("utf-8"), english=english)
    cached = Path(cache_dir) / key[:2] / f"{key}.pickle"
    record = read_kept(cached)
    if record is not None:
        return key, record
    record = read_page(raw.decode("utf-8"), english=english)
    cached.parent.mkdir(exist_ok=True)
    write_atomic(cached, pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    return key, record


def _rank(rel: Path) -> tuple:
    """Page order, which is also the order of equally good results: the site's own pages (home,
    comparison, editions) before articles, Chinese before English, then by address."""
    parts = rel.parts
    return (parts[0] == "en", parts[0] == "articles", len(parts), rel.as_posix())


@dataclass
class IndexResult:
    pages: int
    tokens: int
    buckets: int


def index_site(site_dir: Path, cache_dir: Path | None = None, workers: int | None = None) -> IndexResult:
    """Write site_dir/search/ for every indexed page of the built site (the MkDocs hook runs this
    after every build, with the project's .build/cache/search as cache_dir)."""
    pages = sorted((p.relative_to(site_dir) for p in site_dir.rglob("*.html")
                    if not _is_index(p.relative_to(site_dir).parts[0])), key=_rank)
    cache = cache_dir / "pages" if cache_dir is not None else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    jobs = [(str(site_dir / rel), rel.parts[0] == "en", None if cache is None else str(cache)) for rel in pages]
    workers = workers or min(os.cpu_count() or 1, max(1, len(jobs) // 50))
    postings: dict[str, list[int]] = {}
    get = postings.get
    meta: list[list[str]] = []
    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        chunk = max(1, min(32, len(jobs) // (workers * 8)))
        records = pool.map(_read, jobs, chunksize=chunk) if pool else map(_read, jobs)
        for rel, (key, record) in zip(pages, records, strict=True):  # streamed: no page's tokens are kept
            used.add(key)
            if record is None:
                continue
            n = len(meta)
            path = rel.parent.as_posix() + "/" if rel.name == "index.html" else rel.as_posix()
            meta.append([("" if path == "./" else path), record.title, record.desc])
            plain, titled = 2 * n, 2 * n + 1
            # the hottest loop of a 10,000-page build (25 million tokens): body tokens (distinct
            # within a page) go in as plain, then the title's tokens are marked or added
            for token in record.body_tokens.split():
                found = get(token)
                if found is None:
                    postings[token] = [plain]
                else:
                    found.append(plain)
            for token in set(record.title_tokens.split()):
                found = get(token)
                if found is None:
                    postings[token] = [titled]
                elif found[-1] == plain:
                    found[-1] = titled
                else:
                    found.append(titled)
    finally:
        if pool:
            pool.shutdown()
    out = site_dir / f".{OUT}.{os.getpid()}.tmp"  # put in place when complete (see _swap)
    shutil.rmtree(out, ignore_errors=True)
    (out / "t").mkdir(parents=True)
    (out / "p").mkdir()
    size = sum(len(v) for v in postings.values()) * 3 + sum(len(k) for k in postings) * 2
    buckets = 1
    while buckets < 8192 and size / buckets > BUCKET_BYTES:
        buckets *= 2
    grouped: list[dict[str, list[int]]] = [{} for _ in range(buckets)]
    for token in sorted(postings):
        values = postings[token]
        deltas = [values[0]] + [b - a for a, b in itertools.pairwise(values)]
        grouped[bucket(token, buckets)][token] = deltas
    del postings
    for b, group in enumerate(grouped):
        if group:
            (out / "t" / f"{b}.json").write_text(_json(group), encoding="utf-8")
    for k in range(0, len(meta), SHARD):
        (out / "p" / f"{k // SHARD}.json").write_text(_json(meta[k:k + SHARD]), encoding="utf-8")
    (out / "index.json").write_text(
        _json({"v": 1, "buckets": buckets, "pages": len(meta), "shard": SHARD}), encoding="utf-8")
    _swap(out, site_dir / OUT)
    if cache is not None:
        _prune(cache, used)
    return IndexResult(pages=len(meta), tokens=sum(len(g) for g in grouped), buckets=buckets)


def _is_index(name: str) -> bool:
    """The index folder, or one being written or put aside (see _swap)."""
    return name == OUT or name.startswith(f".{OUT}.")


def _swap(new: Path, out: Path) -> None:
    """The finished index in place of the old one: `mkdocs serve` serves the site while the index
    is written (in the background, see yearbook/mkdocs_hook.py), so a reader meets the old index
    or the new one, never one half written (for a moment, none). Leftovers of an indexer that was
    stopped go too."""
    old = out.with_name(f".{out.name}.{os.getpid()}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.rename(out, old)
    os.rename(new, out)
    for stale in out.parent.glob(f".{out.name}.*"):
        shutil.rmtree(stale, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """python -m yearbook.search_index SITE_DIR [CACHE_DIR]: what the hook runs beside `mkdocs serve`."""
    args = sys.argv[1:] if argv is None else argv
    if not 1 <= len(args) <= 2:
        print("usage: python -m yearbook.search_index SITE_DIR [CACHE_DIR]", file=sys.stderr)
        return 2
    done = index_site(Path(args[0]), cache_dir=Path(args[1]) if len(args) > 1 else None)
    print(f"INFO    -  search index: {done.pages} pages, {done.tokens} tokens in {done.buckets} buckets "
          "(written in the background)", file=sys.stderr, flush=True)
    return 0


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _prune(cache: Path, used: set[str]) -> None:
    """Drop cached records no page of this build used."""
    for entry in cache.glob("*/*.pickle"):
        if entry.stem not in used:
            entry.unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main())
