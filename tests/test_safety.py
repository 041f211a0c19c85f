"""Untrusted article markup never reaches the site as markup (issue 6), proven in chromium."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from yearbook import pipeline

from .conftest import build_site, copy_project, free_port

PAYLOAD = """---
title: '<script>window.__pwned=1</script>服贸会<img src=x onerror="window.__pwned=2">'
date: Wed, 08 Sep 2021 13:24:51 GMT
author: '<b onmouseover=alert(1)>恶意来源</b>'
url: 'javascript:alert(document.cookie)'
headimg: 'javascript:alert(1)'
slug: ../../../../tmp/owned
---
<p>2021年中国国际服务贸易交易会在北京举办。<script>window.__pwned=3;alert('x')</script></p>
<p onclick="window.__pwned=4">本届服贸会线下参展企业2400家。<a href="javascript:window.__pwned=5">点我</a></p>
<p><a href="JaVaScRiPt&colon;alert(1)">大小写混合</a> <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">数据链接</a> <a href="//evil.example/x">协议相对</a></p>
<iframe src="https://evil.example/"></iframe><form action="https://evil.example/"><input name=q><button>提交</button></form>
<style>body{display:none}</style><svg onload="window.__pwned=6"><script>alert(2)</script></svg>
<img src="https://n.sinaimg.cn/x.jpg" onerror="window.__pwned=7" alt="图片">
<object data="x.swf"></object><embed src="x.swf"><math><mtext><script>alert(3)</script></mtext></math>
<p>服贸会首次设立数字服务专区。&lt;script&gt;alert('escaped text stays text')&lt;/script&gt;</p>
<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>
<template><script>alert(4)</script></template>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/">
"""

FORBIDDEN = re.compile(
    r"<\s*(script|iframe|form|object|embed|style|svg|math|meta|base|noscript|template)\b|\son\w+\s*=|javascript:|data:text",
    re.I,
)


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("xss"))
    (project / "seeds" / "999_payload.txt").write_text(PAYLOAD, encoding="utf-8")
    url = f"http://127.0.0.1:{free_port()}/"
    build_site(project, url, strict=False)
    return project, url


def test_generated_markdown_has_no_markup_from_the_article(payload_site):
    project, _ = payload_site
    page = next((project / "docs" / "articles").rglob("999_payload.md")).read_text(encoding="utf-8")
    assert not FORBIDDEN.search(page), FORBIDDEN.search(page)
    assert "2400家" in page
    assert "<script>" not in page
    html = next((project / "site" / "articles").rglob("999_payload/index.html")).read_text(encoding="utf-8")
    body = html[html.index('<article'):html.index("</article>")]
    assert not FORBIDDEN.search(body), FORBIDDEN.search(body)
    assert not Path("/tmp/owned").exists()


def test_slug_outside_the_site_is_refused(payload_site):
    project, _ = payload_site
    result = pipeline.build(project, quiet=True)
    p = next(p for p in result.articles if p.article.path == "999_payload.txt")
    assert p.article.stem == "999_payload"
    assert any("slug" in d.problem for d in result.diagnostics if d.path == "999_payload.txt")


@pytest.mark.browser
def test_no_script_from_the_article_runs(payload_site, browser, serve):
    project, _ = payload_site
    base = serve(project / "site")
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
    pages = [p.relative_to(project / "site").as_posix() for p in (project / "site").rglob("index.html")]
    assert len(pages) >= 10
    for rel in sorted(pages):
        page.goto(base + rel)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned === undefined"), rel
    assert dialogs == []
    page.close()


def test_payload_in_front_matter_does_not_escape_yaml(payload_site):
    project, _ = payload_site
    html = next((project / "site" / "articles").rglob("999_payload/index.html")).read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    assert "<script>window.__pwned" not in head
    assert os.path.exists(project / "site" / "index.html")
