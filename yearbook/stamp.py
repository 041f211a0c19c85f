"""A whole-build stamp: when no input changed since the last build, skip the build entirely.

Even with every article cached, a build re-imports the pipeline, reads every seed, renders and
compares every page: seconds at 1,000 articles. The stamp (sizes and mtimes of every input, the
code, the templates and the data, plus the state of the generated docs/ links) costs milliseconds
and lets `build.py` and `mkdocs serve` answer "nothing changed" at once. Kept free of heavy
imports on purpose: it runs before the pipeline is imported.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .writer import GENERATED, write_atomic  # a light module: os, shutil, pathlib

PACKAGE_DIR = Path(__file__).resolve().parent
INPUT_DIRS = ("seeds", "templates", "data")


def _path(root: Path) -> Path:
    return root / ".build" / "stamp.json"


def inputs(root: Path, docs_dir: Path) -> str:
    """Fingerprint of everything a build reads; taken when the build starts."""
    h = hashlib.sha256()
    h.update(f"{docs_dir}|{os.environ.get('SITE_URL', '')}".encode())
    for name in INPUT_DIRS:
        for folder, dirs, files in os.walk(root / name):
            dirs.sort()
            for f in sorted(files):
                _add(h, os.path.join(folder, f))  # a string: pathlib's parsing was most of the cost
    for path in [*sorted(PACKAGE_DIR.glob("*.py")), root / "mkdocs.yml"]:
        _add(h, str(path))
    return h.hexdigest()


def _generation(docs_dir: Path) -> str | None:
    """Which generation docs/ shows, if all its links are in place."""
    current = docs_dir.parent / ".build" / "generated" / "current"
    if not current.is_symlink():
        return None
    published = [root for root in GENERATED if (current / root).exists()]
    if not all((docs_dir / root).exists() for root in published):
        return None
    return os.readlink(current)


def _add(h: hashlib._Hash, path: str) -> None:
    try:
        st = os.lstat(path)
    except OSError:
        h.update(f"{path}:missing".encode())
        return
    h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode())


def previous(root: Path, docs_dir: Path, fingerprint: str | None = None) -> dict | None:
    """What the last build reported, when nothing it depends on has changed since (`fingerprint`:
    inputs() if the caller has just taken it, so a build that follows need not take it again)."""
    try:
        saved = json.loads(_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    generation = _generation(docs_dir)
    if generation is None or saved.get("generation") != generation:
        return None
    return saved if saved.get("inputs") == (fingerprint or inputs(root, docs_dir)) else None


def save(root: Path, docs_dir: Path, fingerprint: str, summary: str, warnings: list[str],
         data_errors: list[str]) -> None:
    """Record a finished build; `fingerprint` is inputs() as it was when the build started."""
    path = _path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"inputs": fingerprint, "generation": _generation(docs_dir), "summary": summary,
              "warnings": warnings, "data_errors": data_errors}
    write_atomic(path, json.dumps(record, ensure_ascii=False).encode("utf-8"))
