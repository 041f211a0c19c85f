"""Markdown → HTML for MkDocs pages on every core, remembered between builds.

Why: MkDocs converts each page's Markdown in one process, one page after another; at 10,000
articles that is the largest part of `mkdocs build`, and `mkdocs serve` repeats all of it after
every change. The MkDocs hook calls `convert_all` once the navigation is known: forked workers
run MkDocs' own `Page.render` (the same Markdown extensions, link rewriting and anchor checks) on
the pages whose result is not cached yet and store what it produced. Every page's `render` is then
answered from that store when, and only when, the Markdown MkDocs hands it is the very Markdown the
worker converted (so a plugin that rewrites a page's Markdown just gets the normal render).
Warnings raised while converting are replayed in the main process, so `--strict` still sees them.

The theme's template (Material's main.html, ~10 ms a page) is the other large serial part. On
`mkdocs build`, `render_templates` forks workers once every page is converted (on_env) that render
each page exactly as MkDocs would (same context, same on_page_context plugins, same template); MkDocs
then renders the tiny template overrides/yb-prerendered.html, which hands back the worker's output.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import shutil
import types
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from mkdocs.commands.build import get_context
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import meta

from .writer import read_kept, write_atomic

PARALLEL_THRESHOLD = 200  # pages to convert; below this a fork costs more than it saves
_STATE: dict[str, Any] = {}  # what forked workers inherit: the config, files, store and fingerprint


def fingerprint(config: Any, files: Files) -> str:
    """Everything besides a page's own Markdown that its HTML depends on: the Markdown extensions
    and their settings, the libraries' versions, link validation and which pages exist."""
    from importlib.metadata import version

    h = hashlib.sha256()
    settings = {
        "extensions": [e if isinstance(e, str) else type(e).__name__ for e in config["markdown_extensions"]],
        "configs": config["mdx_configs"],
        "directory_urls": config["use_directory_urls"],
        "validation": str(config["validation"]),
        "versions": [version(p) for p in ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material")],
    }
    h.update(json.dumps(settings, sort_keys=True, default=_stable).encode())
    for f in sorted(f.src_uri for f in files):
        h.update(f.encode() + b"\0")
    return h.hexdigest()[:16]


def _stable(obj: Any) -> str:
    """A repr without memory addresses (the slugify setting is a functools.partial)."""
    if isinstance(obj, functools.partial):
        return f"{_stable(obj.func)}({obj.args!r}, {sorted(obj.keywords.items())!r})"
    return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', type(obj).__name__)}"


def convert_all(config: Any, files: Files, store: Path) -> int:
    """Convert the documentation pages not in the store yet; return how many were converted."""
    fp = fingerprint(config, files)
    for old in store.glob("*"):  # results for other settings or another set of pages are dead
        if old.name != fp and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    store = store / fp
    store.mkdir(parents=True, exist_ok=True)
    _STATE.update(config=config, files=files, store=store)
    todo: list[tuple[int, str]] = []
    for f in files.documentation_pages():
        markdown = _markdown_of(f)
        if markdown is not None and not _path(store, f.src_uri, markdown).exists():
            todo.append((-len(markdown), f.src_uri))
    todo.sort()  # the few long pages (editions, comparison, report) first, so that no core idles at the end
    jobs = os.cpu_count() or 1
    if jobs > 1 and len(todo) >= PARALLEL_THRESHOLD:
        ctx = multiprocessing.get_context("fork")  # workers inherit config and files as they are
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            list(pool.map(_convert, [uri for _, uri in todo], chunksize=4))
    # small batches are left to the normal render, which stores its result too
    return len(todo)


def use_store(page: Page) -> None:
    """Answer this page's `render` from the store (called from the hook's on_pre_page)."""
    if "store" in _STATE:
        page.render = types.MethodType(_render, page)  # type: ignore[method-assign]


def _markdown_of(f: File) -> str | None:
    try:
        return meta.get_data(f.content_string)[0]
    except (OSError, ValueError):
        return None  # MkDocs reports the unreadable page itself


def _path(store: Path, src_uri: str, markdown: str) -> Path:
    h = hashlib.sha256(src_uri.encode() + b"\0" + markdown.encode("utf-8")).hexdigest()
    return store / h[:2] / f"{h}.pickle"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.INFO:
            self.records.append((record.name, record.levelno, record.getMessage()))


def _convert(src_uri: str) -> None:
    config, files = _STATE["config"], _STATE["files"]
    f = files.get_file_from_path(src_uri)
    page = f.page if f.page is not None else Page(None, f, config)
    page.markdown = _markdown_of(f)
    _save(page, files, _STATE["store"])


def _render(page: Page, config: Any, files: Files) -> None:
    assert page.markdown is not None
    path = _path(_STATE["store"], page.file.src_uri, page.markdown)
    saved = read_kept(path)
    if not isinstance(saved, dict):
        saved = {**_save(page, files, _STATE["store"]), "log": []}  # its warnings were just logged
    page.content, page.toc, page._title_from_render = saved["content"], saved["toc"], saved["title"]
    page.present_anchor_ids = saved["anchors"]
    if saved["links"] is not None:
        page.links_to_anchors = {}
        for uri, links in saved["links"].items():
            target = files.get_file_from_path(uri)
            if target is not None:
                page.links_to_anchors[target] = links
    for name, level, message in saved["log"]:
        logging.getLogger(name).log(level, message)


def _save(page: Page, files: Files, store: Path) -> dict:
    """Run MkDocs' own render on the page and store what it produced, warnings included."""
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        Page.render(page, _STATE["config"], files)
    finally:
        logger.removeHandler(collect)
    saved = {
        "content": page.content, "toc": page.toc, "title": page._title_from_render,
        "anchors": page.present_anchor_ids, "log": collect.records,
        "links": None if page.links_to_anchors is None
        else {target.src_uri: links for target, links in page.links_to_anchors.items()},
    }
    path = _path(store, page.file.src_uri, page.markdown or "")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass
    return saved


# --- theme templates ----------------------------------------------------------------------------

PRERENDERED = "yb-prerendered.html"  # in overrides/: {{ yb_prerendered(page) }}


def render_templates(env: Any, config: Any, files: Files, nav: Any, out: Path) -> int:
    """Render every documentation page's theme template on all cores; return how many."""
    doc_files = files.documentation_pages()  # once: a list of every page, asked for by every page's context
    pages = [f for f in doc_files if f.page is not None]
    jobs = os.cpu_count() or 1
    if jobs < 2 or len(pages) < PARALLEL_THRESHOLD:
        return 0
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    _STATE.update(env=env, config=config, files=files, doc_files=doc_files, nav=nav, out=out)
    uris = [f.src_uri for f in pages]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        done = list(pool.map(_render_template, uris, chunksize=8))
    for f, ok in zip(pages, done, strict=True):
        if ok:
            f.page.meta["template"] = PRERENDERED
    env.globals["yb_prerendered"] = _prerendered
    return sum(done)


def _html_path(src_uri: str) -> Path:
    return _STATE["out"] / (hashlib.sha256(src_uri.encode()).hexdigest() + ".html")


def _render_template(src_uri: str) -> bool:
    """What mkdocs.commands.build._build_page renders for the page, written to a file."""
    env, config, files, nav = _STATE["env"], _STATE["config"], _STATE["files"], _STATE["nav"]
    page = files.get_file_from_path(src_uri).page
    page.active = True
    try:
        # computed per page, the list made rendering quadratic: 36 % of `mkdocs build` at 10,000 articles
        context = get_context(nav, _STATE["doc_files"], config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        _html_path(src_uri).write_text(template.render(context), encoding="utf-8")
        return True
    except Exception:  # MkDocs renders this page itself, and reports what went wrong
        return False
    finally:
        page.active = False


def _prerendered(page: Page) -> str:
    return _html_path(page.file.src_uri).read_text(encoding="utf-8")
