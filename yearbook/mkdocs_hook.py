"""MkDocs hook: `mkdocs build` and `mkdocs serve` run the same build as build.py.

on_config regenerates docs/ (cheap when nothing changed: the build is cached and rewrites
only changed files) and lists the editions in the navigation; on_post_build writes the search
index of the built site (yearbook/search_index.py) so search works in `mkdocs serve` too. In
between, on_nav converts the pages' Markdown on every core and on_pre_page lets MkDocs use the
result (yearbook/prerender.py). Under `mkdocs serve`, on_serve watches the generated pages through
their inputs, so that one edit is one rebuild, and the search index is written beside the server
while the browsers already reload.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

from yearbook import prerender, search_index, site, stamp, writer

log = logging.getLogger("mkdocs.plugins.yearbook")


def on_config(config):
    _stop_indexer()  # a rebuild makes its index stale
    root = Path(config.config_file_path).resolve().parent
    docs_dir = Path(config.docs_dir).resolve()
    fingerprint = stamp.inputs(root, docs_dir)
    saved = stamp.previous(root, docs_dir, fingerprint)  # `make site` has just run build.py: nothing to do
    if saved is None:
        from yearbook import pipeline

        result = pipeline.build(root, docs_dir, quiet=True, fingerprint=fingerprint)
        saved = {"summary": result.summary, "warnings": [d.line() for d in result.warnings],
                 "data_errors": [d.line() for d in result.data_errors]}
    log.info(saved["summary"])
    for line in saved["warnings"]:
        log.info(line)  # not log.warning: a bad article must not fail `mkdocs build --strict`
    if saved["data_errors"]:
        raise PluginError("; ".join(saved["data_errors"]))
    config.nav = site.navigation(config.nav, docs_dir)
    return config


_COMMAND = {"name": "build"}


def on_startup(command, dirty):
    _COMMAND["name"] = command


def on_serve(server, config, builder):
    """`mkdocs serve` watches all of docs/, but the build writes its generated part inside
    on_config: every edit was followed by a second, identical rebuild (4 s at 1,000 articles; a
    whole `mkdocs build` without --dirty). That part is watched through its inputs instead (seeds/,
    templates/, data/: the watch list of mkdocs.yml), the hand-written files and folders of docs/
    directly. Not docs/ itself: MkDocs polls, and its snapshot follows the links to generated pages
    there. (A page added at the top of docs/ while serving shows with the next rebuild.)"""
    docs = Path(config.docs_dir)
    server.unwatch(str(docs))
    for path in writer.hand_written(docs):
        server.watch(str(path), recursive=path.is_dir())
    return server


def on_nav(nav, config, files):
    root = Path(config.config_file_path).resolve().parent
    prerender.convert_all(config, files, root / ".build" / "cache" / "html")
    _COMMAND["nav"] = nav
    return nav


def on_env(env, config, files):
    # not under `mkdocs serve`, which may show draft pages that a build leaves out
    if _COMMAND["name"] != "serve":
        root = Path(config.config_file_path).resolve().parent
        prerender.render_templates(env, config, files, _COMMAND["nav"], root / ".build" / "pages")
    return env


def on_pre_page(page, config, files):
    prerender.use_store(page)
    return page


def on_post_build(config):
    root = Path(config.config_file_path).resolve().parent
    shutil.rmtree(root / ".build" / "pages", ignore_errors=True)  # render_templates' output, now in site/
    cache = root / ".build" / "cache" / "search"
    if _COMMAND["name"] == "serve":
        # the browsers reload without waiting for it: it was 60 % of a rebuild at 10,000 articles
        # (10 of 17 s), and the old index serves until the new one is in place
        _INDEXER.append(subprocess.Popen([sys.executable, "-m", "yearbook.search_index", config.site_dir, str(cache)],
                                         cwd=root, start_new_session=True))  # its workers stop with it
        log.info("search index: being written in the background")
        return
    done = search_index.index_site(Path(config.site_dir), cache_dir=cache)
    log.info("search index: %d pages, %d tokens in %d buckets", done.pages, done.tokens, done.buckets)


def on_shutdown():
    _stop_indexer()


_INDEXER: list[subprocess.Popen] = []  # the one writing the index of the last `mkdocs serve` build


def _stop_indexer() -> None:
    while _INDEXER:
        proc = _INDEXER.pop()
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
