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

import contextlib
import json
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

GENERATED = (
    "index.md", "about.md", "tags.md", "404.md", "robots.txt", "articles", "years", "compare", "topics",
    "timeline", "data", "report", "en", "feeds", "assets/charts",
)


_FOLDERS = tuple(g + "/" for g in GENERATED)


def is_generated(rel: str) -> bool:
    return rel in GENERATED or rel.startswith(_FOLDERS)


def hand_written(docs_dir: Path) -> list[Path]:
    """The top-most files and folders of docs_dir that hold no generated page (what `mkdocs serve`
    should watch there: the rest changes only when the build writes it)."""
    found: list[Path] = []

    def walk(folder: Path, prefix: str) -> None:
        for entry in sorted(folder.iterdir()):
            rel = prefix + entry.name
            if is_generated(rel):
                continue
            if entry.is_dir() and not entry.is_symlink() and any(g.startswith(rel + "/") for g in GENERATED):
                walk(entry, rel + "/")
            else:
                found.append(entry)

    walk(docs_dir, "")
    return found


def _root_of(rel: str) -> str:
    return next(g for g, folder in zip(GENERATED, _FOLDERS, strict=True) if rel == g or rel.startswith(folder))


def _unsafe(rel: str) -> bool:
    """Outside the generated part of docs/: at 10,000 pages, parsing each path with pathlib took
    a tenth of a second of every build."""
    return not is_generated(rel) or rel.startswith("/") or ".." in rel.split("/")


def store_for(docs_dir: Path) -> Path:
    return docs_dir.parent / ".build" / "generated"


def commit(pages: dict[str, bytes | Path], docs_dir: Path) -> tuple[int, int]:
    """Make the generated part of docs_dir equal to pages; return (files written, files removed)."""
    generation = Generation(docs_dir)
    generation.add(pages)
    return generation.publish()


class Generation:
    """The next generation of the generated pages: filled piece by piece (the article pages can go
    in while the pages about all editions are still rendering on the other cores), then published
    with one atomic step. Nothing a reader sees changes before publish().

    A page is its bytes, or a file that already holds them (an article page in the build cache),
    which is linked rather than copied."""

    def __init__(self, docs_dir: Path) -> None:
        self.docs_dir = docs_dir
        self.store = store = store_for(docs_dir)
        store.mkdir(parents=True, exist_ok=True)
        current = store / "current"
        self.previous = previous = current.resolve() if current.is_symlink() and current.resolve().is_dir() else None
        for stale in store.glob("gen-*"):  # leftovers of an interrupted build
            if stale != previous:
                shutil.rmtree(stale, ignore_errors=True)
        number = int(previous.name.split("-")[1]) + 1 if previous else 1
        self.new = store / f"gen-{number}"
        self.new.mkdir()
        self.linked_before = _links_made(previous)
        self.linked_now: dict[str, str] = {}
        self.pages: set[str] = set()
        self.written = 0
        self._made: set[str] = set()

    def add(self, pages: dict[str, bytes | Path]) -> None:
        bad = [rel for rel in pages if _unsafe(rel) or rel in self.pages]
        if bad:
            raise ValueError(f"refusing to write outside the generated part of docs/, or twice: {bad[:3]}")
        self.pages.update(pages)
        new_dir, old_dir = str(self.new), str(self.previous) if self.previous else None
        for rel in sorted(pages):  # plain strings: at 10,000 pages, pathlib's parsing cost a third of the loop
            data = pages[rel]
            target = os.path.join(new_dir, rel)
            folder = os.path.dirname(target)
            if folder not in self._made:  # one mkdir per folder, not per page: 10,000 pages share 15
                os.makedirs(folder, exist_ok=True)
                self._made.add(folder)
            if isinstance(data, Path):
                self.linked_now[rel] = source = str(data)
            old = os.path.join(old_dir, rel) if old_dir else None
            if (old is not None and isinstance(data, Path) and self.linked_before.get(rel) == source
                    and _try_link(old, target)):
                continue  # the same cached page as last time: a cache file never changes its bytes
            if old is not None and _same(old, data):
                os.link(old, target)
                if isinstance(data, Path):
                    _share_inode(old, source)
            elif isinstance(data, Path):
                _link_or_copy(source, target)
                self.written += 1
            else:
                with open(target, "wb") as fh:
                    fh.write(data)
                self.written += 1

    def publish(self) -> tuple[int, int]:
        """Show this generation in docs/; return (files written, files removed)."""
        previous, new, store = self.previous, self.new, self.store
        write_atomic(new / _LINKS, json.dumps(self.linked_now, sort_keys=True).encode("utf-8"))
        removed = 0
        if previous:
            removed = sum(1 for rel in _files(previous) if rel not in self.pages and rel != _LINKS)
        current = store / "current"
        tmp = store / f"current.{os.getpid()}.tmp"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(new.name)
        os.replace(tmp, current)  # the one atomic step that publishes the new build
        roots = {_root_of(rel) for rel in self.pages}
        for root in GENERATED:  # the links rarely change: only when a kind of page appears or goes
            _link(self.docs_dir / root, current / root, wanted=root in roots)
        if previous:
            shutil.rmtree(previous, ignore_errors=True)
        return self.written, removed


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary name, so a reader (or the next build) never sees half a file."""
    with _replacing(path) as out:
        out.write(data)


def read_kept(path: Path) -> Any | None:
    """What the build kept in a pickle, or None when it is missing, cut short or from code that no
    longer reads it: a cache entry is made again, never worth failing a build over."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError,
            ValueError):
        return None


def keep(path: Path, value: Any) -> bool:
    """Pickle value to path (atomically, its folder made); False when it cannot be written (a
    read-only checkout builds without its caches)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, pickle.PicklingError):
        return False
    return True


def keep_only(folder: Path, wanted: Callable[[str], bool]) -> None:
    """Remove the files of folder whose names are not wanted: the caches that hold one generation
    (this build's entries) drop the others this way."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not wanted(name):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)


def write_joined(path: Path, frame: tuple[bytes, bytes, bytes], pieces: list[bytes | Path]) -> None:
    """write_atomic of head + separator.join(pieces) + tail, a piece that is a file copied by the
    kernel: editions.json is 65 MB at 10,000 articles, and joining its stored entries in memory to
    write them cost more than making the one entry an edit changed."""
    head, sep, tail = frame
    with _replacing(path) as out:
        out.write(head)
        for i, piece in enumerate(pieces):
            if i:
                out.write(sep)
            if isinstance(piece, Path):
                out.flush()  # the kernel copies at the file's offset, behind Python's buffer
                _copy_into(piece, out)
            else:
                out.write(piece)
        out.write(tail)


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """A file written under a temporary name that replaces path when complete (and is removed if not)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _copy_into(source: Path, out: BinaryIO) -> None:
    copy_file_range = getattr(os, "copy_file_range", None)  # Linux only
    with open(source, "rb") as src:
        left = os.fstat(src.fileno()).st_size
        with contextlib.suppress(OSError):  # a file system that refuses it: in user space
            while copy_file_range is not None and left > 0:
                copied = copy_file_range(src.fileno(), out.fileno(), left)
                if copied == 0:
                    break
                left -= copied
        if left > 0:
            shutil.copyfileobj(src, out)  # from where the kernel stopped


def _files(folder: Path) -> list[str]:
    """Relative paths of the files below folder (os.walk reads the types from the directory
    listing; Path.rglob with is_file() would stat every file)."""
    out = []
    for base, _dirs, names in os.walk(folder):
        prefix = os.path.relpath(base, folder)
        out.extend(name if prefix == "." else f"{prefix}/{name}" for name in names)
    return out


# Which cached page each published page was linked from. A cache file is named by its content
# key under a cache folder for one version of the code, data and templates, so the same name
# means the same bytes: the page is linked again without comparing it.
_LINKS = ".linked-from.json"


def _links_made(generation: Path | None) -> dict[str, str]:
    if generation is None:
        return {}
    try:
        links = json.loads((generation / _LINKS).read_bytes())
    except (OSError, ValueError):
        return {}
    return links if isinstance(links, dict) else {}


def _try_link(source: str, target: str) -> bool:
    try:
        os.link(source, target)
    except OSError:
        return False
    return True


def _same(path: str, data: bytes | Path) -> bool:
    try:
        if isinstance(data, Path):
            here, there = os.stat(path), os.stat(data)
            if (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino):
                return True
            return here.st_size == there.st_size and _read(path) == data.read_bytes()
        return os.stat(path).st_size == len(data) and _read(path) == data
    except OSError:
        return False


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _share_inode(published: str, cached: str) -> None:
    """A cached page with the bytes of the published one becomes a link to it: the next build
    then knows it unchanged from one stat, instead of reading both (after a code change every
    page is cached anew, and 10,000 pages were compared byte for byte on every later build)."""
    try:
        if os.stat(published).st_ino == os.stat(cached).st_ino:
            return
        tmp = os.path.join(os.path.dirname(cached), f".{os.path.basename(cached)}.{os.getpid()}.link")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        os.link(published, tmp)
        os.replace(tmp, cached)
    except OSError:
        pass  # a cache on another file system: compared byte for byte, as before


def _link_or_copy(source: str, target: str) -> None:
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
