"""The search index (yearbook/search_index.py): tokens, what a page gives, the files, the cache."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from yearbook import search_index as si

# 首 U+9996, 钢 U+94A2, 园 U+56ED, 大 U+5927, 飞 U+98DE, 机 U+673A
SHOU_GANG, GANG_YUAN, YUAN = "zq09996094a2", "zq094a2056ed", "zq056ed"


def test_han_token_spells_each_character_as_five_hex_digits() -> None:
    assert si.han_token("首钢") == SHOU_GANG
    assert si.han_token("园") == YUAN
    assert si.han_token("\u3400") == "zq03400"  # extension A


def test_tokens_are_distinct_pairs_then_distinct_characters() -> None:
    shou, gang = "zq09996", "zq094a2"
    assert si.tokens("首钢园") == [SHOU_GANG, GANG_YUAN, shou, gang, YUAN]
    # repeated pairs and characters once; punctuation splits runs (no 园首 pair)
    assert si.tokens("首钢园，首钢") == [SHOU_GANG, GANG_YUAN, shou, gang, YUAN]
    assert si.tokens("大飞机C919首飞")[:3] == ["zq05927098de", "zq098de0673a", "zq09996098de"]
    assert "c919" in si.tokens("大飞机C919首飞")


def test_latin_words_are_lowercased_with_prefixes_and_english_pages_give_only_latin_words() -> None:
    assert si.tokens("Exhibitors 5G exhibitors", english=True) == [
        "exhibitors", "~ex", "~exh", "~exhi", "~exhib", "~exhibi", "~exhibit", "~exhibito", "~exhibitor",
        "~exhibitors", "5g", "~5g"]
    assert si.tokens("Exhibitors 首钢园", english=True) == si.tokens("Exhibitors", english=True)
    assert "2.5%" in si.tokens("no Han at all, 2.5% up")


def test_bucket_is_fnv1a_as_search_js_computes_it() -> None:
    # FNV-1a 32 of "a" is 0xe40c292c; search.js uses the same constants
    assert si.bucket("a", 2**32) == 0xE40C292C
    assert si.bucket(SHOU_GANG, 16) == si.bucket(SHOU_GANG, 2**32) % 16


PAGE = """<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>站点标题</title>
<meta name="description" content="描述 &lt;含&gt; &quot;引号&quot;"></head>
<body><nav>导航不索引</nav>
<article><div data-pagefind-body>
<h1 id="t">首钢园<a class="headerlink" href="#t">¶</a></h1>
<div class="yb-meta">来源元数据</div>
<p>首钢</p><p>园区</p>
<p>城市<span>副中心</span></p>
<section data-pagefind-ignore><p>忽略列表</p></section>
<script>var 脚本 = 1;</script>
</div></article></body></html>"""


def test_read_page_takes_title_description_and_tokens_of_the_indexed_body_only() -> None:
    r = si.read_page(PAGE)
    assert r.title == "首钢园" and r.desc == '描述 <含> "引号"'
    assert r.title_tokens.split() == si.tokens("首钢园")
    words = set(r.body_tokens.split())
    assert set(r.title_tokens.split()) <= words
    assert {si.han_token(p) for p in ("园区", "城市", "市副", "副中", "中心")} <= words  # inline elements join a run
    for absent in ("导航", "来源", "忽略", "脚本"):  # navigation, metadata block, ignored, script
        assert si.han_token(absent) not in words, absent


def test_a_page_without_an_indexed_body_is_not_indexed() -> None:
    assert si.read_page("<!DOCTYPE html><html><head><title>报告</title></head><body><p>不索引</p></body></html>") is None


def _postings(site: Path, token: str) -> list[tuple[int, int]]:
    ix = json.loads((site / "search" / "index.json").read_text(encoding="utf-8"))
    deltas = json.loads((site / "search" / "t" / f"{si.bucket(token, ix['buckets'])}.json").read_text())[token]
    values = list(itertools.accumulate(deltas))
    return [(v >> 1, v & 1) for v in values]


def test_index_site_writes_postings_in_rank_order_with_title_bits_and_metadata(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    for rel, title in (("articles/2021/a", "首钢园"), ("years/2021", "园区"), ("", "首页")):
        (site / rel).mkdir(parents=True, exist_ok=True)
        (site / rel / "index.html").write_text(PAGE.replace("首钢园", title), encoding="utf-8")
    (site / "404.html").write_text("<html><body><p>首钢园</p></body></html>", encoding="utf-8")  # not indexed
    (site / "search").mkdir()
    (site / "search" / "old.html").write_text(PAGE, encoding="utf-8")  # the old index is not a page

    result = si.index_site(site, cache, workers=1)
    assert result.pages == 3
    meta = json.loads((site / "search" / "p" / "0.json").read_text(encoding="utf-8"))
    assert [m[0] for m in meta] == ["", "years/2021/", "articles/2021/a/"]  # the site's own pages first
    assert meta[2][1:] == ["首钢园", '描述 <含> "引号"']
    assert _postings(site, SHOU_GANG) == [(0, 0), (1, 0), (2, 1)]  # every body has 首钢, one title
    assert _postings(site, si.han_token("园区")) == [(0, 0), (1, 1), (2, 0)]  # every body 园区, one title
    assert not (site / "search" / "old.html").exists()


def test_index_site_is_deterministic_and_reuses_its_cache(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    (site / "index.html").write_text(PAGE.replace("首钢园", "元宇宙"), encoding="utf-8")
    si.index_site(site, cache, workers=2)
    first = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "search").rglob("*.json")}
    assert len(list(cache.rglob("*.pickle"))) == 2
    (site / "index.html").write_text(PAGE.replace("首钢园", "数字服务"), encoding="utf-8")
    si.index_site(site, cache, workers=1)
    assert len(list(cache.rglob("*.pickle"))) == 2  # the 元宇宙 page's record is gone, the new one cached
    (site / "index.html").write_text(PAGE.replace("首钢园", "元宇宙"), encoding="utf-8")
    si.index_site(site, None, workers=1)
    again = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "search").rglob("*.json")}
    assert again == first


def test_the_index_is_put_in_place_whole_and_an_interrupted_one_is_cleared(tmp_path: Path) -> None:
    """`mkdocs serve` serves the site while the index is rewritten beside it (yearbook/mkdocs_hook.py)."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    stopped = site / ".search.4242.tmp"  # an indexer stopped half way
    (stopped / "p").mkdir(parents=True)
    (stopped / "p" / "0.json").write_text("[[", encoding="utf-8")
    (stopped / "x.html").write_text(PAGE, encoding="utf-8")  # not a page of the site
    assert si.index_site(site, None, workers=1).pages == 1
    assert sorted(p.name for p in site.iterdir()) == ["a", "search"]
    assert json.loads((site / "search" / "p" / "0.json").read_text(encoding="utf-8"))[0][0] == "a/"
    assert si.main([str(site)]) == 0
    assert sorted(p.name for p in site.iterdir()) == ["a", "search"]
