"""The build, top to bottom: read → clean → classify → extract → reconcile → render → write.

`build()` is the one entry point; build.py and the MkDocs hook both call it. Per-article work
(clean, classify, extract) is cached by content hash and fanned out over the CPU cores when
there is enough of it; everything after that is cheap and runs once over the whole corpus.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
import shutil
import sys
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from . import classify, extract, feeds, forked, patterns, read, reconcile, render, stamp, topics, writer
from .records import Article, Claim, Classification, Diagnostic, Edition, Figure, Removal, Source

PACKAGE_DIR = Path(__file__).resolve().parent
PARALLEL_THRESHOLD = 400  # below this, process start-up costs more than it saves
# the removals the build report lists one by one (render's report counts the others by kind)
REPORTED_REMOVALS = frozenset({"off_topic", "caption_moved", "furniture", "editor_line", "end_marker"})
BEIJING = timezone(timedelta(hours=8))


@dataclass
class Processed:
    """Everything the per-article stages learned about one source."""

    article: Article
    classification: Classification
    figures: list[Figure]
    claims: list[Claim]
    firsts: list[str]
    topics: list[str]
    page: str = ""  # the article's rendered page, until it is stored in page_file
    # What the corpus-level stages need of the article's text, so that the text itself (and the
    # page) can stay on disk: at 10,000 articles holding them costs more than a gigabyte.
    page_file: str = ""  # the rendered page in the cache; the writer links it into docs/
    text_chars: int = 0
    topic_counts: dict[str, int] = field(default_factory=dict)
    lead: str = ""  # the first paragraph, for feeds
    fingerprint: str = ""  # the text without punctuation or spaces, hashed: finds duplicates
    has_words: bool = True
    # the cache key of the source (its bytes, path and page id under this code, data and templates)
    source_key: str = ""
    removal_kinds: tuple[str, ...] = ()  # of every removal (the slim record keeps the reported ones)
    # what the outputs about an edition can show of the article (see view_key()): what render keys
    # those outputs by (render.edition_digests)
    view_key: str = ""
    figures_key: str = ""  # of its figures alone: what reconcile ranks (render.figure_digests)


@dataclass
class BuildResult:
    articles: list[Processed]
    editions: list[Edition]
    diagnostics: list[Diagnostic]
    skipped: list[str]  # seed paths that produced no page
    files_total: int
    written: int = 0
    deleted: int = 0
    seconds: float = 0.0
    summary: str = ""
    cache_dir: Path | None = None  # where render keeps the pages it can reuse (None: keep none)
    # per edition, the digest of the figures given for it, and the editions without one (see
    # render.figure_digests): made for reconcile's kept choices, read again by render's page cache
    figure_digests: tuple[dict[int, str], set[int]] | None = None

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level in ("warning", "error")]

    @property
    def data_errors(self) -> list[Diagnostic]:
        """Errors in the editors' data files (not in articles): these fail every build."""
        return [d for d in self.diagnostics if d.level == "error" and d.path.startswith("data/")]


def build(root: Path, docs_dir: Path | None = None, *, jobs: int | None = None, quiet: bool = False,
          fingerprint: str | None = None) -> BuildResult:
    """Build the generated part of docs/ from seeds/, data/ and templates/ (`fingerprint`: the
    inputs' stamp, if the caller took it before deciding to build)."""
    started = time.perf_counter()
    root = root.resolve()
    docs_dir = (docs_dir or root / "docs").resolve()
    fingerprint = fingerprint or stamp.inputs(root, docs_dir)
    seed_dir = root / "seeds"
    data_dir = root / "data"

    paths, diagnostics = read.seed_paths(seed_dir)
    files_total = len(paths)
    cache_dir = _cache_dir(root)
    render.drop_stale_environments(root)  # (the article pages are made from here on)
    with _settled_heap(), contextlib.ExitStack() as at_end:
        entries = _process_all(paths, seed_dir, root, cache_dir, jobs, at_end)
        sources: list[str] = []  # the files that could be read
        processed: list[Processed] = []
        for ref, diags, p in entries:
            diagnostics.extend(diags)
            if ref is not None:
                sources.append(ref)
            if p is not None:
                processed.append(p)
        processed = _unique_stems(processed, seed_dir, root, diagnostics)
        processed = _drop_unusable(processed, diagnostics)
        processed, dup_diags = _merge_duplicates(processed, seed_dir, root)
        diagnostics.extend(dup_diags)
        for p in processed:
            diagnostics.extend(p.article.diagnostics)

        overrides, override_diags = reconcile.load_overrides(
            data_dir / "overrides.yml", known_articles={p.article.stem for p in processed}
        )
        diagnostics.extend(override_diags)
        on_topic = [p for p in processed if p.classification.edition is not None]
        assignments = {p.article.stem: p.classification.edition for p in on_topic}
        figure_digests = render.figure_digests(on_topic)
        kept = reconcile.KeptChoices(cache_dir / "choices", figure_digests[0])
        editions = reconcile.reconcile(
            assignments,
            [f for p in on_topic for f in p.figures],
            [c for p in on_topic for c in p.claims],
            {p.article.stem: p.firsts for p in on_topic},
            overrides,
            kept,
        )
        kept.prune()

        published_paths = {p.article.path for p in processed}
        published_paths |= {s for p in processed for s, _ in p.article.also_found_in}
        seed_paths = sorted({d.path for d in diagnostics} | set(sources))
        skipped = [path for path in seed_paths if path not in published_paths and _is_seed_file(path, seed_dir)]

        result = BuildResult(
            articles=processed,
            editions=editions,
            diagnostics=_sorted_diagnostics(diagnostics),
            skipped=skipped,
            files_total=files_total,
            cache_dir=cache_dir,
            figure_digests=figure_digests,
        )
        result.summary = (  # the report page shows this much; the write statistics are added below
            f"{files_total} files in seeds/: {len(published_paths)} published as {len(processed)} article pages "
            f"({len(processed) - len(on_topic)} not about the fair), {len(skipped)} skipped; "
            f"{len(editions)} editions; {len(result.warnings)} warnings"
        )
        generation = writer.Generation(docs_dir)
        render.render_site(result, root, emit=generation.add)
        result.written, result.deleted = generation.publish()
        _drop_other_caches(cache_dir)
        patterns.save()
        result.seconds = time.perf_counter() - started
        result.summary += f"; {result.written} files written, {result.deleted} removed in {result.seconds:.2f} s"
        stamp.save(root, docs_dir, fingerprint, result.summary, [d.line() for d in result.warnings],
                   [d.line() for d in result.data_errors])
        if not quiet:
            print(report_text(result), file=sys.stderr)
    return result


def report_text(result: BuildResult) -> str:
    lines = ["Build report", "============"]
    for d in result.diagnostics:
        lines.append(d.line())
    for p in result.articles:
        for r in p.article.removals:
            if r.kind in REPORTED_REMOVALS:
                lines.append(f"REMOVED {p.article.path}: {r.kind}: {_first_line(r.text)}")
    lines.append(result.summary)
    return "\n".join(lines)


def _first_line(text: str, limit: int = 60) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --- per-article stages -------------------------------------------------------------------


def process(source: Source, root: Path) -> Processed:
    """clean → classify → extract → article page for one source; depends only on the source and
    the project's code, data and templates (which key the cache)."""
    # imported here, not with the module: lxml and the cleaner's rules are for the process that
    # cleans, which in a one-edit rebuild is the child forked to do it (see _Ahead), not this one
    from . import clean

    article = clean.clean(source)
    if article.published is not None and article.published > datetime.now(UTC) + timedelta(days=1):
        article.diagnostics.append(
            Diagnostic(source.path, "warning", f"date {article.published.date().isoformat()} lies in the future",
                       "ignored it and inferred the date from the text")
        )
        article.published = None
    classification = classify.classify(article)
    others = [y for y in classification.mentioned_editions if y != classification.edition]
    if classification.edition is not None and others:
        article.diagnostics.append(
            Diagnostic(source.path, "info", f"mentions the {', '.join(map(str, others))} editions too",
                       f"assigned to {classification.edition} ({classification.reason}); figures about the "
                       "other editions are kept as retrospective")
        )
    if article.published is None and classification.inferred_date is None:
        article.diagnostics.append(
            Diagnostic(source.path, "warning", "has no publication date in its front matter or its text",
                       "published without a date")
        )
    elif article.published is None and classification.inferred_date is not None:
        d = classification.inferred_date
        article.published = datetime(d.year, d.month, d.day, tzinfo=BEIJING)
        article.published_inferred = True
        article.diagnostics.append(
            Diagnostic(source.path, "info", "has no publication date", f"inferred {d.isoformat()} from the text")
        )
    figures: list[Figure] = []
    claims: list[Claim] = []
    firsts: list[str] = []
    if classification.edition is not None:
        pub = article.published.astimezone(BEIJING).date() if article.published else None
        figures, claims = extract.extract(article, classification.edition, pub)
        firsts = extract.firsts(article)
    elif not article.diagnostics or all(d.level == "info" for d in article.diagnostics):
        article.diagnostics.append(
            Diagnostic(source.path, "warning", f"is not about the fair ({classification.reason})",
                       "published as an article without an edition; no figures taken from it")
        )
    counted = topics.counts(article.text)
    processed = Processed(article, classification, figures, claims, firsts, topics.tag(article, counted),
                          topic_counts=counted)
    processed.page = render.article_page(processed, root)
    return processed


def _cache_dir(root: Path) -> Path:
    """The cache of this code, data and templates: a change to any of them starts a new one."""
    return root / ".build" / "cache" / _code_fingerprint(root)


_CACHE_NAME = patterns.compile(r"[0-9a-f]{16}")


def _drop_other_caches(cache_dir: Path) -> None:
    """Caches of other code, data or templates are never read again, and each holds a page per
    article (100 MB at 10,000): an editor tuning data/metrics.yml would fill the disk. The pages
    published from them are hard links, so docs/ keeps them."""
    try:
        siblings = [p for p in cache_dir.parent.iterdir() if p != cache_dir and _CACHE_NAME.fullmatch(p.name)]
    except OSError:
        return
    for old in siblings:
        shutil.rmtree(old, ignore_errors=True)


def _code_fingerprint(root: Path) -> str:
    h = hashlib.sha256()
    inputs = [*sorted(PACKAGE_DIR.glob("*.py")), *sorted((root / "data").glob("*")),
              *sorted((root / "templates").rglob("*.j2"))]
    for path in inputs:
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


Entry = tuple[str | None, list[Diagnostic], Processed | None]  # (path read, read diagnostics, result)


def _process_all(paths: list[Path], seed_dir: Path, root: Path, cache_dir: Path, jobs: int | None,
                 at_end: contextlib.ExitStack) -> list[Entry]:
    """Read and process every seed file, over all cores when there is enough work.

    Workers read the files themselves and write the pages to the cache, so the main process never
    holds an article's text: it gets back the slim record the corpus stages need. The index may
    still be being written when this returns: `at_end` waits for it."""
    stats = {path: _stat(path) for path in paths}
    rels = {path: read.relative(path, seed_dir) for path in paths}
    work = functools.partial(_read_and_process, seed_dir=seed_dir, root=root, cache_dir=cache_dir)
    jobs = jobs or os.cpu_count() or 1
    with contextlib.suppress(OSError):  # a read-only checkout builds without its cache
        cache_dir.mkdir(parents=True, exist_ok=True)
    ahead = _Ahead.start(paths, stats, rels, cache_dir, work) if jobs > 1 else None
    index = _load_index(cache_dir)
    results: dict[Path, Entry] = {}
    todo = []
    listed = _listing(cache_dir)
    for path in paths:
        known = index.get(rels[path])
        if known is not None and known[0] == stats[path] and _pages_exist(known[1], listed):
            results[path] = known[1]
        else:
            todo.append(path)
    processed_ahead = ahead.finish() if ahead is not None else {}
    for path in todo:
        if path in processed_ahead:
            results[path] = processed_ahead[path]
    todo_here = [path for path in todo if path not in processed_ahead]
    # a file that was touched but not changed, or moved, is found by its content key; forked
    # workers see this table as it is, so nothing is sent to them but the paths
    if todo_here:
        _KNOWN.update(_by_content(index))
    try:
        if jobs > 1 and len(todo_here) >= PARALLEL_THRESHOLD:
            chunks = _chunks(todo_here, jobs)
            # the records come back unpickled, none of them garbage: the collector walking them
            # took 2.4 s of the main process at 10,000 articles, on a core the workers needed
            # (workers are forked inside the pause, and collect as usual)
            with _collector_paused():
                running = forked.Jobs([functools.partial(_work_through, work, chunk) for chunk in chunks], jobs)
                by_chunk = dict(running.results())
                gc.freeze()  # (see _settled_heap)
            done = [entry for i in range(len(chunks)) for entry in by_chunk.pop(i)]
        else:
            done = [work(path) for path in todo_here]
    finally:
        _KNOWN.clear()
    results.update(zip(todo_here, done, strict=True))
    dirty = {_shard(rels[path]) for path in todo} | {_shard(rel) for rel in index.keys() - set(rels.values())}
    if dirty:
        rows = {rels[path]: (stats[path], results[path]) for path in paths}
        at_end.callback(_hold_index, cache_dir, _reusable(rows))  # (run last first: after the writer)
        if len(dirty) >= _INDEX_SHARDS // 4 and jobs > 1:
            # pickling 10,000 records took 0.7 s of a cold build, while the other core idled
            # through reconcile: a forked child writes them from its copy of the heap instead
            writing = forked.Jobs([functools.partial(_save_index, cache_dir, rows, dirty)], workers=1)
            at_end.callback(_index_written, writing)
        else:
            _save_index(cache_dir, rows, dirty)
    return [results[path] for path in paths]


def _chunks(paths: list[Path], workers: int) -> list[list[Path]]:
    """The files in the portions forked workers take from their queue: an eighth of what is left
    per worker at first, single files at the end, so that no core idles while the other finishes
    a large portion (a few dozen portions at any size: each is one message back)."""
    smallest = 1
    while True:
        out: list[list[Path]] = []
        i = 0
        while i < len(paths):
            size = max(smallest, (len(paths) - i) // (workers * 4))
            out.append(paths[i:i + size])
            i += size
        if len(out) <= forked.MAX_JOBS:  # (many workers: larger last portions)
            return out
        smallest *= 2


def _work_through(work: Callable[[Path], Entry], chunk: list[Path]) -> list[Entry]:
    gc.enable()  # (forked while the parent's collector is paused)
    return [work(path) for path in chunk]


# The index: what every seed file gave, by path, with the file's size, mtime, inode and mode (the
# record holds its content key). An unchanged file is not even opened on the next build; a touched or renamed
# one is read and found by its content key. At 10,000 articles one pickle loads far faster than
# 10,000 (and creating a file costs ~0.3 ms here: one per article is enough, the page). It is
# kept in shards by path, so a rebuild after one change writes 1/64 of it (60 MB at 10,000).
_INDEX_SHARDS = 64
_KNOWN: dict[str, Entry] = {}
IndexRow = tuple[tuple[int, ...] | None, Entry]  # (stat, what the file gave)
# The index as this process last read or wrote it, with the shard files' stat at that moment:
# `mkdocs serve` builds again and again in one process, and unpickling the index cost 1.2 s of
# every rebuild at 10,000 articles. Used while the shards on disk are still those files, so it
# is exactly what loading them would give (the records are never changed after they are made).
_HELD: dict[Path, tuple[tuple[tuple[int, int, int] | None, ...], dict[str, IndexRow]]] = {}


def _shard(rel: str) -> int:
    return zlib.crc32(rel.encode("utf-8")) % _INDEX_SHARDS


def _stat(path: Path) -> tuple[int, ...] | None:
    try:
        st = os.lstat(str(path))  # not Path.lstat: its wrapping cost as much as the call, 10,000 times a build
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode  # mode: a file made readable again


def _listing(cache_dir: Path) -> frozenset[str]:
    """The paths of the cache's files, read once: one listing instead of a stat per cached page."""
    folder = str(cache_dir)
    try:
        return frozenset(os.path.join(folder, name) for name in os.listdir(folder))
    except OSError:
        return frozenset()


def _pages_exist(entry: Entry, listed: frozenset[str] | None = None) -> bool:
    """Whether the entry's page is still in the cache (`listed`: _listing() of the cache)."""
    p = entry[2]
    if p is None or not p.page_file:
        return True
    return p.page_file in listed if listed is not None else os.path.isfile(p.page_file)


@contextlib.contextmanager
def _settled_heap():
    """Every article's record lives until the build ends: at 10,000 articles the cyclic collector
    walked those millions of objects again and again (0.9 s of a one-article rebuild). Frozen, it
    looks only at what the corpus stages allocate; unfrozen after. Whatever is frozen must not be
    garbage: `mkdocs serve` builds again and again in one process, and a previous build's records
    left in a reference cycle would be frozen for good (tests/test_pipeline.py checks that a build
    leaves none; collecting here instead walked all of MkDocs' heap on every rebuild)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _collector_paused():
    """Pickling allocates one small object after another, none of them garbage: a collection
    every 700 of them walks all that were made before (half the time of loading the index)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _shard_path(cache_dir: Path, i: int) -> Path:
    return cache_dir / f"index-{i:02d}.pickle"


def _shard_files(cache_dir: Path) -> tuple[tuple[int, int, int] | None, ...]:
    out = []
    for i in range(_INDEX_SHARDS):
        try:
            st = os.stat(_shard_path(cache_dir, i))
        except OSError:
            out.append(None)
        else:
            out.append((st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(out)


def _reusable(index: dict[str, IndexRow]) -> dict[str, IndexRow]:
    """The rows a later build may take as they are: not a record holding its page in memory (the
    cache could not be written), as render empties it once the page is out."""
    return {rel: row for rel, row in index.items() if row[1][2] is None or not row[1][2].page}


def _hold_index(cache_dir: Path, index: dict[str, IndexRow]) -> None:
    """Keep the index for the next build in this process, with the shard files it matches (see _HELD)."""
    _HELD.clear()
    _HELD[cache_dir] = (_shard_files(cache_dir), index)


def _load_index(cache_dir: Path) -> dict[str, IndexRow]:
    """The index this process holds while its shard files are unchanged, else the files' (then held)."""
    files = _shard_files(cache_dir)  # before reading: a shard rewritten meanwhile is read again next time
    held = _HELD.get(cache_dir)
    if held is not None and held[0] == files:
        return held[1]
    _HELD.clear()
    index: dict[str, IndexRow] = {}
    with _collector_paused():
        for i in range(_INDEX_SHARDS):
            index.update(_read_shard(cache_dir, i))  # (a missing or broken shard: its files are read again)
        gc.freeze()  # before the collector runs again, or its first pass walks all of it (see _settled_heap)
    _HELD[cache_dir] = (files, index)
    return index


def _read_shard(cache_dir: Path, i: int) -> dict[str, IndexRow]:
    rows = writer.read_kept(_shard_path(cache_dir, i))
    return rows if isinstance(rows, dict) else {}


def _by_content(rows: dict[str, IndexRow]) -> dict[str, Entry]:
    """The entries of index rows by their content key: how a touched or moved file is found."""
    return {entry[2].source_key: entry for _, entry in rows.values() if entry[2] is not None}


def _index_written(writing: forked.Jobs) -> None:
    """Wait for the child writing the index; say so if it failed (the build itself stands)."""
    try:
        for _ in writing.results():
            pass
    except forked.ForkedJobError as exc:
        print(f"warning: the cache index could not be written ({str(exc).strip().splitlines()[-1]}): "
              "the next build reads every seed file again", file=sys.stderr)


def _save_index(cache_dir: Path, index: dict[str, IndexRow], shards: set[int]) -> None:
    rows: dict[int, dict[str, IndexRow]] = {i: {} for i in shards}
    for rel, row in index.items():
        shard = rows.get(_shard(rel))
        if shard is not None:
            shard[rel] = row
    try:
        for i, shard in sorted(rows.items()):
            with _collector_paused():
                data = pickle.dumps(shard, protocol=pickle.HIGHEST_PROTOCOL)
            writer.write_atomic(_shard_path(cache_dir, i), data)
        writer.keep(cache_dir / _STATS, {rel: row[0] for rel, row in index.items()})
    except OSError:
        pass


# The stat of every file the index holds, alone: read in a millisecond where the index takes a
# tenth of a second at 1,000 articles, it says which files changed before the index is read.
_STATS = "index-stats.pickle"


class _Ahead:
    """The files changed since the last build, processed by a forked child while this process reads
    the index: after one edit the two took about as long (0.07 and 0.09 s at 1,000 articles), one
    after the other on one core while the other idled. The child sends back the entries it made
    (the pages are in the cache); anything it could not do is done here, as before."""

    def __init__(self, jobs: forked.Jobs) -> None:
        self.jobs = jobs

    @classmethod
    def start(cls, paths: list[Path], stats: dict[Path, tuple[int, ...] | None], rels: dict[Path, str],
              cache_dir: Path, work: functools.partial) -> _Ahead | None:
        """Fork when a few files changed and the index must be read from disk (with the index held
        in memory, as under `mkdocs serve`, there is nothing to overlap)."""
        held = _HELD.get(cache_dir)
        if held is not None and held[0] == _shard_files(cache_dir):
            return None
        known = writer.read_kept(cache_dir / _STATS)
        if not isinstance(known, dict):
            return None  # a cold build: the workers do the work
        changed = [path for path in paths if known.get(rels[path], ()) != stats[path]]
        if not changed or len(changed) >= PARALLEL_THRESHOLD or threading.active_count() > 1 or not hasattr(os, "fork"):
            return None  # (forking a process with other threads could copy a held lock)

        def process_changed() -> dict[Path, Entry]:
            # a file touched but not changed is found by its content key in its own shard
            for i in {_shard(rels[path]) for path in changed}:
                _KNOWN.update(_by_content(_read_shard(cache_dir, i)))
            return {path: work(path) for path in changed}

        return cls(forked.Jobs([process_changed], workers=1))

    def finish(self) -> dict[Path, Entry]:
        """The child's entries (none if it failed: this process then makes them)."""
        try:
            with _collector_paused():
                return dict(self.jobs.results()).get(0, {})
        except forked.ForkedJobError:
            return {}


def _read_and_process(path: Path, seed_dir: Path, root: Path, cache_dir: Path) -> Entry:
    source, diags = read.read_file(path, seed_dir)
    if source is None:
        return None, diags, None
    key = _cache_key(source)
    known = _KNOWN.get(key)
    if known is not None and _pages_exist(known):
        return source.path, diags, known[2]
    p = slim(_safe_process(source, root))
    p.source_key = key
    patterns.save()  # a worker's first article compiles the patterns no import did (then: nothing new)
    return source.path, diags, _store(p, cache_dir, key)


def slim(p: Processed) -> Processed:
    """The record without what only the article's own page needs (its text, body and images): what
    the corpus-level stages read of the text is computed here, once, in the worker."""
    a = p.article
    p.text_chars = len(a.text)
    p.lead = feeds.lead(a.text)
    p.fingerprint = hashlib.sha1("".join(_WORDS.findall(a.text)).encode()).hexdigest()
    p.has_words = bool(_WORDS.search(a.text)) or bool(a.images)
    # the images are the page's alone. Of the removals the reports list one by one, the first line
    # (but the text of those an editor should check); of the others (HTML comments, stock links,
    # bylines: seven in ten), only the kind, which the report counts
    p.removal_kinds = tuple(r.kind for r in a.removals)
    removals = [r if r.kind in render.CHECK_REMOVALS else Removal(r.kind, _first_line(r.text))
                for r in a.removals if r.kind in REPORTED_REMOVALS]
    p.article = replace(a, body_markdown="", text="", images=[], lead_image=None, removals=removals)
    p.figures_key = hashlib.sha1(pickle.dumps(_plain(p.figures), protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    p.view_key = view_key(p)
    return p


# What a change of wording alone moves and no output about an edition reads: the source's hash,
# the text's length and topic counts (the topic charts, rendered every build), the duplicate
# fingerprint, the cache's paths and keys. (The figures are in the view key by their own key.)
_NOT_SHOWN = frozenset({"article", "page", "page_file", "source_key", "view_key", "figures", "text_chars",
                        "topic_counts", "fingerprint"})


def view_key(p: Processed) -> str:
    """A digest of everything in a slim record that an output about an edition may show (its figures,
    by figures_key, which is made first; claims, firsts, title, outlet, dates, topics, lead,
    diagnostics, ...). An edit that adds a sentence and changes none of it re-renders the article's
    own page, not its edition's pages, feed and data. Everything not known to be unshown is in it: a
    field added later keys the outputs until it is listed in _NOT_SHOWN."""
    article = {k: _plain(v) for k, v in vars(p.article).items() if k != "content_hash"}
    rest = {k: _plain(v) for k, v in vars(p).items() if k not in _NOT_SHOWN}
    return hashlib.sha1(pickle.dumps((article, rest), protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def _plain(value: object) -> object:
    """A list of NamedTuples (figures, claims, removals, diagnostics) as plain tuples, a date as its
    ISO text: the same digest, pickled three times faster (pickle calls back into Python for each
    NamedTuple and time zone)."""
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        return [tuple(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _full(p: Processed, seed_dir: Path, root: Path) -> Processed:
    """Process an article again, keeping its text: for the rare page that must be re-rendered."""
    source, _ = read.read_file(seed_dir / p.article.path, seed_dir)
    if source is None:
        return p
    full = _safe_process(replace(source, stem=p.article.stem), root)
    full.source_key = p.source_key
    if p.article.also_found_in:
        full.article.also_found_in = p.article.also_found_in
        full.page = render.article_page(full, root)
    return full


def _safe_process(source: Source, root: Path) -> Processed:
    """A bug in one article's processing must not stop the whole build."""
    try:
        return process(source, root)
    except Exception as exc:
        article = Article(stem=source.stem, path=source.path, title="", body_markdown="", text="",
                          content_hash=source.content_hash)
        article.diagnostics.append(
            Diagnostic(source.path, "error", f"could not be processed ({exc.__class__.__name__}: {exc})",
                       "skipped: no page was made")
        )
        return Processed(article, Classification(None, "processing failed"), [], [], [], [])


def _cache_key(source: Source) -> str:
    h = hashlib.sha256(source.content_hash.encode())
    h.update(source.path.encode())
    h.update(source.stem.encode())
    return h.hexdigest()


def _store(p: Processed, cache_dir: Path, key: str) -> Processed:
    """Write the page to the cache (a cache is an optimisation: a read-only checkout still builds,
    keeping the page in memory). The record itself goes back to the main process, into the index."""
    if p.page:
        page = cache_dir / f"{key}.md"
        try:
            writer.write_atomic(page, p.page.encode("utf-8"))
        except OSError:
            return p
        p.page, p.page_file = "", str(page)
    return p


# --- corpus-level checks ------------------------------------------------------------------


def _unique_stems(processed: list[Processed], seed_dir: Path, root: Path,
                  diagnostics: list[Diagnostic]) -> list[Processed]:
    seen: dict[str, str] = {}
    out = []
    for p in processed:
        stem = base = p.article.stem
        n = 2
        while stem in seen:
            stem = f"{base}-{n}"
            n += 1
        if stem != base:
            diagnostics.append(
                Diagnostic(p.article.path, "warning", f"would get the same page name as {seen[base]}",
                           f"published under the page id {stem}")
            )
            # a new record: the one from the index stays as it was made (see _HELD)
            p = slim(_full(replace(p, article=replace(p.article, stem=stem)), seed_dir, root))
        seen[stem] = p.article.path
        out.append(p)
    return out


def _drop_unusable(processed: list[Processed], diagnostics: list[Diagnostic]) -> list[Processed]:
    out = []
    for p in processed:
        a = p.article
        if any(d.level == "error" for d in a.diagnostics):
            continue
        if not p.has_words:
            diagnostics.append(Diagnostic(a.path, "error", "has no article text left after cleaning",
                                          "skipped: no page was made"))
            continue
        out.append(p)
    return out


_WORDS = patterns.compile(r"\w+")  # joined, the text without punctuation or spaces (findall: faster than sub)


def _merge_duplicates(processed: list[Processed], seed_dir: Path,
                      root: Path) -> tuple[list[Processed], list[Diagnostic]]:
    """The same article from two files is published once, listing every source."""
    diags: list[Diagnostic] = []
    by_print: dict[str, Processed] = {}
    others: dict[str, list[tuple[str, str | None]]] = {}  # the first file's stem: the other files and outlets
    out: list[Processed] = []
    for p in processed:
        first = by_print.get(p.fingerprint)
        if first is None:
            by_print[p.fingerprint] = p
            out.append(p)
            continue
        others.setdefault(first.article.stem, []).append((p.article.path, p.article.outlet))
        diags.append(
            Diagnostic(p.article.path, "warning", f"is the same article as {first.article.path}",
                       f"published once, at {first.article.stem}, listing both sources")
        )
    # a page that lists its other sources is rendered again, now that they are known (as a new
    # record: the one from the index stays as it was made, see _HELD)
    return [slim(_full(replace(p, article=replace(p.article, also_found_in=others[p.article.stem])), seed_dir, root))
            if p.article.stem in others else p for p in out], diags


def _is_seed_file(path: str, seed_dir: Path) -> bool:
    return (not path.startswith("/") and (seed_dir / path).exists()) or (seed_dir / path).is_symlink()


def _sorted_diagnostics(diags: list[Diagnostic]) -> list[Diagnostic]:
    order = {"error": 0, "warning": 1, "info": 2}
    unique = list(dict.fromkeys(diags))
    return sorted(unique, key=lambda d: (d.path, order.get(d.level, 3), d.problem))
