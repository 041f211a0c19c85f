"""Seed → Article without the real cleaner (lxml text per block), for extraction tests only.

Stand-in until yearbook/clean.py is wired in: the lead may switch `seed_article` to the real cleaner.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import lxml.html
import yaml

from yearbook.records import Article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "li")


def _html_text(body: str) -> str:
    doc = lxml.html.fromstring("<div>" + body + "</div>")
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    lines = []
    for el in doc.iter(*_BLOCKS):
        t = el.text_content().replace("\u3000", "").strip()
        if t and not t.startswith(("原标题", "海量资讯", "责任编辑")):
            lines.append(t)
    return "\n".join(lines)


def seed_article(prefix: str) -> Article:
    path = next(SEEDS.glob(prefix + "_*"))
    raw = path.read_text(encoding="utf-8-sig")
    meta: dict = {}
    body = raw
    if raw.lstrip().startswith("---"):
        _, fm, body = raw.split("---", 2)
        meta = yaml.safe_load(fm) or {}
    title = str(meta.get("title", ""))
    if "<" in body:
        text = _html_text(body)
    else:
        lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
        if lines and lines[0].startswith("# "):
            title = lines.pop(0)[2:]
        text = "\n".join(lines)
    published: datetime | None = parsedate_to_datetime(meta["date"]) if meta.get("date") else None
    return Article(stem=path.stem, path=path.name, title=title, body_markdown=body, text=text, published=published)
