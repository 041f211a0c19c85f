"""Issue 8: link previews, feeds, robots/sitemap/404, the English pages and the language switch.

Static checks read the built seed site; browser checks drive Debian's chromium against it.
"""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import lxml.html
import pytest

PAGES = ("", "compare/", "years/2022/", "articles/2022/003_994a303af9d79135/", "about/",
         "en/", "en/compare/", "en/years/2022/", "en/about/")


def head(site: Path, page: str) -> dict[str, str]:
    """The SEO-relevant head tags of one built page."""
    doc = lxml.html.parse(str(site / page / "index.html")).getroot()

    def meta(attr: str, name: str) -> str:
        found = doc.xpath(f"//head/meta[@{attr}=$n]/@content", n=name)
        return found[0] if found else ""

    canonical = doc.xpath("//head/link[@rel='canonical']/@href")
    return {
        "lang": doc.get("lang", ""),
        "title": doc.findtext(".//head/title") or "",
        "description": meta("name", "description"),
        "canonical": canonical[0] if canonical else "",
        "og:title": meta("property", "og:title"),
        "og:description": meta("property", "og:description"),
        "og:url": meta("property", "og:url"),
        "og:image": meta("property", "og:image"),
        "twitter:card": meta("name", "twitter:card"),
        "twitter:image": meta("name", "twitter:image"),
        "feeds": " ".join(doc.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href")),
    }


@pytest.fixture(scope="module")
def site(seed_site) -> Path:
    return seed_site[0] / "site"


# --- static checks --------------------------------------------------------------------------


def test_every_page_has_description_canonical_and_cards(site: Path, seed_site) -> None:
    base = seed_site[1]
    heads = {p: head(site, p) for p in PAGES}
    for page, h in heads.items():
        assert len(h["description"]) >= 20, (page, h["description"])
        assert h["canonical"] == base + page, page
        assert h["og:url"] == base + page, page
        assert h["og:title"] and h["og:description"] == h["description"], page
        assert h["og:image"].startswith("http") and h["twitter:image"] == h["og:image"], page
        assert h["twitter:card"] == "summary_large_image", page
    for key in ("description", "og:title", "title"):
        values = [h[key] for h in heads.values()]
        assert len(set(values)) == len(values), f"{key} repeats across pages: {values}"
    assert heads["en/compare/"]["lang"] == "en" and heads["compare/"]["lang"] == "zh"
    assert heads["en/"]["title"] == "CIFTIS Yearbook"


def test_descriptions_say_what_the_page_holds(site: Path) -> None:
    edition = head(site, "years/2022/")["description"]
    assert edition.startswith("2022年服贸会") and "152000" not in edition
    article = head(site, "articles/2022/003_994a303af9d79135/")["description"]
    body = (site / "articles/2022/003_994a303af9d79135/index.html").read_text(encoding="utf-8")
    assert article[:15] in body  # the lead sentence of the article itself
    assert head(site, "en/years/2022/")["description"].startswith("CIFTIS 2022, the 11th")


def test_article_card_uses_its_lead_image(site: Path) -> None:
    card = head(site, "articles/2022/001_31d22583ced832c4/")["og:image"]
    assert card == "https://news.stcn.com/news/202209/W020220901406058271700.jpeg"
    assert head(site, "compare/")["og:image"].endswith("/assets/images/card.png")
    card_file = Path(__file__).resolve().parent.parent / "docs/assets/images/card.png"
    assert card_file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_feed_lists_every_article_newest_first(site: Path, seed_site) -> None:
    base = seed_site[1]
    feed = feedparser.parse((site / "feeds/articles.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "服贸会年鉴 · 全部报道"
    links = [e.link for e in feed.entries]
    articles = sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.glob("articles/*/*/index.html"))
    assert sorted(links) == sorted(base + a for a in articles) and len(links) == 5
    dates = [e.updated_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert feed.entries[0].link.endswith("/articles/2025/004_2fd2425ba645f4f9/")
    assert all(e.summary and e.author for e in feed.entries)
    for year, n in ((2021, 2), (2022, 2), (2025, 1)):
        per = feedparser.parse((site / f"feeds/{year}.xml").read_bytes())
        assert not per.bozo and len(per.entries) == n, year
    assert base + "feeds/articles.xml" in head(site, "")["feeds"] or "feeds/articles.xml" in head(site, "")["feeds"]
    assert "feeds/2022.xml" in head(site, "years/2022/")["feeds"]


def test_robots_sitemap_and_404(site: Path, seed_site) -> None:
    base = seed_site[1]
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {base}sitemap.xml" in robots
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.startswith("<?xml")
    assert f"<loc>{base}en/compare/</loc>" in sitemap
    assert f'hreflang="en" href="{base}en/years/2022/"' in sitemap
    page = (site / "404.html").read_text(encoding="utf-8")
    assert "页面不存在" in page
    for year in (2021, 2022, 2025):
        assert re.search(rf'href="[^"]*years/{year}/"', page), year


def test_english_pages_use_english_labels_and_numbers(site: Path) -> None:
    compare = lxml.html.parse(str(site / "en/compare/index.html")).getroot().text_content()
    for label in ("Exhibitors on site", "Exhibition area", "Deals and outcomes", "not reported"):
        assert label in compare, label
    assert "152,000 m²" in compare
    assert re.search(r"(nearly|about|over|more than) \d{1,3}(,\d{3})+", compare)
    edition = lxml.html.parse(str(site / "en/years/2022/index.html")).getroot().text_content()
    assert "Outlet: Sina Finance (新浪财经)" in edition and "Published: 5 September 2022" in edition
    assert "Edition: CIFTIS 2022" in edition
    assert re.search(r"from 31 August to 5 September 2022", edition)


# --- browser checks -------------------------------------------------------------------------


def _switch(page, lang: str) -> None:
    page.hover(".yb-lang .md-select")
    with page.expect_navigation():
        page.click(f"a[data-yb-lang={lang}]")


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "compare/", "years/2022/"])
def test_language_switch_round_trips(browser, seed_site, path: str) -> None:
    base = seed_site[1]
    page = browser.new_page()
    page.goto(base + path, wait_until="load")
    _switch(page, "en")
    assert page.url == base + "en/" + path
    assert page.evaluate("document.documentElement.lang") == "en"
    _switch(page, "zh")
    assert page.url == base + path
    assert page.evaluate("document.documentElement.lang") == "zh"
    page.close()


@pytest.mark.browser
def test_switch_follows_in_site_navigation(browser, seed_site) -> None:
    base = seed_site[1]
    page = browser.new_page()
    page.goto(base, wait_until="load")
    page.locator(".md-content a[href$='compare/']").first.click()  # an in-site link (a full page load)
    page.wait_for_url(lambda u: u.split("#")[0] == base + "compare/")
    page.wait_for_function("document.querySelector('a[data-yb-lang=en]').href.endsWith('/en/compare/')",
                           timeout=5000)
    assert page.eval_on_selector("a[data-yb-lang=en]", "a => a.href") == base + "en/compare/"
    assert page.eval_on_selector("a[data-yb-lang=zh]", "a => a.href") == base + "compare/"
    page.close()


def _search(page, query: str) -> list[str]:
    box = page.locator("#yb-search input")
    box.click()
    box.press_sequentially(query)
    box.press("End")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    page.wait_for_timeout(300)
    return page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")


@pytest.mark.browser
@pytest.mark.parametrize("start", ["", "en/"])
def test_english_search_finds_english_compare(browser, seed_site, start: str) -> None:
    base = seed_site[1]
    page = browser.new_page()
    page.goto(base + start, wait_until="load")
    hits = _search(page, "exhibitors")
    assert any(h.split("#")[0] == base + "en/compare/" for h in hits), hits
    page.close()


@pytest.mark.browser
def test_english_side_still_finds_chinese_article_text(browser, seed_site) -> None:
    base = seed_site[1]
    page = browser.new_page()
    page.goto(base + "en/compare/", wait_until="load")
    hits = _search(page, "元宇宙")
    assert any("/articles/2022/" in h for h in hits), hits
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "years/2022/", "en/", "en/years/2022/"])
def test_no_failed_requests_or_console_errors(browser, seed_site, path: str) -> None:
    """Lighthouse's best-practices audit fails on any 404 or console error (e.g. a sitemap fetched by Material)."""
    base = seed_site[1]
    page = browser.new_page()
    bad: list[str] = []
    page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 400 and r.url.startswith(base) else None)
    page.on("console", lambda m: bad.append(m.text) if m.type == "error" else None)
    page.goto(base + path, wait_until="load")
    page.wait_for_timeout(800)
    assert bad == [], bad
    page.close()
