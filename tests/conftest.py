"""Shared fixtures: a copy of the project built into a temporary folder, served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Everything a build reads, except seeds/ (tests choose their own) and generated output.
PROJECT_FILES = ("mkdocs.yml", "templates", "data", "overrides", "yearbook")


def copy_project(dest: Path, seeds: list[Path] | None = None) -> Path:
    """A fresh project folder with the hand-written docs and the given seeds (default: all)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    docs = dest / "docs"
    tracked = subprocess.run(["git", "ls-files", "docs"], cwd=ROOT, capture_output=True, text=True, check=True)
    for rel in tracked.stdout.split():
        (docs.parent / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, docs.parent / rel)
    (dest / "seeds").mkdir(exist_ok=True)
    for seed in seeds if seeds is not None else sorted(SEEDS.iterdir()):
        shutil.copy2(seed, dest / "seeds" / seed.name)
    return dest


def read_tree(folder: Path) -> dict[str, bytes]:
    """What MkDocs sees: every file below folder, following the build's symlinks into .build/."""
    out = {}
    for base, _dirs, files in os.walk(folder, followlinks=True):
        for name in files:
            path = Path(base) / name
            out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return dict(sorted(out.items()))


def build_site(project: Path, site_url: str, strict: bool = True) -> subprocess.CompletedProcess:
    """build.py then `mkdocs build` in project, the way `make site` does it."""
    env = dict(os.environ, SITE_URL=site_url, NO_MKDOCS_2_WARNING="1")
    subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(project), "--quiet"],
                   check=True, env=env, capture_output=True, text=True)
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")]
    if strict:
        cmd.append("--strict")
    return subprocess.run(cmd, check=True, env=env, capture_output=True, text=True, cwd=project)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], str]]:
    """serve(site_dir) → base URL on 127.0.0.1; servers stop at the end of the session."""
    servers = []

    def start(site_dir: Path) -> str:
        port = free_port()
        handler = functools.partial(_QuietHandler, directory=str(site_dir))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{port}/"

    yield start
    for s in servers:
        s.shutdown()


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory, serve) -> tuple[Path, str]:
    """The five seeds built into a served site: (project dir, base URL)."""
    project = copy_project(tmp_path_factory.mktemp("seed_site"))
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    build_site(project, url)
    handler = functools.partial(_QuietHandler, directory=str(project / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield project, url
    server.shutdown()


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright. Under CI=true a missing browser fails, never skips."""
    if not chromium_available():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed; `make test` installs it (apt-get install chromium)")
        pytest.skip("chromium not installed (run `make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
