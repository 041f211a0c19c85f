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
each listed once per page, so a posting is one entry per page. yearbook.js turns a query into the
same tokens: every pair must be on the page (Pagefind ANDs terms), and a one-character query
matches as a prefix. Latin words (C919, 5G, exhibitors) are indexed as they are. The real title and
description travel as Pagefind metadata, and the result shows the description as its excerpt.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import lxml.html

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+%-]*")
_SKIP = {"script", "style", "noscript", "template", "svg"}
_BLOCKS = ("p", "div", "li", "td", "th", "tr", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "br", "small",
           "figcaption", "blockquote", "section", "details", "summary", "caption")
# what the index leaves out: permalink marks, the article metadata block, anything marked ignore
_IGNORED = ("//*[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ')"
            " or contains(concat(' ', normalize-space(@class), ' '), ' md-source-file ')"
            " or contains(concat(' ', normalize-space(@class), ' '), ' yb-meta ')"
            " or @data-pagefind-ignore]")


def han_token(chars: str) -> str:
    """首钢 → zq09996094a2: a character pair (or one character) as one ASCII word."""
    return "zq" + "".join(f"{ord(c):05x}" for c in chars)


def tokens(text: str, english: bool = False) -> list[str]:
    """The distinct search tokens of a text, in order of first appearance.

    English pages give only their Latin words: they quote the Chinese sources, and the Chinese
    pages are what a Chinese query should find."""
    out: dict[str, None] = {}
    if not english:
        for run in _HAN_RUN.findall(text):
            for i in range(len(run) - 1):
                out[han_token(run[i:i + 2])] = None
            out[han_token(run[-1])] = None
    for word in _LATIN_WORD.findall(text):
        out[word.lower()] = None
    return list(out)


def prepare_page(html: str, english: bool = False) -> str:
    """The page as Pagefind should see it: the real title and description as metadata, and in
    place of the indexed body the tokens of its text (the title's tokens weigh as a heading)."""
    doc = lxml.html.document_fromstring(html)
    body = doc.find("body")
    indexed = doc.find(".//*[@data-pagefind-body]")
    if body is None or indexed is None:
        return html
    for el in [*indexed.xpath("." + _IGNORED), *indexed.iter(*_SKIP)]:
        if el.getparent() is not None:
            el.getparent().remove(el)
    h1 = indexed.find(".//h1")
    title = (h1.text_content() if h1 is not None else doc.findtext(".//title") or "").strip()
    desc = doc.xpath("string(//meta[@name='description']/@content)").strip()
    for el in indexed.iter(*_BLOCKS):  # words in separate blocks must not run together
        el.tail = " " + (el.tail or "")
        el.text = " " + (el.text or "")
    text = indexed.text_content()
    for el in list(indexed):
        indexed.remove(el)
    indexed.text = None
    for key, value in (("title", title), ("desc", desc)):
        meta = lxml.html.Element("div")
        meta.set("data-pagefind-meta", key)
        meta.text = value
        indexed.addprevious(meta)
    heading = lxml.html.Element("h1")
    heading.text = " ".join(tokens(title, english))
    words = lxml.html.Element("p")
    words.text = " ".join(tokens(text, english))
    indexed.append(heading)
    indexed.append(words)
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


def run_pagefind(cmd: list[str]) -> subprocess.CompletedProcess:
    """Run a Pagefind command line (`… pagefind --site DIR …`) on a tokenised copy of DIR.

    Takes the very command the MkDocs hook would run, so its options stay in one place; the index
    is written to DIR/pagefind as usual (`--output-path`), and the copy is thrown away.
    """
    cmd = list(cmd)
    at = cmd.index("--site") + 1
    site_dir = Path(cmd[at])
    with tempfile.TemporaryDirectory(prefix="yb-pagefind-") as tmp:
        staging = Path(tmp) / "site"
        for page in site_dir.rglob("*.html"):
            rel = page.relative_to(site_dir)
            if rel.parts[0] == "pagefind":
                continue
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            html = prepare_page(page.read_text(encoding="utf-8"), english=rel.parts[0] == "en")
            target.write_text(html, encoding="utf-8")
        out = site_dir / "pagefind"
        if out.exists():
            shutil.rmtree(out)
        cmd[at] = str(staging)
        cmd += ["--output-path", str(out)]
        return subprocess.run(cmd, capture_output=True, text=True, check=False)


def index_site(site_dir: Path) -> subprocess.CompletedProcess:
    """Index the built site (the MkDocs hook runs this after every build).

    One index for both languages: /en/ pages have <html lang="en">, and an English search must
    still find Chinese article text, so every page is indexed as zh (the tokens are ASCII anyway)."""
    return run_pagefind([sys.executable, "-m", "pagefind", "--site", str(site_dir), "--quiet",
                         "--force-language", "zh"])
