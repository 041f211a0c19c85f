"""Pagefind index of the built site, with Chinese indexed character by character.

Why: Pagefind cuts page text into words with jieba when it indexes, but cuts the reader's query
with the browser's Intl.Segmenter, and a page matches only if every query piece starts a word on
it. The two disagree on names the site is about: the browser cuts 首钢园 into 首/钢/园 while the
index holds 首钢 + 园, so 首钢园 found 1 of the 5 articles that contain it (国际化率: 3 of 5).

The fix keeps both sides on the same unit, one Han character. Pagefind indexes a copy of the
site in which every Han character in the text is followed by a thin space (U+2009; Pagefind's
indexer ignores a zero-width space, so that one does not work), and yearbook.js sends a Chinese
query as a quoted phrase of single characters ("首 钢 园"), which Pagefind matches as consecutive
words: exactly the pages that contain the string, whatever a segmenter would have made of it.
yearbook.js also removes the thin spaces from the titles and excerpts it shows.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import lxml.html

SEPARATOR = "\u2009"  # thin space: a word boundary for Pagefind, removed again in the browser
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}\u3000-\u303f\uff00-\uffef“”]+")
_BETWEEN_HAN = re.compile(f"(?<=[{_HAN}])(?=[{_HAN}])")
_SKIP = {"script", "style", "noscript", "template", "svg"}
EXCLUDE = ".headerlink, .md-source-file, .yb-meta"


def split_han(text: str) -> str:
    """首钢园 → 首\u200b钢\u200b园: one indexed word per Han character; other text untouched."""
    return _BETWEEN_HAN.sub(SEPARATOR, text)


def drop_han(text: str) -> str:
    """English pages quote Chinese sources; the Chinese pages are what a Chinese query should find."""
    return _HAN_RUN.sub(" ", text)


def prepare_page(html: str, english: bool = False) -> str:
    """The page as Pagefind should see it: Han characters in text nodes split (on English pages,
    dropped); tags, ids and URLs intact."""
    doc = lxml.html.document_fromstring(html)
    body = doc.find("body")
    if body is None:
        return html
    fix = drop_han if english else split_han
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag not in _SKIP and el.text:
            el.text = fix(el.text)
        if el.tail and (el.getparent() is None or el.getparent().tag not in _SKIP):
            el.tail = fix(el.tail)
        if el.tag == "img" and el.get("alt"):  # Pagefind indexes image alt text
            el.set("alt", fix(el.get("alt")))
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


def run_pagefind(cmd: list[str]) -> subprocess.CompletedProcess:
    """Run a Pagefind command line (`… pagefind --site DIR …`) on a character-split copy of DIR.

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


def index_site(site_dir: Path, *options: str) -> subprocess.CompletedProcess:
    """Index site_dir with Pagefind (character-split), e.g. for tests or a manual rebuild of the index."""
    return run_pagefind([sys.executable, "-m", "pagefind", "--site", str(site_dir), "--quiet",
                         "--exclude-selectors", EXCLUDE, *options])
