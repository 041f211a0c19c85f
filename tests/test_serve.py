"""`mkdocs serve` alone is the editor's preview: dropping an article into seeds/ publishes it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from .conftest import copy_project, free_port

NEW_ARTICLE = """---
title: 2023年服贸会开幕
date: Sat, 02 Sep 2023 08:00:00 GMT
author: 测试日报
---
<p>2023年中国国际服务贸易交易会9月2日在北京开幕，本届服贸会线下参展企业2400余家。</p>
"""


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait_for(url: str, seconds: float, text: str = "") -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, body = fetch(url)
        if status == 200 and text in body:
            return body
        time.sleep(0.5)
    raise AssertionError(f"{url} did not serve {text!r} within {seconds} s")


def test_serve_rebuilds_when_a_seed_is_added(tmp_path):
    project = copy_project(tmp_path / "serve")
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=f"http://127.0.0.1:{port}/")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", 120, "2025年服贸会")
        (project / "seeds" / "005_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        page = wait_for(f"http://127.0.0.1:{port}/articles/2023/005_new/", 120, "2023年服贸会开幕")
        assert "线下参展企业2400余家" in page
        edition = wait_for(f"http://127.0.0.1:{port}/years/2023/", 30, "2023年服贸会")
        assert "005_new" in edition
    finally:
        server.terminate()
        server.wait(timeout=20)
