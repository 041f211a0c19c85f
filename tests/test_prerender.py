"""Parallel, stored Markdown conversion (yearbook/prerender.py) gives MkDocs exactly its own render."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import get_files
from mkdocs.config import load_config
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from yearbook import prerender

PAGES = {
    "index.md": "# 首页\n\n见[2021年](years/2021.md#展览面积)和[不存在的页](missing.md)。\n",
    "years/2021.md": "---\ntitle: 2021\n---\n\n# 2021年服贸会\n\n## 展览面积\n\n| 指标 | 数值 |\n|---|---|\n| 面积 | 12万平方米 |\n",
    "articles/a.md": "# 报道\n\n正文[^1]。\n\n[^1]: 来源：新华社\n",
}


@pytest.fixture
def project(tmp_path: Path):
    docs = tmp_path / "docs"
    for rel, text in PAGES.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nmarkdown_extensions:\n  - footnotes\n  - tables\n  - toc:\n      permalink: true\n",
        encoding="utf-8",
    )
    config = load_config(str(tmp_path / "mkdocs.yml"))
    files = get_files(config)
    get_navigation(files, config)
    yield config, files, tmp_path / "store"
    prerender._STATE.clear()


def _render(config, files, src_uri: str, stored: bool) -> Page:
    f = files.get_file_from_path(src_uri)
    page = Page(None, f, config)
    page.read_source(config)
    if stored:
        prerender.use_store(page)
    page.render(config, files)
    return page


def test_stored_render_equals_mkdocs_render(project, monkeypatch, caplog) -> None:
    config, files, store = project
    monkeypatch.setattr(prerender, "PARALLEL_THRESHOLD", 1)  # fork workers even for three pages
    assert prerender.convert_all(config, files, store) == 3
    assert len(list(store.rglob("*.pickle"))) == 3
    for uri in PAGES:
        plain = _render(config, files, uri, stored=False)
        with caplog.at_level(logging.INFO, logger="mkdocs"):
            caplog.clear()
            stored = _render(config, files, uri, stored=True)
        assert stored.content == plain.content
        assert [t.title for t in stored.toc] == [t.title for t in plain.toc]
        assert stored.present_anchor_ids == plain.present_anchor_ids
        if uri == "index.md":
            # the worker's warning about the broken link is logged again in this process (--strict sees it)
            assert any("missing.md" in r.getMessage() for r in caplog.records)
        def links(page: Page) -> dict:
            return {t.src_uri: v for t, v in (page.links_to_anchors or {}).items()}
        assert links(stored) == links(plain)
        if uri == "index.md":
            assert "展览面积" in links(stored)["years/2021.md"]
    assert "<sup id=\"fnref:1\">" in _render(config, files, "articles/a.md", stored=True).content
    assert prerender.convert_all(config, files, store) == 0  # all stored: nothing to convert again


def test_changed_markdown_is_rendered_afresh(project) -> None:
    config, files, store = project
    prerender.convert_all(config, files, store)
    f = files.get_file_from_path("articles/a.md")
    page = Page(None, f, config)
    page.read_source(config)
    page.markdown = page.markdown.replace("正文", "改过的正文")  # as a plugin's on_page_markdown might
    prerender.use_store(page)
    page.render(config, files)
    assert "改过的正文" in page.content


def test_fingerprint_ignores_memory_addresses_and_follows_the_page_set(project) -> None:
    config, files, _ = project
    again = load_config(str(Path(config.config_file_path)))
    assert prerender.fingerprint(config, files) == prerender.fingerprint(again, get_files(again))
    (Path(config.docs_dir) / "new.md").write_text("# 新页\n", encoding="utf-8")
    assert prerender.fingerprint(again, get_files(again)) != prerender.fingerprint(config, files)


def test_whole_site_is_byte_identical_with_parallel_rendering(tmp_path, monkeypatch) -> None:
    """The seed site built by plain MkDocs and with both parallel stages forced on (they start at
    200 pages, so the 5-seed site alone would never use them)."""
    import os

    from mkdocs.commands.build import build

    from tests.conftest import build_site, copy_project, read_tree

    project = copy_project(tmp_path / "p")
    build_site(project, "http://127.0.0.1:8000/")  # build.py + plain mkdocs build (20 pages: below the threshold)
    plain = read_tree(project / "site")
    shutil.rmtree(project / ".build" / "cache" / "html")  # so that the forked workers convert every page
    monkeypatch.setattr(prerender, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:8000/")
    monkeypatch.chdir(project)
    rendered: list[int] = []
    original = prerender.render_templates
    monkeypatch.setattr(prerender, "render_templates", lambda *a: rendered.append(original(*a)) or rendered[-1])
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "parallel"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    parallel = read_tree(tmp_path / "parallel")
    assert rendered and rendered[0] >= 20 and os.cpu_count() and os.cpu_count() > 1
    assert len(list((project / ".build" / "cache" / "html").rglob("*.pickle"))) >= 20
    skip = ("sitemap.xml.gz",)  # it holds the build date
    assert {k: v for k, v in parallel.items() if not k.startswith(skip)} == {
        k: v for k, v in plain.items() if not k.startswith(skip)}
