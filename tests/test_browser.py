"""The built seed site in a real browser (Debian's chromium through Playwright).

One site build and one browser per session (fixtures in conftest.py); every test opens its
own page. External requests are aborted and recorded: only article images may leave
127.0.0.1. Screenshots go to tests/artifacts/ (git-ignored); copy them to
docs/assets/screenshots/ with `YEARBOOK_UPDATE_SCREENSHOTS=1` for the README.
"""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ROOT / "docs" / "assets" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PLACEHOLDER = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3" fill="#ccc"/></svg>'
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


class Recorder:
    """Console errors, failed requests and the external requests the site tried to make."""

    def __init__(self) -> None:
        self.console: list[str] = []
        self.external: list[tuple[str, str]] = []  # (resource type, url)
        self.failed: list[str] = []

    def reset(self) -> None:
        self.console.clear()
        self.external.clear()
        self.failed.clear()


@pytest.fixture(scope="session")
def site(seed_site) -> tuple[Path, str]:
    return seed_site


@pytest.fixture(scope="session")
def context(browser, site):
    """One browser context for the session: external requests are aborted and recorded."""
    ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN", service_workers="block")
    rec = Recorder()

    def route(r) -> None:
        host = urlsplit(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
            return
        rec.external.append((r.request.resource_type, r.request.url))
        if r.request.resource_type == "image":  # article images: answered here, never fetched
            r.fulfill(status=200, content_type="image/svg+xml", body=PLACEHOLDER)
        else:
            r.abort()

    ctx.route("**/*", route)
    ctx.recorder = rec
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Iterator:
    rec: Recorder = context.recorder
    rec.reset()
    p = context.new_page()
    p.on("console", lambda m: rec.console.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: rec.console.append(f"pageerror: {e}"))
    # ERR_ABORTED: a request cut short by the next navigation, not a failure of the site
    p.on("requestfailed", lambda r: None if "ERR_ABORTED" in (r.failure or "") else rec.failed.append(f"{r.url} {r.failure}"))
    p.on("response", lambda r: rec.failed.append(f"{r.url} HTTP {r.status}") if r.status >= 400 else None)
    yield p
    p.close()


def goto(page, base: str, path: str = "") -> None:
    page.goto(base + path, wait_until="load")


def sitemap_paths(project: Path, base: str) -> list[str]:
    tree = ET.parse(project / "site" / "sitemap.xml")
    locs = [el.text or "" for el in tree.iter() if el.tag.endswith("loc")]
    return sorted(loc.removeprefix(base) for loc in locs)


def body_text(project: Path, path: str) -> str:
    """The indexed part of a built page as plain text (what Pagefind sees), for expectations."""
    html = (project / "site" / path / "index.html").read_text(encoding="utf-8")
    m = re.search(r"<div data-pagefind-body>(.*)</div>\s*</article>", html, re.S) or re.search(r"<body.*", html, re.S)
    return re.sub(r"<[^>]+>", "", m.group(0))


def article_paths(project: Path) -> list[str]:
    return sorted(p.parent.relative_to(project / "site").as_posix() + "/"
                  for p in (project / "site" / "articles").glob("*/*/index.html"))


# --- search ------------------------------------------------------------------------------------


def search(page, query: str) -> list[str]:
    """Type a query into the header's Pagefind box; return the result page paths, best first."""
    box = page.locator("#yb-search input")
    box.click()
    box.fill("")
    box.press_sequentially(query)  # insertText for Chinese: no keyup, so press End as a reader would
    box.press("End")
    page.wait_for_function(
        """(q) => { const m = document.querySelector('#yb-search .pagefind-ui__message');
                    if (!m || !m.textContent.includes(q)) return false;
                    if (m.textContent.includes('没有找到')) return true;
                    const n = parseInt((m.textContent.match(/(\\d+)/) || [])[1] || '0', 10);
                    const links = document.querySelectorAll('#yb-search .pagefind-ui__result-link').length;
                    return n > 0 && links >= Math.min(n, 5); }""",
        arg=query, timeout=15000,
    )
    more = page.locator("#yb-search .pagefind-ui__button")
    while more.count() and more.first.is_visible():  # "load more": every result, not the first five
        n = page.locator("#yb-search .pagefind-ui__result").count()
        more.first.click()
        page.wait_for_function("(n) => document.querySelectorAll('#yb-search .pagefind-ui__result').length > n", arg=n)
    page.wait_for_function(  # every result the message counts is on the page, not still loading
        """() => { const m = document.querySelector('#yb-search .pagefind-ui__message');
                   const n = parseInt(((m && m.textContent) || '').match(/(\\d+)/)?.[1] || '0', 10);
                   const more = document.querySelector('#yb-search .pagefind-ui__button');
                   if (more) more.click();
                   return document.querySelectorAll('#yb-search .pagefind-ui__result-link').length >= n; }""",
        timeout=15000,
    )
    hrefs = page.eval_on_selector_all("#yb-search .pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))")
    seen: list[str] = []
    for h in hrefs:
        path = urlsplit(h).path.lstrip("/")
        if path not in seen:
            seen.append(path)
    return seen


@pytest.mark.parametrize("query", ["元宇宙", "首钢园", "数字服务专区", "国际化率"])
def test_search_finds_every_article_that_contains_the_term(page, site, query: str) -> None:
    project, base = site
    goto(page, base)
    expected = {p for p in article_paths(project) if query in body_text(project, p)}
    assert expected, f"no seed article contains {query}: the test's premise is wrong"
    found = search(page, query)
    assert expected <= set(found), f"{query}: missing {sorted(expected - set(found))}; got {found}"
    assert query in body_text(project, found[0]), f"{query}: first result {found[0]} does not contain it"
    page.locator("#yb-search .pagefind-ui__result-link").first.click()
    page.wait_for_url(re.compile(re.escape(base + found[0]) + "(#.*)?$"))
    expect(page.locator("article")).to_contain_text(query)


def test_the_browser_spells_a_query_as_the_index_does(page, site) -> None:
    """search.js turns a query into the tokens yearbook/search_index.py put in the index."""
    from yearbook.search_index import han_token, tokens

    _, base = site
    goto(page, base)
    page.locator("#yb-search input").focus()
    page.wait_for_function("() => window.ybSearch")
    query = "首钢园 C919，元"
    got = page.evaluate("(q) => window.ybSearch.processTerm(q)", query).split()
    assert got == [han_token("首钢"), han_token("钢园"), han_token("元"), "c919"]
    assert set(got) <= set(tokens(query))
    # the word being typed matches any word it starts; a finished word only itself
    assert page.evaluate("(q) => window.ybSearch.processTerm(q)", "Exhib") == "~exhib"
    assert page.evaluate("(q) => window.ybSearch.processTerm(q)", "exhibitors outcomes ") == "exhibitors outcomes"
    assert "~exhib" in tokens("Exhibitors", english=True)


def test_metaverse_is_a_2022_topic(page, site) -> None:
    _, base = site
    goto(page, base)
    found = search(page, "元宇宙")
    articles = [p for p in found if p.startswith("articles/")]
    assert articles and all(p.startswith("articles/2022/") for p in articles), found


# --- /compare/ ---------------------------------------------------------------------------------


def column_values(page, col: int) -> list[str]:
    return page.eval_on_selector_all(
        "#compare-table tbody tr", f"rows => rows.map(r => r.cells[{col}].getAttribute('data-sort') ?? '')"
    )


def test_compare_has_a_column_per_year_and_sorts_by_year(page, site) -> None:
    _, base = site
    goto(page, base, "compare/")
    headers = [h.strip() for h in page.locator("#compare-table thead th").all_inner_texts()]
    years = [h.split()[0] for h in headers[1:]]
    assert years == ["2021", "2022", "2023", "2024", "2025"], headers
    gap_classes = page.eval_on_selector_all("#compare-table thead th", "ths => ths.map(t => t.className)")
    assert "yb-gap" in gap_classes[3] and "yb-gap" in gap_classes[4] and "yb-gap" not in gap_classes[1]

    col = years.index("2022") + 1
    before = page.eval_on_selector_all("#compare-table tbody tr", "rows => rows.map(r => r.dataset.metric)")
    header = page.locator("#compare-table thead th").nth(col)
    for order in ("descending", "ascending"):
        header.click()
        assert header.get_attribute("aria-sort") == order
        values = column_values(page, col)
        numbers = [float(v) for v in values if v.strip()]
        assert len(numbers) >= 3, values
        # numbers first, in order; rows without a number for 2022 at the bottom
        assert values[: len(numbers)] == [v for v in values if v.strip()]
        assert numbers == sorted(numbers, reverse=order == "descending"), (order, numbers)
    after = page.eval_on_selector_all("#compare-table tbody tr", "rows => rows.map(r => r.dataset.metric)")
    assert after != before and sorted(after) == sorted(before)
    page.locator("#compare-table thead th").nth(0).click()  # 指标: back to the original order
    restored = page.eval_on_selector_all("#compare-table tbody tr", "rows => rows.map(r => r.dataset.metric)")
    assert restored == before


def test_charts_load_and_have_text_alternatives(page, site) -> None:
    _, base = site
    for path in ("", "compare/"):
        goto(page, base, path)
        imgs = page.locator("figure.yb-chart img")
        assert imgs.count() >= (4 if path == "" else 8), path
        for i in range(imgs.count()):
            img = imgs.nth(i)
            img.scroll_into_view_if_needed()
            page.wait_for_function("(el) => el.complete", arg=img.element_handle())
            info = img.evaluate("el => ({w: el.naturalWidth, alt: el.alt, src: el.getAttribute('src')})")
            assert info["w"] > 0, info
            assert len(info["alt"]) > 10 and re.search(r"\d{4}年", info["alt"]), info
    # gaps are drawn as gaps: the 2023 and 2024 bands and their label exist in the SVG as text
    svg = page.request.get(base + "assets/charts/exhibitors_offline.svg").text()
    assert svg.count("无报道") >= 2 and 'role="img"' in svg and "<desc" in svg


# --- navigation, console, network --------------------------------------------------------------


def test_navigation_by_clicking(page, site) -> None:
    project, base = site
    goto(page, base)
    years = sorted(p.name for p in (project / "site" / "years").iterdir() if p.is_dir())
    assert years == ["2021", "2022", "2025"]
    for year in years:
        page.locator(f".yb-timeline a[href$='years/{year}/']").click()
        page.wait_for_url(base + f"years/{year}/")
        expect(page.locator("article h1").first).to_contain_text(year)
        link = page.locator("article a[href*='articles/']").first
        link.click()
        page.wait_for_url(re.compile(re.escape(base) + r"articles/\d{4}/[^/]+/$"))
        expect(page.locator(".yb-meta")).to_be_visible()  # the article's byline block
        page.go_back()
        page.wait_for_url(base + f"years/{year}/")
        page.go_back()
        page.wait_for_url(base)


def test_every_page_loads_cleanly_and_stays_local(page, site, context) -> None:
    project, base = site
    rec: Recorder = context.recorder
    paths = sitemap_paths(project, base)
    assert len(paths) >= 11
    for path in paths:
        goto(page, base, path)
        page.wait_for_timeout(50)
    assert rec.console == [], rec.console
    assert rec.failed == [], rec.failed
    assert all(kind == "image" for kind, _ in rec.external), rec.external


@pytest.mark.parametrize("path", ["", "compare/"])
def test_phone_has_no_horizontal_page_overflow(context, site, path: str) -> None:
    _, base = site
    p = context.new_page()
    try:
        p.set_viewport_size(PHONE)
        goto(p, base, path)
        width, inner = p.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        assert width <= inner, (path, width, inner)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(ARTIFACTS / f"{path.strip('/') or 'home'}-phone.png"), full_page=True)
    finally:
        p.close()


# --- accessibility and screenshots ----------------------------------------------------------


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"] if v["impact"] in ("serious", "critical")
    ]


def test_axe_has_no_serious_violations(page, site) -> None:
    project, base = site
    paths = ["", "years/2022/", article_paths(project)[0], "compare/"]
    problems = {}
    for path in paths:
        goto(page, base, path)
        found = axe_violations(page)
        if found:
            problems[path or "/"] = found
    assert problems == {}


def test_screenshots(page, site) -> None:
    """Desktop screenshots of home and /compare/ for the README (copied when asked to)."""
    _, base = site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path, name in (("", "home"), ("compare/", "compare")):
        goto(page, base, path)
        page.evaluate("document.fonts.ready")
        target = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=path == "")
        assert target.stat().st_size > 10_000
        if os.environ.get("YEARBOOK_UPDATE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, SCREENSHOTS / f"{name}.png")
