"""Write stage: publish the rendered pages into docs/ atomically, touching only what changed.

Generated files live in generations under .build/generated/gen-N/; docs/ holds symlinks
(docs/articles → .build/generated/current/articles, …) and `current` is itself a symlink that
is swapped with one os.replace at the very end. So a build killed at any point leaves the
previous pages in place, and readers of docs/ never see half a build. A file whose bytes did
not change is hard-linked from the previous generation, keeping its inode and mtime, so
`mkdocs serve --dirty` and rsync-style deploys see only real changes. Hand-written files in
docs/ are never touched: only the paths in GENERATED belong to the build.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

GENERATED = (
    "index.md", "about.md", "tags.md", "404.md", "robots.txt", "articles", "years", "compare", "topics",
    "timeline", "data", "report", "en", "feeds", "assets/charts",
)


def is_generated(rel: str) -> bool:
    return any(rel == g or rel.startswith(g + "/") for g in GENERATED)


def _root_of(rel: str) -> str:
    return next(g for g in GENERATED if rel == g or rel.startswith(g + "/"))


def store_for(docs_dir: Path) -> Path:
    return docs_dir.parent / ".build" / "generated"


def commit(pages: dict[str, bytes | Path], docs_dir: Path) -> tuple[int, int]:
    """Make the generated part of docs_dir equal to pages; return (files written, files removed).

    A page is its bytes, or a file that already holds them (an article page in the build cache),
    which is linked rather than copied."""
    bad = [rel for rel in pages if not is_generated(rel) or ".." in Path(rel).parts or rel.startswith("/")]
    if bad:
        raise ValueError(f"refusing to write outside the generated part of docs/: {bad[:3]}")
    store = store_for(docs_dir)
    store.mkdir(parents=True, exist_ok=True)
    current = store / "current"
    previous = current.resolve() if current.is_symlink() and current.resolve().is_dir() else None
    for stale in store.glob("gen-*"):  # leftovers of an interrupted build
        if stale != previous:
            shutil.rmtree(stale, ignore_errors=True)

    number = int(previous.name.split("-")[1]) + 1 if previous else 1
    new = store / f"gen-{number}"
    written = 0
    made: set[Path] = set()
    for rel in sorted(pages):
        data = pages[rel]
        target = new / rel
        if target.parent not in made:  # one mkdir per folder, not per page: 10,000 pages share 15
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        old = previous / rel if previous else None
        if old is not None and _same(old, data):
            os.link(old, target)
            if isinstance(data, Path):
                _share_inode(old, data)
        elif isinstance(data, Path):
            _link_or_copy(data, target)
            written += 1
        else:
            target.write_bytes(data)
            written += 1
    removed = 0
    if previous:
        removed = sum(1 for rel in _files(previous) if rel not in pages)

    tmp = store / f"current.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(new.name)
    os.replace(tmp, current)  # the one atomic step that publishes the new build
    roots = {_root_of(rel) for rel in pages}
    for root in GENERATED:  # the links rarely change: only when a kind of page appears or goes
        _link(docs_dir / root, current / root, wanted=root in roots)
    if previous:
        shutil.rmtree(previous, ignore_errors=True)
    return written, removed


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary name, so a reader (or the next build) never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _files(folder: Path) -> list[str]:
    """Relative paths of the files below folder (os.walk reads the types from the directory
    listing; Path.rglob with is_file() would stat every file)."""
    out = []
    for base, _dirs, names in os.walk(folder):
        prefix = os.path.relpath(base, folder)
        out.extend(name if prefix == "." else f"{prefix}/{name}" for name in names)
    return out


def _same(path: Path, data: bytes | Path) -> bool:
    try:
        if isinstance(data, Path):
            here, there = path.stat(), data.stat()
            if (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino):
                return True
            return here.st_size == there.st_size and path.read_bytes() == data.read_bytes()
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _share_inode(published: Path, cached: Path) -> None:
    """A cached page with the bytes of the published one becomes a link to it: the next build
    then knows it unchanged from one stat, instead of reading both (after a code change every
    page is cached anew, and 10,000 pages were compared byte for byte on every later build)."""
    try:
        if os.stat(published).st_ino == os.stat(cached).st_ino:
            return
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}.link")
        tmp.unlink(missing_ok=True)
        os.link(published, tmp)
        os.replace(tmp, cached)
    except OSError:
        pass  # a cache on another file system: compared byte for byte, as before


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(source, target)


def _link(link: Path, target: Path, wanted: bool) -> None:
    """docs/<root> → .build/generated/current/<root>, replacing whatever a build left there."""
    relative = os.path.relpath(target, link.parent)
    if link.is_symlink():
        if wanted and os.readlink(link) == relative:
            return
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    elif link.exists():
        link.unlink()
    if wanted:
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(relative)
