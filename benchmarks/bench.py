#!/usr/bin/env python3
"""Scale benchmark of issue 7: build a generated N-article corpus and measure it end to end.

    .venv/bin/python benchmarks/bench.py --articles 1000     # make bench
    .venv/bin/python benchmarks/bench.py --articles 10000    # make bench-large (runs a 1,000 baseline first)
    .venv/bin/python benchmarks/bench.py --articles 200 --stages   # per-stage times of build.py only

Per run, in a temporary copy of the project whose seeds/ is the generated corpus (benchmarks/corpus.py):
cold build.py (wall, CPU/wall, peak RSS), trafilatura.extract on the same files in the same run, no-op
and one-article-changed rebuilds, `mkdocs build` (which runs the search index step; that step is then
re-run alone to give its share), site and page sizes, and the site's search in Debian's chromium (bytes
fetched per query, time from typing to the first result). Prints a table and writes it to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import functools
import http.server
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # the sibling module, found through the path set just above

ROOT = corpus.ROOT
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as in tests/conftest.py
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# the hook's search step (yearbook/search_index.py: pages read on every core, then the index files), in a child
INDEX_STEP = ("import sys; from pathlib import Path; from yearbook import search_index as s; "
              "c = Path(sys.argv[2]) if len(sys.argv) > 2 else None; "
              "s.index_site(Path(sys.argv[1]), cache_dir=c)")
QUERIES = ("服贸会", "京交会", "首钢园", "数字服务专区", "元宇宙", "国际化率")


# --- measuring a child process ------------------------------------------------------------------


@dataclass
class ChildRun:
    """Wall time, CPU time (the child and every worker it waited for) and memory of one command."""

    wall: float
    cpu: float
    maxrss_mb: float  # the largest single process (ru_maxrss of the child and its reaped workers)
    tree_rss_mb: float  # the largest sampled sum over the child and its descendants
    stdout: str
    # the same sum in proportional set size: a page that forked workers share with the parent is
    # counted once, split between them, instead of once per process (what the machine really holds)
    tree_pss_mb: float = 0.0

    @property
    def cores(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0


def _children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def _tree_rss(pid: int) -> tuple[int, int]:
    """Resident and proportional set size in bytes of pid and all its descendants, now."""
    tree = _children_of()
    rss = pss = 0
    todo = [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        p = todo.pop()
        with contextlib.suppress(OSError, IndexError, ValueError):
            rss += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
        with contextlib.suppress(OSError, IndexError, ValueError):
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            pss += int(next(line.split()[1] for line in rollup.splitlines() if line.startswith("Pss:"))) * 1024
        todo.extend(tree.get(p, []))
    return rss, pss


def run_child(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> ChildRun:
    """Run cmd to completion; fail loudly (with its output) when it fails.

    PYTHONDONTWRITEBYTECODE is dropped: some shells set it, and then every build compiles the
    yearbook package from source again (8 % of a one-article rebuild at 1,000), which an editor's
    `make site` does only once."""
    env = {k: v for k, v in (env if env is not None else os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        return _run_child(cmd, cwd, env, out, err)


def _run_child(cmd: list[str], cwd: Path, env: dict[str, str] | None, out, err) -> ChildRun:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
    peak = peak_pss = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not stop.wait(0.2):
            rss, pss = _tree_rss(proc.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stdout[-3000:]}\n{stderr[-3000:]}")
    return ChildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak / 2**20, stdout,
                    peak_pss / 2**20)


# --- the steps ------------------------------------------------------------------------------------


_FRONT_MATTER = re.compile(r"\A\s*---\n.*?\n---\n", re.S)


def time_trafilatura(paths: list[Path]) -> tuple[float, int, int, int, int]:
    """trafilatura.extract on each file: the HTML after the front matter (with the front matter in front it returns
    nothing), bare Markdown as it is. (seconds, html files, html extracted, md files, md extracted)."""
    import trafilatura

    trafilatura.extract("<html><body><p>预热</p></body></html>")  # imports and lazy set-up, not timed
    html = html_ok = md = md_ok = 0
    started = time.perf_counter()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        is_html = text.lstrip().startswith("---")
        result = trafilatura.extract(_FRONT_MATTER.sub("", text, count=1) if is_html else text)
        html += is_html
        md += not is_html
        html_ok += bool(result) and is_html
        md_ok += bool(result) and not is_html
    return time.perf_counter() - started, html, html_ok, md, md_ok


def change_one_article(seeds: list[Path], which: int | None = None) -> Path:
    """Edit one article (by default the middle one) the way an editor would: one sentence added."""
    path = seeds[len(seeds) // 2 if which is None else which]
    text = path.read_text(encoding="utf-8")
    sentence = "记者在现场还看到，多家参展企业增设了外语讲解服务，方便境外观众了解展品。"
    if "</p>" in text:
        text = text.replace("</p>", f"</p>\n<p>{sentence}</p>", 1)
    else:
        text = text.rstrip("\n") + f"\n\n{sentence}\n"
    path.write_text(text, encoding="utf-8")
    return path


def dir_size(path: Path) -> tuple[int, int]:
    """(bytes, files) below path."""
    total = files = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
            files += 1
    return total, files


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site and counts the body bytes it sends (the server is the browser's only source)."""

    counter: dict[str, int]
    lock: threading.Lock

    def copyfile(self, source, outputfile) -> None:  # type: ignore[override]
        sent = 0
        while chunk := source.read(64 * 1024):
            outputfile.write(chunk)
            sent += len(chunk)
        with self.lock:
            self.counter.setdefault("log", []).append((self.path, sent))  # type: ignore[attr-defined]
            self.counter["bytes"] += sent
            self.counter["requests"] += 1
            self.counter["last"] = time.monotonic()  # type: ignore[assignment]

    def log_message(self, *args) -> None:
        pass


def _quiet_until_stable(counter: dict[str, int], quiet: float = 0.5, limit: float = 10.0) -> None:
    """Wait until no response has been sent for `quiet` seconds."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if time.monotonic() - counter.get("last", 0) >= quiet:
            return
        time.sleep(0.05)


_RESULT_CLOCK = """() => {
  const box = document.querySelector('#yb-search');
  if (!box) return false;
  window.__yb = {t0: 0, t1: 0};
  box.addEventListener('input', () => { if (!window.__yb.t0) window.__yb.t0 = performance.now(); }, true);
  new MutationObserver(() => {
    if (window.__yb.t0 && !window.__yb.t1 && document.querySelector('.pagefind-ui__result-link'))
      window.__yb.t1 = performance.now();
  }).observe(document.body, {childList: true, subtree: true});
  return true;
}"""


def measure_search(site_dir: Path, port: int, queries: tuple[str, ...]) -> dict[str, object]:
    """Per query, in a fresh browser context: bytes fetched for it and ms from typing to the first result."""
    from playwright.sync_api import sync_playwright

    counter: dict[str, int] = {"bytes": 0, "requests": 0, "last": 0}
    handler = type("Handler", (_CountingHandler,), {"counter": counter, "lock": threading.Lock()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(handler, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}/"
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for i, q in enumerate(queries):
                    again = queries[(i + 1) % len(queries)]
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(base, wait_until="load")
                    _quiet_until_stable(counter)
                    if not page.evaluate(_RESULT_CLOCK):
                        raise RuntimeError("no #yb-search box in the page header")
                    first = _one_query(page, counter, q)
                    page.fill("#yb-search input", "")
                    page.wait_for_selector(".pagefind-ui__result", state="detached", timeout=10000)
                    page.evaluate("() => { window.__yb.t0 = 0; window.__yb.t1 = 0; }")
                    later = _one_query(page, counter, again)
                    rows.append({"query": q, **first, "later_query": again,
                                 "later_bytes": later["bytes"], "later_ms": later["ms"]})
                    context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
    return {
        "rows": rows,
        "first_bytes_max": max(r["bytes"] for r in rows),
        "first_ms_median": statistics.median(r["ms"] for r in rows),
        "first_ms_max": max(r["ms"] for r in rows),
        "later_bytes_max": max(r["later_bytes"] for r in rows),
        "later_ms_median": statistics.median(r["later_ms"] for r in rows),
        "later_ms_max": max(r["later_ms"] for r in rows),
    }


def _one_query(page, counter: dict[str, int], q: str) -> dict[str, float]:
    before = counter["bytes"]
    logged = len(counter.setdefault("log", []))  # type: ignore[arg-type]
    page.fill("#yb-search input", q)
    page.wait_for_selector(".pagefind-ui__result", timeout=30000)
    ms = page.evaluate("() => window.__yb.t1 - window.__yb.t0")
    _quiet_until_stable(counter)
    results = page.locator(".pagefind-ui__result").count()
    if os.environ.get("BENCH_DEBUG"):
        log(f"{q}: {counter['log'][logged:]}")  # type: ignore[index]
    return {"bytes": counter["bytes"] - before, "ms": round(ms, 1), "results_shown": results}


# --- one run --------------------------------------------------------------------------------------


@dataclass
class Run:
    """Everything measured for one corpus size."""

    articles: int
    html_inputs: int = 0
    markdown_inputs: int = 0
    summary: str = ""
    build_s: float = 0.0  # the faster of the two cold builds
    build_runs: list[float] = field(default_factory=list)
    build_cores: float = 0.0
    build_maxrss_mb: float = 0.0
    build_tree_rss_mb: float = 0.0
    build_tree_pss_mb: float = 0.0
    trafilatura_s: float = 0.0  # the faster of the two passes
    trafilatura_runs: list[float] = field(default_factory=list)
    trafilatura_html_ok: int = 0
    trafilatura_md_ok: int = 0
    noop_s: float = 0.0
    noop_summary: str = ""
    change_s: float = 0.0  # the faster of two, as the cold build (see change_runs)
    change_runs: list[float] = field(default_factory=list)
    change_summary: str = ""
    warm_change_s: float = 0.0  # the same, in a process that has built once already (as `mkdocs serve`)
    warm_change_summary: str = ""
    mkdocs_s: float = 0.0
    mkdocs_maxrss_mb: float = 0.0
    search_s: float = 0.0
    search_maxrss_mb: float = 0.0
    search_cached_s: float = 0.0
    site_bytes: int = 0
    site_files: int = 0
    search_bytes: int = 0
    article_pages: int = 0
    largest_article_bytes: int = 0
    largest_article: str = ""
    median_article_bytes: int = 0
    search: dict[str, object] = field(default_factory=dict)
    search_error: str = ""

    @property
    def build_rate(self) -> float:
        return self.articles / self.build_s if self.build_s else 0.0

    @property
    def trafilatura_rate(self) -> float:
        return self.articles / self.trafilatura_s if self.trafilatura_s else 0.0

    @property
    def full_s(self) -> float:
        return self.build_s + self.mkdocs_s


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def log(msg: str) -> None:
    print(f"[bench {datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(n: int, workdir: Path, *, browser: bool = True, keep: bool = False) -> Run:
    """Generate an n-article project in workdir and measure it."""
    r = Run(n)
    project = workdir / f"project-{n}"
    if project.exists():
        shutil.rmtree(project)
    log(f"{n} articles: generating the corpus in {project}")
    corpus.make_project(project, n)
    # the copy's code byte-compiled, as pip leaves trafilatura's and as the project's own is after its
    # first run: compiling the package's modules (0.15 s) is installing it, not building the site
    compileall.compile_dir(project / "yearbook", quiet=1)
    seeds = sorted((project / "seeds").iterdir())
    r.markdown_inputs = sum(1 for p in seeds if not p.read_text(encoding="utf-8").lstrip().startswith("---"))
    r.html_inputs = n - r.markdown_inputs
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SITE_URL=f"http://127.0.0.1:{port}/")
    build_cmd = [sys.executable, str(project / "build.py"), "--root", str(project), "--quiet"]

    # The machine's speed drifts by tens of percent within minutes, so the ratio is taken from two
    # rounds, build.py then trafilatura, each round's cold build in its own identical copy: the
    # best time of each (both are listed).
    twin = workdir / f"project-{n}-twin"
    shutil.rmtree(twin, ignore_errors=True)
    shutil.copytree(project, twin, symlinks=True)
    colds: list[ChildRun] = []
    for round_, folder in enumerate((project, twin), 1):
        log(f"build.py, cold cache (round {round_} of 2)")
        cmd = [sys.executable, str(folder / "build.py"), "--root", str(folder), "--quiet"]
        colds.append(run_child(cmd, folder, env))
        log(f"trafilatura.extract on the same files (round {round_} of 2)")
        secs, _, r.trafilatura_html_ok, _, r.trafilatura_md_ok = time_trafilatura(seeds)
        r.trafilatura_runs.append(secs)
    shutil.rmtree(twin, ignore_errors=True)
    cold = min(colds, key=lambda c: c.wall)
    r.build_runs = [c.wall for c in colds]
    r.build_s, r.build_cores = cold.wall, cold.cores
    r.trafilatura_s = min(r.trafilatura_runs)
    r.build_maxrss_mb = max(c.maxrss_mb for c in colds)  # memory: the larger of the two
    r.build_tree_rss_mb = max(c.tree_rss_mb for c in colds)
    r.build_tree_pss_mb = max(c.tree_pss_mb for c in colds)
    r.summary = _last_line(colds[0].stdout)

    log("build.py again, nothing changed")
    noop = run_child(build_cmd, project, env)
    r.noop_s, r.noop_summary = noop.wall, _last_line(noop.stdout)

    # measured twice, the faster taken, as the cold build it is divided by is the faster of two (one
    # sample against a best time read high): the edit, then the edit undone, which is the same work
    # (the article's page, lead and edition change back). Editing the same article again is not: a
    # second sentence in the same place leaves its lead as the first made it, and its edition unmade.
    edited = seeds[len(seeds) // 2]
    original = edited.read_bytes()
    for round_, label in ((1, "one article changed"), (2, "the change undone")):
        log(f"build.py after {label} (round {round_} of 2)")
        if round_ == 1:
            assert change_one_article(seeds) == edited
        else:
            edited.write_bytes(original)
        change = run_child(build_cmd, project, env)
        r.change_runs.append(change.wall)
        r.change_summary = r.change_summary or _last_line(change.stdout)
    r.change_s = min(r.change_runs)

    log("one more article changed, rebuilt in a running process (as under mkdocs serve)")
    warm = run_child([sys.executable, __file__, "--warm-change", str(project)], project, env)
    r.warm_change_s, r.warm_change_summary = _warm_result(warm.stdout)

    log("mkdocs build (runs the search index step)")
    mk = run_child([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")], project, env)
    r.mkdocs_s, r.mkdocs_maxrss_mb = mk.wall, mk.maxrss_mb
    site = project / "site"
    r.site_bytes, r.site_files = dir_size(site)
    r.search_bytes, _ = dir_size(site / "search")
    articles = [(p.stat().st_size, p) for p in (site / "articles").rglob("index.html")]
    if articles:
        r.article_pages = len(articles)
        size, path = max(articles)
        r.largest_article_bytes, r.largest_article = size, path.parent.relative_to(site).as_posix()
        r.median_article_bytes = int(statistics.median(s for s, _ in articles))

    log("search index step alone, re-run on the built site: no cache, then with the build's cache")
    pf = run_child([sys.executable, "-c", INDEX_STEP, str(site)], project, env)
    r.search_s, r.search_maxrss_mb = pf.wall, pf.maxrss_mb
    cached = run_child([sys.executable, "-c", INDEX_STEP, str(site), str(project / ".build" / "cache" / "search")],
                       project, env)
    r.search_cached_s = cached.wall

    if browser:
        log("search in chromium")
        try:
            r.search = measure_search(site, port, QUERIES)
        except Exception as exc:  # reported in the table; the other numbers still count
            r.search_error = f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200]}"
            log(f"search not measured: {r.search_error}")
    if not keep:
        shutil.rmtree(project, ignore_errors=True)
    return r


def warm_change(root: Path) -> None:
    """In this process: build (nothing changed), change one article, build again; print the second build's time.

    `mkdocs serve` calls the same build() in its own long-running process, so an editor's rebuild after
    saving an article pays neither interpreter start-up nor imports: this is the wait they see.
    """
    sys.path.insert(0, str(root))
    from yearbook import pipeline

    pipeline.build(root, quiet=True)
    seeds = sorted((root / "seeds").iterdir())
    change_one_article(seeds, len(seeds) // 3)
    started = time.perf_counter()
    result = pipeline.build(root, quiet=True)
    print(f"warm-change {time.perf_counter() - started:.4f}\t{result.summary}")


def _warm_result(stdout: str) -> tuple[float, str]:
    for line in stdout.splitlines():
        if line.startswith("warm-change "):
            seconds, summary = line.removeprefix("warm-change ").split("\t", 1)
            return float(seconds), summary
    raise RuntimeError(f"the warm rebuild printed no time: {stdout[-300:]!r}")


# --- per-stage timing (for finding hotspots) -----------------------------------------------------

STAGES = (  # (module in yearbook, function): wall time is summed per function; nested ones overlap
    ("read", "seed_paths"), ("pipeline", "_process_all"), ("pipeline", "_merge_duplicates"),
    ("reconcile", "reconcile"), ("render", "render_site"), ("charts", "catalogue"), ("render_en", "render"),
    ("feeds", "render_feeds"), ("render", "edition_digests"), ("dataset", "edition_json"),
    ("dataset", "edition_csv"), ("writer", "commit"),
)


def stage_timer(root: Path, cold: bool) -> None:
    """In this process: import the project's yearbook, wrap each stage with a wall clock, build, print."""
    import functools
    import importlib

    sys.path.insert(0, str(root))
    if cold:
        shutil.rmtree(root / ".build" / "cache", ignore_errors=True)
    started = time.perf_counter()
    pipeline = importlib.import_module("yearbook.pipeline")
    imports = time.perf_counter() - started
    times: dict[str, float] = {}

    def wrap(module: object, name: str, label: str) -> None:
        func = getattr(module, name)

        @functools.wraps(func)
        def timed(*args: object, **kwargs: object) -> object:
            t = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                times[label] = times.get(label, 0.0) + time.perf_counter() - t

        setattr(module, name, timed)

    for mod_name, func_name in STAGES:
        try:
            wrap(importlib.import_module(f"yearbook.{mod_name}"), func_name, f"{mod_name}.{func_name}")
        except (ImportError, AttributeError):
            continue
    t = time.perf_counter()
    result = pipeline.build(root, quiet=True)
    total = time.perf_counter() - t
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'cold' if cold else 'no-op'} build of {len(result.articles)} articles: imports {imports:.2f} s, "
          f"build {total:.2f} s ({result.written} files written), peak RSS of the main process {peak:,.0f} MB")
    for label, secs in sorted(times.items(), key=lambda kv: -kv[1]):
        print(f"  {label:28s} {secs:7.2f} s  {100 * secs / total:5.1f} %")


def stages(n: int, workdir: Path) -> None:
    """Per-stage wall times of a cold and a no-op build of an n-article corpus, each in a fresh interpreter."""
    project = workdir / f"stages-{n}"
    if project.exists():
        shutil.rmtree(project)
    corpus.make_project(project, n)
    for mode in ("cold", "noop"):
        subprocess.run([sys.executable, __file__, "--stage-timer", str(project), mode], check=True)


# --- reporting ------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        ram = f"{kb / 2**20:.1f} GB"
    except (OSError, AttributeError):
        ram = "?"
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"cores (nproc)": str(os.cpu_count()), "CPU": cpu, "RAM": ram,
            "Python": platform.python_version(), "OS": platform.platform(terse=True),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "load average at start": load}


def _kb(b: float) -> str:
    return f"{b / 1024:,.1f} KB"


def _mb(b: float) -> str:
    return f"{b / 2**20:,.1f} MB"


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def _written(summary: str) -> str:
    if summary.startswith("unchanged"):
        return "skipped: inputs unchanged"
    m = re.search(r"(\d+) files written, (\d+) removed", summary)
    return f"{m.group(1)} files written" if m else (summary[:60] or "no summary")


def _runs(seconds: list[float]) -> str:
    return " / ".join(f"{x:.1f}" for x in seconds) + " s"


def rows_for(r: Run) -> list[tuple[str, str, str]]:
    """(measure, value, target) rows for one run."""
    s = r.search
    rows = [
        ("articles (front matter + HTML / bare Markdown)",
         f"{r.articles:,} ({r.html_inputs:,} / {r.markdown_inputs:,})", ""),
        ("build.py, cold cache (best of two rounds)", f"{r.build_s:.1f} s = {r.build_rate:,.0f} articles/s "
         f"({_runs(r.build_runs)})", ""),
        ("trafilatura.extract, same files, 1 process (best of two rounds)",
         f"{r.trafilatura_s:.1f} s = {r.trafilatura_rate:,.0f} articles/s ({_runs(r.trafilatura_runs)}; text from "
         f"{r.trafilatura_html_ok}/{r.html_inputs} HTML, {r.trafilatura_md_ok}/{r.markdown_inputs} Markdown)", ""),
        ("ratio build.py / trafilatura (articles/s)",
         f"{r.build_rate / r.trafilatura_rate:.2f}×" if r.trafilatura_rate else "–", "≥ 1× (aim 2×)"),
        ("build.py CPU time / wall time", f"{r.build_cores:.2f} cores", "uses both cores"),
        ("build.py peak memory: RSS of the largest process / RSS summed over all processes / PSS summed",
         f"{r.build_maxrss_mb:,.0f} MB / {r.build_tree_rss_mb:,.0f} MB / {r.build_tree_pss_mb:,.0f} MB",
         "< 1 GB at 10,000"),
        ("no-op rebuild", f"{r.noop_s:.2f} s = {_pct(r.noop_s, r.build_s)} ({_written(r.noop_summary)})", "≤ 5 %"),
        ("one-article-changed rebuild (best of two)", f"{r.change_s:.2f} s = {_pct(r.change_s, r.build_s)} "
         f"({' / '.join(f'{x:.2f}' for x in r.change_runs)} s; {_written(r.change_summary)})", "≤ 10 %"),
        ("the same, in a running process (as `mkdocs serve` rebuilds)",
         f"{r.warm_change_s:.2f} s = {_pct(r.warm_change_s, r.build_s)} ({_written(r.warm_change_summary)})", ""),
        ("mkdocs build (incl. the search index)", f"{r.mkdocs_s:.1f} s (peak RSS of MkDocs or a worker, the larger: "
         f"{r.mkdocs_maxrss_mb:,.0f} MB)", ""),
        ("of which the search index (re-run alone)", f"{r.search_s:.1f} s (peak RSS "
         f"{r.search_maxrss_mb:,.0f} MB); {r.search_cached_s:.1f} s with the pages' records cached", ""),
        ("full site: build.py + mkdocs build", f"{r.full_s:.1f} s", "a few minutes at 10,000"),
        ("site size", f"{_mb(r.site_bytes)} in {r.site_files:,} files (search index {_mb(r.search_bytes)})", ""),
        ("article page HTML, largest / median", f"{_kb(r.largest_article_bytes)} / {_kb(r.median_article_bytes)} "
         f"({r.article_pages:,} pages)", "< 60 KB at 10,000"),
    ]
    if s:
        rows += [
            ("search, first query: bytes fetched (max)", _kb(float(s["first_bytes_max"])), "< 500 KB"),
            ("search, first query: typing → first result (median / max)",
             f"{s['first_ms_median']:.0f} / {s['first_ms_max']:.0f} ms", "≤ 500 ms"),
            ("search, later query: bytes (max) and ms (median / max)",
             f"{_kb(float(s['later_bytes_max']))}; {s['later_ms_median']:.0f} / {s['later_ms_max']:.0f} ms", ""),
        ]
    else:
        rows.append(("search", f"not measured: {r.search_error or 'skipped (--no-browser)'}", ""))
    return rows


def table(runs: list[Run]) -> str:
    """Markdown table with one value column per run, plus the growth ratio when there are two."""
    per_run = [rows_for(r) for r in runs]
    head = "| measure | " + " | ".join(f"{r.articles:,} articles" for r in runs) + " | target |"
    lines = [head, "|" + "---|" * (len(runs) + 2)]
    for i, (name, _, target) in enumerate(per_run[0]):
        values = [rows[i][1] if i < len(rows) else "" for rows in per_run]
        lines.append(f"| {name} | " + " | ".join(values) + f" | {target} |")
    if len(runs) == 2:
        small, large = runs
        scale = large.articles / small.articles
        lines.append(f"| full site time, {large.articles:,} / {small.articles:,} | "
                     f"{large.full_s / small.full_s:.1f}× for {scale:.0f}× the articles | | ≤ {scale * 1.1:.0f}× |")
        lines.append(f"| build.py time, {large.articles:,} / {small.articles:,} | "
                     f"{large.build_s / small.build_s:.1f}× | | |")
    return "\n".join(lines)


def search_table(r: Run) -> str:
    rows = r.search.get("rows", []) if r.search else []
    if not rows:
        return ""
    lines = ["| query | results shown | first query: bytes | ms | then | bytes | ms |", "|---|---|---|---|---|---|---|"]
    for row in rows:  # type: ignore[union-attr]
        lines.append(f"| {row['query']} | {row['results_shown']} | {_kb(row['bytes'])} | {row['ms']:.0f} | "
                     f"{row['later_query']} | {_kb(row['later_bytes'])} | {row['later_ms']:.0f} |")
    return "\n".join(lines)


def section(runs: list[Run], info: dict[str, str], wall: float) -> str:
    n = runs[-1].articles
    machine_line = "; ".join(f"{k}: {v}" for k, v in info.items())
    parts = [
        f"<!-- bench:{n} -->",
        f"## {n:,} articles" + (f" (with a {runs[0].articles:,}-article baseline in the same run)"
                                 if len(runs) == 2 else ""),
        "",
        f"Machine: {machine_line}. Benchmark wall time {wall / 60:.1f} min.",
        "",
        table(runs),
        "",
    ]
    for r in runs:
        st = search_table(r)
        if st:
            parts += [f"Search at {r.articles:,} articles (each first query in a fresh browser context, served by "
                      "Python's http.server on 127.0.0.1, no compression):", "", st, ""]
        parts += [f"build summary at {r.articles:,}: `{r.summary}`", ""]
    parts.append(f"<!-- /bench:{n} -->")
    return "\n".join(parts)


RESULTS_HEAD = """# Benchmark results

Made by `benchmarks/bench.py` (`make bench`: 1,000 articles; `make bench-large`: 10,000 with a 1,000 baseline).
The corpus is generated from the five seeds by `benchmarks/corpus.py` (deterministic; every article distinct).
How to read it:
- *build.py* is read → clean → classify → extract → reconcile → render → write, from a cold cache (no .build/:
  every article processed, every template compiled), as a child process (interpreter start-up and imports
  included; the copied package is byte-compiled first, as an installed one is, since 2026-12-06 19:45).
  *trafilatura.extract* runs in the benchmark process on the same files, one process, import excluded: the
  HTML part of front matter + HTML files (trafilatura returns nothing when the YAML front matter is left in
  front), bare Markdown as it is (it returns nothing for those; counted in the row). Since 2026-12-06 19:50
  both are measured twice, in two rounds (build.py, then trafilatura; the second cold build in an identical
  copy of the project), and the ratio is of the best times: the machine's speed drifts within minutes.
- *Peak memory*: largest single process from `wait4` (ru_maxrss), and the largest sampled sums over build.py and
  its worker processes (every 0.2 s from /proc): of RSS, which counts a page shared by forked workers once per
  process, and of PSS (smaps_rollup), which splits a shared page between its processes: the memory really held.
- *mkdocs build* converts Markdown and renders the theme on both cores (yearbook/prerender.py) and runs the
  search index step in its `on_post_build` hook (yearbook/search_index.py); the step is re-run alone afterwards to
  show its share, once without and once with its page cache.
- *Search*: chromium opens the home page, then `page.fill('#yb-search input', q)` (focus and typing at the same
  instant, so nothing is preloaded); the time is measured in the page, from the input event to the first result
  link (`.pagefind-ui__result-link`, a result with its title) in the DOM. Bytes are the response bodies the
  server sent after the page had loaded, until 0.5 s of quiet.
- Numbers taken while other work ran on the machine are noisy (load average at start is listed).
"""


def write_results(text: str, n: int, path: Path = RESULTS) -> None:
    """Replace (or add) the section for this corpus size in RESULTS.md, keeping the others."""
    old = path.read_text(encoding="utf-8") if path.exists() else RESULTS_HEAD
    pattern = re.compile(rf"<!-- bench:{n} -->.*?<!-- /bench:{n} -->", re.S)
    new = pattern.sub(lambda _: text, old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + text
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=None,
                        help="also run this size first and report the growth (default: 1000 when --articles ≥ 5000)")
    parser.add_argument("--workdir", type=Path, default=None, help="where the projects go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--no-browser", action="store_true", help="skip the search measurement")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--json", type=Path, default=None, help="also dump the raw numbers here")
    parser.add_argument("--stages", action="store_true",
                        help="only print per-stage wall times of a cold and a no-op build.py (hotspot hunting)")
    parser.add_argument("--stage-timer", nargs=2, metavar=("ROOT", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--warm-change", type=Path, metavar="ROOT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.warm_change:
        warm_change(args.warm_change)
        return 0
    if args.stage_timer:
        stage_timer(Path(args.stage_timer[0]), args.stage_timer[1] == "cold")
        return 0
    if args.stages:
        with tempfile.TemporaryDirectory(prefix="yb-stages-") as tmp:
            stages(args.articles, args.workdir or Path(tmp))
        return 0
    baseline = args.baseline if args.baseline is not None else (1000 if args.articles >= 5000 else 0)
    sizes = [baseline, args.articles] if 0 < baseline < args.articles else [args.articles]
    browser = not args.no_browser and Path(CHROMIUM).exists()
    info = machine()
    started = time.perf_counter()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="yb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        runs = [run(n, workdir, browser=browser, keep=args.keep) for n in sizes]
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    text = section(runs, info, time.perf_counter() - started)
    print(text)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.no_write:
        write_results(text, args.articles)
        log(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
