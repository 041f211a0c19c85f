"""`mkdocs serve` alone is the editor's preview: dropping an article into seeds/ publishes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

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


def indexed(base: str) -> list[str]:
    """The pages the served search index lists (see yearbook/search_index.py)."""
    status, body = fetch(base + "search/index.json")
    if status != 200:
        return []
    index = json.loads(body)
    paths: list[str] = []
    for k in range(-(-index["pages"] // index["shard"])):
        status, body = fetch(f"{base}search/p/{k}.json")
        paths += [row[0] for row in json.loads(body)] if status == 200 else []
    return paths


def wait_for(url: str, seconds: float, text: str = "") -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, body = fetch(url)
        if status == 200 and text in body:
            return body
        time.sleep(0.5)
    raise AssertionError(f"{url} did not serve {text!r} within {seconds} s")


@pytest.mark.parametrize("mode", [[], ["--dirty"]], ids=["serve", "serve-dirty"])
def test_serve_rebuilds_once_when_a_seed_is_added(tmp_path, mode):
    """`mkdocs serve` (and `make serve`, which adds --dirty): one rebuild per edit, not a second one
    set off by the pages the build writes into docs/."""
    project = copy_project(tmp_path / "serve")
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=f"http://127.0.0.1:{port}/")
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", *mode, "-a", f"127.0.0.1:{port}"],
            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=err, text=True,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/", 120, "2025年服贸会")
        (project / "seeds" / "005_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        page = wait_for(f"http://127.0.0.1:{port}/articles/2023/005_new/", 120, "2023年服贸会开幕")
        assert "线下参展企业2400余家" in page
        edition = wait_for(f"http://127.0.0.1:{port}/years/2023/", 30, "2023年服贸会")
        assert "005_new" in edition
        deadline = time.monotonic() + 60  # the index is written beside the server, after the reload
        while "articles/2023/005_new/" not in indexed(f"http://127.0.0.1:{port}/") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "articles/2023/005_new/" in indexed(f"http://127.0.0.1:{port}/")
        time.sleep(4)  # a second rebuild would start within a second of the first one's end
        text = log.read_text(encoding="utf-8")
        assert text.count("Detected file changes") == 1, text[-2000:]
        assert text.count("Building documentation") == 2  # the first build, and the one after the edit
        with (project / "docs" / "cleaning.md").open("a", encoding="utf-8") as fh:  # hand-written: watched
            fh.write("\n编辑补充的一句话。\n")
        wait_for(f"http://127.0.0.1:{port}/cleaning/", 30, "编辑补充的一句话")
    finally:
        server.terminate()
        server.wait(timeout=20)
