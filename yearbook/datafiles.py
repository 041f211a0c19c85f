"""The editors' data files (data/*.yml) and mkdocs.yml, parsed once per content with libyaml.

Pure-Python YAML took about a second per build for the knowledge files alone; the C loader
reads the same safe subset ~10× faster. Cached by path and modification time, so `mkdocs
serve` picks up an edited data file without a restart; and kept parsed in the project's
.build/ (a pickle, by the file's bytes), as constructing the Python objects is most of what
is left: 15-30 ms of every process, a twentieth of a one-article rebuild at 1,000 articles.
yaml itself is imported only to parse (its import compiles a large regex: 15 ms): a rebuild
whose data files are unchanged, and that processes no article itself, never needs it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import writer


class Invalid(ValueError):
    """A file that is not valid YAML (str: yaml's message, with the line)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line  # 0-based, of the problem, when yaml knows it


def parse(text: str, config: bool = False) -> Any:
    """Safe YAML (no Python tags) with the fastest loader available; `config`: mkdocs.yml, whose
    `!ENV [NAME, default]` gives the default and whose python tags give None."""
    import yaml

    try:
        return yaml.load(text, Loader=_config_loader() if config else _loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise Invalid(str(exc), mark.line if mark else None) from exc


@lru_cache(maxsize=1)
def _loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def _config_loader() -> Any:
    import yaml

    class ConfigLoader(_loader()):  # type: ignore[misc,valid-type]
        pass

    ConfigLoader.add_constructor("!ENV", lambda loader, node: (
        loader.construct_sequence(node)[-1] if isinstance(node, yaml.SequenceNode) else None))
    ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    return ConfigLoader


def load(path: Path, config: bool = False) -> Any:
    """The parsed file; raises OSError / Invalid for the caller to report."""
    stat = path.stat()
    return _load(str(path.resolve()), stat.st_mtime_ns, stat.st_size, config)


@lru_cache(maxsize=64)
def _load(path: str, _mtime: int, _size: int, config: bool) -> Any:
    raw = Path(path).read_bytes()
    kept = _kept_file(path)
    digest = hashlib.sha1(raw + (b"\0config" if config else b"")).hexdigest()  # the bytes, not the date
    stored = writer.read_kept(kept) if kept is not None else None
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == digest:
        return stored[1]
    value = parse(raw.decode("utf-8"), config)
    if kept is not None:
        writer.keep(kept, (digest, value))
    return value


def _kept_file(path: str) -> Path | None:
    """Where a file of a project (data/*.yml, mkdocs.yml) is kept parsed: its .build/parsed/."""
    p = Path(path)
    if p.parent.name == "data":
        project = p.parent.parent
    elif p.name == "mkdocs.yml":
        project = p.parent
    else:
        return None
    return project / ".build" / "parsed" / (hashlib.sha1(path.encode()).hexdigest()[:16] + ".pickle")
