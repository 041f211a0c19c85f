"""The tokenised copy Pagefind indexes (yearbook/search_index.py): tokens, page preparation, cache."""

from __future__ import annotations

import re
from pathlib import Path

from yearbook import search_index as si

# 首 U+9996, 钢 U+94A2, 园 U+56ED, 大 U+5927, 飞 U+98DE, 机 U+673A
SHOU_GANG, GANG_YUAN, YUAN = "zq09996094a2", "zq094a2056ed", "zq056ed"


def test_han_token_spells_each_character_as_five_hex_digits() -> None:
    assert si.han_token("首钢") == SHOU_GANG
    assert si.han_token("园") == YUAN
    assert si.han_token("\u3400") == "zq03400"  # extension A


def test_tokens_are_distinct_pairs_plus_the_last_character_of_each_run() -> None:
    assert si.tokens("首钢园") == [SHOU_GANG, GANG_YUAN, YUAN]
    # repeated pairs once; a second run gives its own last character; punctuation splits runs
    assert si.tokens("首钢园，首钢") == [SHOU_GANG, GANG_YUAN, YUAN, "zq094a2"]
    assert si.tokens("大飞机C919首飞") == ["zq05927098de", "zq098de0673a", "zq0673a",
                                          "zq09996098de", "zq098de", "c919"]


def test_latin_words_are_lowercased_and_english_pages_give_only_latin_words() -> None:
    assert si.tokens("Exhibitors 5G exhibitors 首钢园") == [SHOU_GANG, GANG_YUAN, YUAN, "exhibitors", "5g"]
    assert si.tokens("Exhibitors 5G exhibitors 首钢园", english=True) == ["exhibitors", "5g"]
    assert si.tokens("no Han at all, 2.5% up") == ["no", "han", "at", "all", "2.5%", "up"]


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


def _indexed(out: str) -> tuple[list[str], list[str]]:
    heading = re.search(r"<h1>(.*?)</h1>", out, re.S).group(1).split()
    words = re.search(r"<p>(.*?)</p>", out, re.S).group(1).split()
    return heading, words


def test_prepare_page_keeps_title_and_description_as_metadata_and_indexes_tokens_only() -> None:
    out = si.prepare_page(PAGE)
    assert '<html lang="zh">' in out
    assert '<div data-pagefind-meta="title">首钢园</div>' in out
    assert '<div data-pagefind-meta="desc">描述 &lt;含&gt; &quot;引号&quot;</div>' in out
    heading, words = _indexed(out)
    assert heading == [SHOU_GANG, GANG_YUAN, YUAN]
    assert set(heading) <= set(words)
    spelled = {si.han_token(p) for p in ("园区", "城市", "市副", "副中", "中心", "心")}
    assert spelled <= set(words)  # inline elements do not split a run: 城市副中心
    assert si.han_token("钢园") not in words[3:]  # only from the heading, not from 首钢 | 园区
    for absent in ("导航", "来源", "忽略", "脚本"):  # navigation, metadata block, ignored, script
        assert si.han_token(absent) not in words, absent
    assert "¶" not in out and "导航不索引" not in out


def test_prepare_page_without_an_indexed_body_is_left_alone() -> None:
    html = "<!DOCTYPE html><html><head><title>报告</title></head><body><p>不索引</p></body></html>"
    assert si.prepare_page(html) == html


def test_stage_site_reuses_the_cache_and_drops_stale_entries(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    (site / "a").mkdir(parents=True)
    (site / "pagefind").mkdir()
    (site / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    (site / "index.html").write_text(PAGE.replace("首钢园", "元宇宙"), encoding="utf-8")
    (site / "pagefind" / "x.html").write_text(PAGE, encoding="utf-8")  # the old index is not a page

    assert si.stage_site(site, tmp_path / "s1", cache, workers=1) == (2, 0)
    first = (tmp_path / "s1" / "a" / "index.html").read_text(encoding="utf-8")
    assert first == si.prepare_page(PAGE)
    assert not (tmp_path / "s1" / "pagefind").exists()

    (site / "index.html").write_text(PAGE.replace("首钢园", "数字服务"), encoding="utf-8")
    assert si.stage_site(site, tmp_path / "s2", cache, workers=2) == (2, 1)
    assert (tmp_path / "s2" / "a" / "index.html").read_text(encoding="utf-8") == first
    assert "数字服务" in (tmp_path / "s2" / "index.html").read_text(encoding="utf-8")
    # s1 still links the 元宇宙 copy; once it is gone, the next run drops that copy
    import shutil

    shutil.rmtree(tmp_path / "s1")
    shutil.rmtree(tmp_path / "s2")
    assert si.stage_site(site, tmp_path / "s3", cache, workers=1) == (2, 2)
    assert len(list(cache.glob("*/*.html"))) == 2
