"""MkDocs hook: `mkdocs build` and `mkdocs serve` run the same build as build.py.

on_config regenerates docs/ (cheap when nothing changed: the build is cached and rewrites
only changed files) and lists the editions in the navigation; on_post_build indexes the
built site with Pagefind so search works in `mkdocs serve` too.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from yearbook import site

log = logging.getLogger("mkdocs.plugins.yearbook")


def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    if os.environ.get("YEARBOOK_SKIP_BUILD") != "1":  # set by `make site`, which has just run build.py
        from yearbook import pipeline

        result = pipeline.build(root, Path(config.docs_dir), quiet=True)
        log.info(result.summary)
    config.nav = site.navigation(config.nav, Path(config.docs_dir))
    return config


def on_post_build(config):
    cmd = [sys.executable, "-m", "pagefind", "--site", config.site_dir, "--quiet",
           "--exclude-selectors", ".headerlink, .md-source-file, .yb-meta"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        log.error("Pagefind failed: %s", (done.stderr or done.stdout).strip()[-2000:])
