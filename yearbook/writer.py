"""Write stage: bring docs/ in line with the rendered pages, touching only what changed.

Everything is rendered in memory first, so a build killed before this point leaves the
previous docs/ as it was. Files are replaced one by one with os.replace (atomic on POSIX),
unchanged files are not rewritten (so `mkdocs serve` reloads only what changed), and stale
generated files are removed. Only the paths below GENERATED belong to the build; hand-written
pages in docs/ are never touched.
"""

from __future__ import annotations

import os
from pathlib import Path

GENERATED = (
    "index.md", "about.md", "tags.md", "articles", "years", "compare", "topics", "timeline", "data",
    "report", "en", "feeds", "assets/charts", "404.md", "robots.txt",
)


def is_generated(rel: str) -> bool:
    return any(rel == g or rel.startswith(g + "/") for g in GENERATED)


def commit(pages: dict[str, bytes], docs_dir: Path) -> tuple[int, int]:
    """Make the generated part of docs_dir equal to pages; return (written, deleted)."""
    bad = [rel for rel in pages if not is_generated(rel) or ".." in Path(rel).parts or rel.startswith("/")]
    if bad:
        raise ValueError(f"refusing to write outside the generated part of docs/: {bad[:3]}")
    docs_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for rel in sorted(pages):
        target = docs_dir / rel
        data = pages[rel]
        try:
            if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written += 1
    deleted = 0
    for g in GENERATED:
        base = docs_dir / g
        if base.is_file() and g not in pages:
            base.unlink()
            deleted += 1
        elif base.is_dir():
            for path in sorted(base.rglob("*"), reverse=True):
                rel = path.relative_to(docs_dir).as_posix()
                if path.is_dir():
                    if not any(path.iterdir()):
                        path.rmdir()
                elif rel not in pages:
                    path.unlink()
                    deleted += 1
    return written, deleted
