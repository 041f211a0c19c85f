"""Atom feeds: the newest articles first (feeds/articles.xml) and one feed per edition (feeds/<year>.xml).

Feeds need absolute URLs, so they are written against the site's address: SITE_URL when set (tests
and previews set it, as `mkdocs build` reads it too), otherwise the site_url of mkdocs.yml. The output
depends only on the articles, never on the clock, so an unchanged corpus rewrites no file.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import datafiles, render, templating

if TYPE_CHECKING:
    from .pipeline import BuildResult, Processed

ATOM = "http://www.w3.org/2005/Atom"
EPOCH = datetime(2012, 1, 1, tzinfo=UTC)
# A feed is polled, not browsed: the newest entries are what a reader needs from it (a feed of all
# 10,000 articles would be 10 MB per poll). The full list is on the edition pages and in data/.
FEED_ENTRIES = 100  # stands in for a missing date; the fair began in 2012


def site_url(root: Path) -> str:
    """The site's address with a trailing slash."""
    url = os.environ.get("SITE_URL", "")
    if not url:
        cfg = root / "mkdocs.yml"
        if cfg.exists():
            url = (datafiles.load(cfg, config=True) or {}).get("site_url") or ""
    url = url or "https://example.invalid/"
    return url if url.endswith("/") else url + "/"


def _when(p: Processed) -> datetime:
    return p.article.published.astimezone(UTC) if p.article.published else EPOCH


def _stamp(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def lead(text: str, limit: int = 200) -> str:
    """The article's first paragraph, cut at a sentence end when it is long."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if len(first) <= limit:
        return first
    cut = first[:limit]
    end = max(cut.rfind("。"), cut.rfind("！"), cut.rfind("？"))
    return cut[: end + 1] if end > limit // 3 else cut.rstrip() + "…"


# Characters XML 1.0 does not allow (lxml refuses them; a control character in a title must not
# stop the build): dropped
_NOT_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF, *range(0xD800, 0xE000)])


def _xml_text(text: str) -> str:
    return text if text.isprintable() else text.translate(_NOT_XML)


def atom(articles: list[Processed], base: str, path: str, title: str, subtitle: str, html_url: str) -> bytes:
    """One Atom 1.0 document listing the given articles, newest first (templates/feed.xml.j2,
    autoescaped: building it as an element tree cost 7 us an element, 0.2 s of a cold build's
    render at 1,000 articles for the 15 feeds)."""
    ordered = sorted(articles, key=lambda p: (_when(p), p.article.stem), reverse=True)[:FEED_ENTRIES]
    entries = []
    for p in ordered:
        a = p.article
        url = base + render.article_url(p) + "/"
        year = p.classification.edition
        entries.append({
            "title": _xml_text(a.title), "url": _xml_text(url), "related": _xml_text(a.url or ""),
            "published": _stamp(a.published) if a.published else "", "updated": _stamp(_when(p)),
            "author": _xml_text(a.outlet or a.agency or "未注明来源"),
            "edition": (str(year), render.edition_name(year)) if year else None,
            "topics": [_xml_text(t) for t in p.topics], "summary": _xml_text(p.lead),
        })
    text = templating.xml_environment_for(render.PROJECT_ROOT / "templates").get_template("feed.xml.j2").render(
        title=_xml_text(title), subtitle=_xml_text(subtitle), self_url=_xml_text(base + path), base=_xml_text(base),
        html_url=_xml_text(html_url), updated=_stamp(max((_when(p) for p in ordered), default=EPOCH)),
        entries=entries,
    )
    return text.encode("utf-8")


def render_feeds(result: BuildResult, root: Path, ctx: dict[str, Any]) -> dict[str, bytes | str | Path]:
    """feeds/articles.xml and feeds/<year>.xml, keyed by their path relative to docs/."""
    base = site_url(root)
    articles: list[Processed] = ctx["articles"]
    pages: dict[str, bytes | str | Path] = {
        "feeds/articles.xml": atom(articles, base, "feeds/articles.xml", "服贸会年鉴 · 全部报道",
                                   "服贸会（京交会）相关报道，最新在前", base),
    }
    members: dict[int, list[Processed]] = {}
    for p in articles:
        members.setdefault(p.classification.edition or 0, []).append(p)

    def edition_feed(year: int, path: str) -> str:
        return atom(members.get(year, []), base, path, f"服贸会年鉴 · {render.edition_name(year)}",
                    f"{render.edition_name(year)}的报道，最新在前", f"{base}years/{year}/").decode("utf-8")

    # an edition's feed is made from its members' records, which key the page cache; the address
    # it is written against does not, so it names the kind
    kind = "feed" + hashlib.sha256(base.encode()).hexdigest()[:12]
    for e in ctx["editions"]:
        path = f"feeds/{e.year}.xml"
        pages[path] = render.cached_page(ctx, kind, e.year, lambda year=e.year, path=path: edition_feed(year, path),
                                         reads="own")
    # Material's language integration fetches sitemap.xml next to every <link rel="alternate"> in the
    # head, the feed links included; this small sitemap of the feeds answers it instead of a 404.
    urls = "".join(f"  <url><loc>{base}{path}</loc></url>\n" for path in sorted(pages))
    pages["feeds/sitemap.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                                  '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                  f"{urls}</urlset>\n").encode()
    return pages

