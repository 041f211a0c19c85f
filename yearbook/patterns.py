"""Regular expressions compiled once per machine, not once per process.

Why: Python compiles a pattern in pure Python, and this project's patterns are many (about 250: the
furniture, byline and metric vocabularies of data/) and costly: the Han character class alone costs
2-5 ms each of the 30-odd times it appears, because the compiler sets its 28,000 code points one by
one. That was 0.15-0.25 s of every process, a fifth of a one-article rebuild at 1,000 articles.
(Where a pattern is compiled, each character set is optimised once per process: _charset.)

What the compiler makes of a pattern is a list of integers (the regex engine's program), and
`re.compile` ends by handing that list to the engine (`_sre.compile`). This module keeps the lists
in `.build/` and hands them back, the way Python keeps bytecode in __pycache__. The file is keyed by
the engine's version (`_sre.MAGIC`) and the interpreter's; the engine validates every program it is
given; anything unexpected falls back to `re.compile`. A cold build (no `.build/`) compiles as
before and fills the file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from . import writer

try:
    import _sre
    from re import _compiler, _parser
    _OPTIMIZE_CHARSET = _compiler._optimize_charset
except (ImportError, AttributeError):  # another interpreter, or its compiler moved: plain re.compile
    _sre = None  # type: ignore[assignment]

# Where the programs are kept: the project's build folder (the package sits in the project root).
CACHE_DIR = Path(__file__).resolve().parent.parent / ".build" / "patterns"
_MAX_ENTRIES = 4000  # patterns of old data files pile up; past this the file starts again

Program = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_programs: dict[tuple[str, int], Program] | None = None  # as loaded, plus what this process compiled
_unsaved = 0  # programs compiled in this process and not yet in the file


def _version() -> str:
    return f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}-{getattr(_sre, 'MAGIC', 0)}"


def cache_file() -> Path:
    return CACHE_DIR / f"programs-{_version()}.pickle"


def _load() -> dict[tuple[str, int], Program]:
    global _programs
    if _programs is None:
        _programs = _read(cache_file())
    return _programs


def _read(path: Path) -> dict[tuple[str, int], Program]:
    data = writer.read_kept(path)
    return data if isinstance(data, dict) else {}


def compile(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """re.compile(pattern, flags), from the kept program when there is one."""
    global _unsaved
    flags = int(flags)
    if _sre is None or not isinstance(pattern, str) or flags & re.DEBUG:
        return re.compile(pattern, flags)
    programs = _load()
    key = (pattern, flags)
    program = programs.get(key)
    if program is not None:
        try:
            return _sre.compile(pattern, *program)
        except (RuntimeError, TypeError, ValueError, OverflowError):
            del programs[key]  # not a program this engine accepts: compile it again
    try:
        program = _program(pattern, flags)
        compiled = _sre.compile(pattern, *program)
    except re.error:
        raise
    except Exception:  # the compiler's internals moved: the public way
        return re.compile(pattern, flags)
    programs[key] = program
    _unsaved += 1
    return compiled


def _program(pattern: str, flags: int) -> Program:
    """What re._compiler.compile hands to the engine (CPython 3.11), as plain ints."""
    parsed = _parser.parse(pattern, flags)
    optimize_charset = _compiler._optimize_charset
    _compiler._optimize_charset = _charset  # (for this pattern only: see _charset)
    try:
        code = [int(c) for c in _compiler._code(parsed, flags)]
    finally:
        _compiler._optimize_charset = optimize_charset
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


# The character sets this process has compiled, by their parsed form: the Han class is the same
# set each of its 30-odd times, and the compiler's work on it (2-5 ms) is the same, so a cold
# build compiles it once per process.
_charsets: dict[tuple, tuple[list, bool]] = {}


def _charset(charset: list, iscased: Any = None, fixup: Any = None, fixes: Any = None) -> tuple[list, bool]:
    """re._compiler._optimize_charset, remembered: the same set and case handling give the same
    optimised set. (Its callers only read what it returns; a copy goes out all the same.)"""
    try:
        key = (tuple(charset), iscased, fixup, id(fixes) if fixes is not None else None)
        hash(key)
    except TypeError:  # an argument the key cannot hold: no memory
        return _OPTIMIZE_CHARSET(charset, iscased, fixup, fixes)
    found = _charsets.get(key)
    if found is None:
        found = _charsets[key] = _OPTIMIZE_CHARSET(charset, iscased, fixup, fixes)
    return list(found[0]), found[1]


def save() -> None:
    """Add the programs this process compiled to the file (merged with what other processes, such
    as the build's workers, added meanwhile). Cheap when there is nothing new."""
    global _unsaved
    if not _unsaved or _programs is None:
        return
    path = cache_file()
    merged = _read(path)
    if len(merged) > _MAX_ENTRIES:
        merged = {}
    merged.update(_programs)
    if writer.keep(path, merged):  # (a read-only checkout: every process compiles, as without this module)
        _unsaved = 0


def kept(pattern: str, flags: int = 0) -> bool:
    """Whether the program of this pattern is loaded from the file or already compiled here (tests)."""
    return (pattern, int(flags)) in _load()


def _reset(programs: dict[tuple[str, int], Any] | None = None) -> None:
    """Forget what was loaded (tests)."""
    global _programs, _unsaved
    _programs, _unsaved = programs, 0
