"""Read stage: turn whatever an editor dropped into seeds/ into decoded Source records.

Every file ends up either as a Source or as a Diagnostic that says why not; nothing is
dropped silently. Encodings are detected from the bytes (BOM, strict UTF-8, then
charset-normalizer), never guessed from the file extension.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import datafiles, patterns
from .records import Diagnostic, Source

MAX_BYTES = 2_000_000  # an article is a few KB; anything larger is a saved page or a mistake
_SAFE_STEM = patterns.compile(r"[^A-Za-z0-9_-]+")
_FRONT_MATTER = patterns.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HTML_HINT = patterns.compile(
    r"<\s*/?\s*(p|div|br|span|img|a|h[1-6]|table|ul|ol|li|strong|b|em|font|section|article|html|body|figure)\b",
    re.I,
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def seed_paths(seed_dir: Path) -> tuple[list[Path], list[Diagnostic]]:
    """Every file below seed_dir (links included, so that they are reported), in a stable order."""
    if not seed_dir.is_dir():
        return [], [Diagnostic(str(seed_dir), "error", "seeds folder does not exist", "built an empty site")]
    found: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(seed_dir):  # the listing's file types: no stat per file
        base = Path(folder)
        rel = base.relative_to(seed_dir).as_posix()
        prefix = "" if rel == "." else rel + "/"
        # a link to a folder is listed (to be reported), not followed
        names = [*files, *(d for d in dirs if os.path.islink(os.path.join(folder, d)))]
        found.extend((prefix + name, base / name) for name in names)
    return [path for _, path in sorted(found, key=lambda t: t[0])], []


def relative(path: Path, seed_dir: Path) -> str:
    """The path below seed_dir, as in the report (by slicing: relative_to costs 7 µs a file, 70 ms
    at 10,000 on every build)."""
    text, base = str(path), str(seed_dir) + os.sep
    if text.startswith(base):
        return text[len(base):].replace(os.sep, "/")
    return path.relative_to(seed_dir).as_posix()


def read_seeds(seed_dir: Path) -> tuple[list[Source], list[Diagnostic]]:
    """Read every file below seed_dir, in a stable order."""
    paths, diagnostics = seed_paths(seed_dir)
    sources: list[Source] = []
    for path in paths:
        source, diags = read_file(path, seed_dir)
        diagnostics.extend(diags)
        if source is not None:
            sources.append(source)
    return sources, diagnostics


def read_file(path: Path, seed_dir: Path) -> tuple[Source | None, list[Diagnostic]]:
    """Read one file; return (None, diagnostics) when nothing usable can be recovered."""
    rel = relative(path, seed_dir)
    diags: list[Diagnostic] = []

    def fail(problem: str) -> tuple[None, list[Diagnostic]]:
        diags.append(Diagnostic(rel, "error", problem, "skipped: no page was made"))
        return None, diags

    if path.is_symlink():
        return fail("is a symbolic link; links are not followed so the build never reads outside seeds/")
    if path.name.startswith("."):
        return fail("is a hidden file")
    if not path.is_file():
        return fail("is not a regular file")
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
            size = path.stat().st_size
    except OSError as exc:
        return fail(f"cannot be read ({exc.strerror or exc.__class__.__name__})")
    if size > MAX_BYTES:
        data = data[:MAX_BYTES]
        diags.append(
            Diagnostic(rel, "warning", f"is {size / 1e6:.1f} MB, far larger than an article",
                       f"read only the first {MAX_BYTES // 1_000_000} MB")
        )
    if not data.strip():
        return fail("is empty" if not data else "contains only whitespace")

    text, encoding, problem = decode(data)
    if text is None:
        return fail(problem or "is not text")
    if problem:
        diags.append(Diagnostic(rel, "warning", problem, f"decoded as {encoding}"))
    elif encoding not in ("utf-8", "ascii"):
        diags.append(Diagnostic(rel, "info", f"is encoded as {encoding}", "converted to UTF-8"))

    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = unicodedata.normalize("NFC", text)
    meta, body, fm_problem = split_front_matter(text)
    if fm_problem:
        diags.append(Diagnostic(rel, "warning", fm_problem, "ignored the front matter and read the rest as the body"))
    if not body.strip():
        return fail("has front matter but no article text")

    stem, stem_problem = safe_stem(path, meta)
    if stem_problem:
        level = "warning" if "slug" in stem_problem else "info"
        diags.append(Diagnostic(rel, level, stem_problem, f"page id is {stem}"))

    source = Source(
        stem=stem,
        path=rel,
        encoding=encoding,
        fmt=detect_format(body),
        meta=meta,
        body=body,
        content_hash=hashlib.sha256(data).hexdigest(),
        diagnostics=diags,
    )
    return source, diags


def decode(data: bytes) -> tuple[str | None, str, str | None]:
    """Return (text, encoding, problem). text is None when the bytes are not text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc.replace("-sig", " with BOM"), None
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a character cut in two by MAX_BYTES, not another encoding
            return data[: exc.start].decode("utf-8", errors="replace"), "utf-8", None
    import charset_normalizer  # only for a file that is not UTF-8: its import is a sixth of reading one

    # charset-normalizer can take a short GBK text for Korean; the corpus is Chinese news, so
    # among the decodings it proposes (plus strict GB18030 and Big5) keep the most Chinese-looking.
    candidates: list[tuple[str, str]] = []
    for match in charset_normalizer.from_bytes(data):
        candidates.append((str(match), match.encoding.replace("_", "-")))
    for enc in ("gb18030", "big5"):
        with contextlib.suppress(UnicodeDecodeError):
            candidates.append((data.decode(enc), enc))
    if not candidates:
        return None, "", "is binary or in an unknown encoding"
    text, encoding = max(candidates, key=lambda c: _chinese_score(c[0]))
    if _junk_ratio(text) > 0.1 or _chinese_score(text) < 0.6:
        return None, "", "is binary data, not text"
    return text, encoding, None


def _chinese_score(text: str) -> float:
    """Share of characters that belong in Chinese news text: ASCII, Han, CJK punctuation."""
    sample = text[:20000]
    if not sample:
        return 0.0
    good = sum(
        1 for ch in sample
        if (ch.isascii() and (ch.isprintable() or ch in "\n\t"))
        or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
        or ch in "“”‘’…—·"
    )
    return good / len(sample)


def _junk_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 1.0
    bad = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in "\n\r\t")
    return bad / len(sample)


@lru_cache(maxsize=1)
def _yaml_handler() -> Any:
    """python-frontmatter's YAML handler with libyaml: front matter is parsed for every article.
    (Made, with python-frontmatter imported, where an article is read: see datafiles on yaml.)"""
    import frontmatter

    class FastYAML(frontmatter.YAMLHandler):
        def load(self, fm: str, **kwargs: object) -> object:
            return datafiles.parse(fm)

    return FastYAML()


def split_front_matter(text: str) -> tuple[dict, str, str | None]:
    """Split YAML front matter from the body with python-frontmatter; tolerate leading blank lines."""
    stripped = text.lstrip("\ufeff \t\n")
    if not stripped.startswith("---"):
        return {}, text.strip("\n"), None
    if not _FRONT_MATTER.match(stripped):
        body = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        return {}, body, "front matter starts with --- but is never closed"
    import frontmatter

    try:
        post = frontmatter.loads(stripped, handler=_yaml_handler())
    except datafiles.Invalid as exc:
        where = f" (line {exc.line + 2})" if exc.line is not None else ""
        return {}, _FRONT_MATTER.sub("", stripped, count=1), f"front matter is not valid YAML{where}"
    meta = post.metadata if isinstance(post.metadata, dict) else {}
    return {str(k): v for k, v in meta.items()}, post.content, None


def detect_format(body: str) -> str:
    if _HTML_HINT.search(body[:50000]):
        return "html"
    if re.search(r"^(#{1,6} |\*\*|[-*] |> )", body, re.M):
        return "markdown"
    return "text"


def safe_stem(path: Path, meta: dict) -> tuple[str, str | None]:
    """The article's permanent id: the file stem if URL-safe, else a safe, unique form of it."""
    slug = meta.get("slug")
    if slug is not None:
        s = str(slug)
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}", s):
            return s, None
        problem = f"front-matter slug {s!r} is not a plain name (letters, digits, - and _)"
    else:
        problem = None
    raw = path.stem if path.suffix.lower() in (".txt", ".md", ".markdown", ".html", ".htm", "") else path.name
    stem = _SAFE_STEM.sub("-", raw).strip("-")
    if stem != raw or not stem:
        digest = hashlib.sha1(path.name.encode("utf-8")).hexdigest()[:8]
        stem = f"{stem}-{digest}" if stem else f"article-{digest}"
        problem = problem or f"file name {path.name!r} is not URL-safe"
    return stem, problem
