"""Bad input never breaks the build and never loses an article (issue 6).

One corpus holds every kind of bad file an editor may drop into seeds/; the build must publish
what it can, name every other file in the report with a reason, and the counts must add up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yearbook import pipeline, read

from .conftest import ROOT, build_site, copy_project, read_tree

GOOD_HTML = (
    "---\ntitle: '{title}'\ndate: {date}\nauthor: 测试日报\n---\n"
    "<p>　　2021年中国国际服务贸易交易会9月7日在北京闭幕。本届服贸会线下参展企业2400家。</p>\n"
    "<p>　　{para}</p>\n"
)


def article(title: str, para: str, date: str = "Wed, 08 Sep 2021 13:24:51 GMT") -> str:
    return GOOD_HTML.format(title=title, para=para, date=date)


def bad_corpus(seeds: Path) -> dict[str, str]:
    """Write the bad inputs; return {file name: what must happen} ("page" or "skipped")."""
    seeds.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes | str, outcome: str) -> Path:
        path = seeds / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[name] = outcome
        return path

    put("empty.txt", b"", "skipped")
    put("blank.txt", b"  \n \t\n", "skipped")
    put("junk.bin", bytes(range(256)) * 64, "skipped")
    put("huge.txt", article("超大文件", "展会现场人气很旺。" * 2_400_000), "page")
    put("bad-yaml.txt", "---\ntitle: [oops\n---\n<p>2021年服贸会在京开幕，首钢园展区人气旺。</p>\n", "page")
    put("unclosed.txt", "---\ntitle: 没有结束\n<p>2021年服贸会在京开幕，展览面积增加。</p>\n", "page")
    put("bad-date.txt", article("日期错误", "日期无法解析。", date="the 32nd of Smarch"), "page")
    put("future.txt", article("未来日期", "未来的报道。", date="Mon, 01 Sep 2031 10:00:00 GMT"), "page")
    put("no-date.md", "# 服贸会在首钢园开幕\n\n2021年服贸会9月2日在北京开幕，本届服贸会首次设立数字服务专区。\n", "page")
    put("no-title.txt", "<p>2021年中国国际服务贸易交易会在北京举办，吸引上万家企业参展。</p>\n", "page")
    put("gbk.txt", article("GBK编码", "这篇报道用GBK编码保存。").encode("gbk"), "page")
    put("utf16.txt", article("UTF16编码", "这篇报道用UTF-16编码保存。").encode("utf-16"), "page")
    put("bom.txt", "\ufeff" + article("带BOM", "这篇报道带有BOM。"), "page")
    put("crlf.txt", article("Windows换行", "这篇报道使用Windows换行。").replace("\n", "\r\n"), "page")
    put("truncated.html", article("截断的HTML", "这一段没有结束")[:-6] + "<div class=\"img_wr", "page")
    put("offtopic.txt", "---\ntitle: 今日天气\ndate: Wed, 08 Sep 2021 08:00:00 GMT\n---\n<p>北京今天晴，最高气温28度。</p>\n", "page")
    put("several.txt", article("多届对比", "2012年首届京交会吸引了82个国家和地区，2020年服贸会改名。"), "page")
    put("dup-a.txt", article("同一篇报道", "展会现场人气很旺，观众络绎不绝。"), "page")
    put("dup-b.txt", article("同一篇报道", "展会现场人气很旺，观众络绎不绝。").replace("测试日报", "另一家报"), "duplicate")
    put("same name.txt", article("文件名有空格", "空格文件名。"), "page")
    put("same-name.txt", article("文件名没有空格", "横线文件名。"), "page")
    put("服贸会报道.txt", article("中文文件名", "中文文件名的报道。"), "page")
    put("slug.txt", "---\ntitle: 越界\nslug: ../../etc\n---\n<p>2021年服贸会开幕了。</p>\n", "page")
    target = put("target.txt", article("链接目标", "被链接的报道。"), "page")
    (seeds / "link.txt").symlink_to(target)
    expect["link.txt"] = "skipped"
    return expect


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("bad"), seeds=[])
    expect = bad_corpus(project / "seeds")
    result = pipeline.build(project, quiet=True)
    return project, expect, result


def test_every_file_is_a_page_or_a_report_line(bad_build):
    _project, expect, result = bad_build
    published = {p.article.path for p in result.articles}
    duplicates = {s for p in result.articles for s, _ in p.article.also_found_in}
    reported = {d.path for d in result.diagnostics}
    for name, outcome in expect.items():
        if outcome == "page":
            assert name in published, f"{name} was not published: {[d.line() for d in result.diagnostics if d.path == name]}"
        elif outcome == "duplicate":
            assert name in duplicates and name in reported
        else:
            assert name in result.skipped and name in reported, name
    assert result.files_total == len(expect)
    assert len(published) + len(duplicates) + len(result.skipped) == result.files_total
    assert f"{result.files_total} files in seeds/" in result.summary


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.txt", "is empty"), ("blank.txt", "only whitespace"), ("junk.bin", "binary"),
        ("huge.txt", "MB"), ("bad-yaml.txt", "not valid YAML"), ("unclosed.txt", "never closed"),
        ("future.txt", "future"), ("link.txt", "symbolic link"), ("slug.txt", "slug"),
        ("dup-b.txt", "same article"), ("offtopic.txt", "not about the fair"), ("same name.txt", "URL-safe"),
        ("no-date.md", "no publication date"),
    ],
)
def test_each_problem_is_named(bad_build, name, words):
    _, _, result = bad_build
    lines = [d.line() for d in result.diagnostics if d.path == name]
    assert any(words in line for line in lines), lines


def test_published_pages_exist_and_are_safe(bad_build):
    project, _, result = bad_build
    docs = project / "docs"
    for p in result.articles:
        path = docs / f"{pipeline.render.article_url(p)}.md"
        assert path.is_file(), path
    slug_page = next(p for p in result.articles if p.article.path == "slug.txt")
    assert "etc" not in slug_page.article.stem and "/" not in slug_page.article.stem
    dup = next(p for p in result.articles if p.article.path == "dup-a.txt")
    page = (docs / f"{pipeline.render.article_url(dup)}.md").read_text(encoding="utf-8")
    assert "**同文来源**：dup-a.txt（测试日报）；dup-b.txt（另一家报）" in page
    report = (docs / "report" / "index.md").read_text(encoding="utf-8")
    for name in ("empty.txt", "junk.bin", "link.txt", "dup-b.txt"):
        assert name in report


def test_strict_fails_on_warnings_and_default_publishes(bad_build):
    project, _, _ = bad_build
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    lax = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(project), "--quiet"],
                         capture_output=True, text=True, env=env)
    strict = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(project), "--quiet", "--strict"],
                            capture_output=True, text=True, env=env)
    assert lax.returncode == 0, lax.stderr
    assert strict.returncode == 1
    assert "--strict" in strict.stdout


def test_seeds_build_cleanly_in_strict_mode(tmp_path):
    project = copy_project(tmp_path / "p")
    result = pipeline.build(project, quiet=True)
    assert [d.line() for d in result.warnings] == []


def test_two_builds_are_byte_identical_in_any_time_zone(tmp_path):
    outputs = []
    for i, tz in enumerate(("UTC", "Asia/Shanghai", "America/Los_Angeles")):
        project = copy_project(tmp_path / f"p{i}")
        env = dict(os.environ, TZ=tz, LC_ALL="C.UTF-8" if i % 2 else "C", PYTHONHASHSEED=str(i))
        subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(project), "--quiet"],
                       check=True, env=env, capture_output=True)
        outputs.append(read_tree(project / "docs"))
    assert outputs[0] == outputs[1] == outputs[2]
    data = json.loads(outputs[0]["data/editions.json"])
    assert [e["year"] for e in data["editions"]] == [2021, 2022, 2025]


def test_cached_rebuild_is_identical(tmp_path):
    project = copy_project(tmp_path / "p")
    pipeline.build(project, quiet=True)
    first = read_tree(project / "docs")
    result = pipeline.build(project, quiet=True)
    assert read_tree(project / "docs") == first
    assert (result.written, result.deleted) == (0, 0)


SAFE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
TAGS = st.sampled_from(["p", "div", "span", "b", "script", "style", "iframe", "a", "img", "font", "form", "h1", "svg"])


@st.composite
def html_soup(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(TAGS)
        attr = draw(st.sampled_from(["", ' onclick="alert(1)"', ' href="javascript:alert(1)"', ' src="data:x"',
                                     ' style="x"', ' class="img_wrapper"']))
        parts.append(f"<{tag}{attr}>{draw(SAFE_TEXT)}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    return "".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=2000), SAFE_TEXT.map(lambda s: s.encode("utf-8")),
                      html_soup().map(lambda s: s.encode("utf-8"))))
def test_reader_never_raises(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("h")
    (folder / "x.txt").write_bytes(data)
    source, diags = read.read_file(folder / "x.txt", folder)
    assert source is not None or any(d.level == "error" for d in diags)  # a skipped file says why



def test_override_without_source_fails_the_build(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "data" / "overrides.yml").write_text(
        "- edition: 2022\n  metric: exhibition_area_sqm\n  value: 160000\n  unit: 平方米\n", encoding="utf-8"
    )
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(project), "--quiet"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "errors in data/ files" in done.stdout


def test_override_with_source_wins_and_is_marked(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "data" / "overrides.yml").write_text(
        "- edition: 2022\n  metric: exhibition_area_sqm\n  value: 160000\n  unit: 平方米\n  text: 16万平方米\n"
        "  source:\n    url: https://www.ciftis.org/\n  note: 官方数字\n", encoding="utf-8"
    )
    result = pipeline.build(project, quiet=True)
    edition = next(e for e in result.editions if e.year == 2022)
    choice = edition.metrics["exhibition_area_sqm"]
    assert choice.edited and choice.chosen.value == 160000
    assert any(f.value == 152000 for f in choice.alternatives)
    page = (project / "docs" / "years" / "2022.md").read_text(encoding="utf-8")
    assert "编辑修订" in page


def test_two_full_site_builds_are_identical_but_for_sitemap_dates(tmp_path):
    """The whole site/ (MkDocs, Pagefind, charts) is reproducible, so Pages diffs show only real changes."""
    sites = []
    for i, tz in enumerate(("UTC", "Asia/Shanghai")):
        project = copy_project(tmp_path / f"p{i}")
        os.environ["TZ"] = tz
        try:
            build_site(project, "https://example.org/yearbook/")
        finally:
            os.environ.pop("TZ", None)
        sites.append({k: v for k, v in read_tree(project / "site").items() if not k.startswith("sitemap.xml")})
    assert sites[0].keys() == sites[1].keys()
    differ = [k for k in sites[0] if sites[0][k] != sites[1][k]]
    assert differ == []
    assert "search/index.json" in sites[0] and any(k.startswith("search/t/") for k in sites[0])


def test_unchanged_inputs_skip_the_build_and_any_change_rebuilds(tmp_path):
    project = copy_project(tmp_path / "p")

    def run() -> str:
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(project), "--quiet"],
                              capture_output=True, text=True, check=True)
        return done.stdout

    assert not run().startswith("unchanged")
    assert run().startswith("unchanged since the last build: 5 files in seeds/")
    seed = project / "seeds" / "000_bed480ad1c4ee00d.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("行走服贸会 带你看成果", "行走服贸会"), encoding="utf-8")
    assert not run().startswith("unchanged")
    page = (project / "docs" / "articles" / "2021" / "000_bed480ad1c4ee00d.md").read_text(encoding="utf-8")
    assert "# 行走服贸会\n" in page
    (project / "docs" / "articles").unlink()  # someone removed a generated folder by hand
    assert not run().startswith("unchanged")
    assert (project / "docs" / "articles" / "2021" / "000_bed480ad1c4ee00d.md").is_file()
