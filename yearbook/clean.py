"""clean: Source → Article, an editor-grade Markdown body plus the metadata found in the text.

Why this exists: general-purpose extractors keep site furniture, flatten sub-headings, drop
captions and never notice a second article spliced into a page. This stage does the work a
careful human editor would do, and records every removal so the build report can show it.

Pipeline (one lxml parse per HTML article, all patterns precompiled, data loaded once):

1. read the body into blocks (paragraphs with inline bold/italic/link markers, headings,
   figures, list items, tables) — HTML through lxml, Markdown/plain text line by line;
2. normalise each block's text (indentation, stray spaces, ASCII punctuation in Chinese);
3. drop furniture lines, editor lines and end markers (names → Article.editors);
4. attach captions to pictures, move captions that split a sentence and rejoin it;
5. take the original title, dateline and bylines into metadata;
6. recognise sub-headings, quotations from named people and interview turns;
7. drop sections that drifted off the fair's topic;
8. render Markdown (figures as nh3-sanitised HTML) and the plain text for fact extraction.

The patterns for the kind of noise live in data/furniture.yml.
"""

from __future__ import annotations

import email.utils
import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import lxml.html
import nh3
from lxml import etree

from yearbook import datafiles, patterns
from yearbook.records import Article, Diagnostic, Image, Removal, Source

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "furniture.yml"
BEIJING = timezone(timedelta(hours=8))

# ---------------------------------------------------------------------------------------------
# Character classes and inline markers
# ---------------------------------------------------------------------------------------------

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Full-width / CJK punctuation (no middle dot: it sits inside transliterated names).
CJK_PUNCT = "\u3001-\u3003\u3008-\u3011\u3014-\u301f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’…—～"
# Inline markers inside block text (private-use characters, stripped from any input first).
B0, B1, I0, I1, LINK_END = "\ue000", "\ue001", "\ue002", "\ue003", "\ue005"
LINK_BASE = 0xE100  # chr(LINK_BASE + n) opens link n
MAX_LINKS = 250
MARKS = "\ue000-\ue005\ue100-\ue1ff"
_MARK_RE = patterns.compile(f"[{MARKS}]")
_PUA_RE = patterns.compile("[\ue000-\uf8ff]")
_ZW_RE = patterns.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACE_CHARS = " \t\r\n\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_WS_RE = patterns.compile(f"[{_SPACE_CHARS}]+")
_HAN_RE = patterns.compile(f"[{HAN}]")

# A sentence ends at 。！？…； (or a closing quote/bracket right after one); ：introduces what follows.
_ENDS_SENTENCE_RE = patterns.compile(f"(?:[。！？…；!?;：:]|[。！？!?…][”’）」』》】)]+)[{MARKS}]*$")
_ENDS_COMMA_RE = patterns.compile(f"[，、,][{MARKS}]*$")


class _Tail:
    """An end-anchored pattern tried on the last few characters only (search() would scan it all)."""

    def __init__(self, pattern: re.Pattern[str], width: int = 12) -> None:
        self.pattern, self.width = pattern, width

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text, max(0, len(text) - self.width))


_ENDS_SENTENCE = _Tail(_ENDS_SENTENCE_RE)
_ENDS_COMMA = _Tail(_ENDS_COMMA_RE)

# Tags whose content never reaches the page.
_DROP_TAGS = {
    "script", "style", "noscript", "iframe", "frame", "frameset", "form", "template", "object",
    "embed", "applet", "svg", "math", "button", "input", "select", "textarea", "head", "title",
    "meta", "link", "video", "audio", "canvas", "map", "source", "track", "param", "base",
}
_BLOCK_TAGS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "center", "h1", "h2",
    "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure", "figcaption", "pre", "dl",
    "dt", "dd", "hr", "address", "tr", "td", "th", "tbody", "thead", "caption", "nav", "body",
    "html", "details", "summary",
}
_BOLD_STYLE = patterns.compile(r"bold|font-weight\s*:\s*(?:[6-9]00|bolder)", re.I)
_CENTER_STYLE = patterns.compile(r"text-align\s*:\s*center", re.I)

_NH3 = nh3.Cleaner(
    tags={"figure", "img", "figcaption"},
    clean_content_tags={
        "script", "style", "iframe", "form", "noscript", "template", "object", "embed", "svg", "math",
    },
    attributes={"img": {"src", "alt"}},
    tag_attribute_values={"img": {"loading": {"lazy"}, "referrerpolicy": {"no-referrer"}}},
    url_schemes={"http", "https"},
    url_relative="deny",
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)
_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags={"script", "style"})  # built once, not per title


# ---------------------------------------------------------------------------------------------
# Data (furniture.yml), loaded and compiled once
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    containers: frozenset[str]
    empty_media: re.Pattern[str]
    furniture_images: re.Pattern[str]
    caption_classes: re.Pattern[str]
    stock_classes: re.Pattern[str]
    stock_hrefs: re.Pattern[str]
    lines_start: re.Pattern[str]  # the anchored furniture lines, tried with .match
    lines_any: re.Pattern[str]
    editor_line: re.Pattern[str]
    editor_tail: re.Pattern[str]
    role_name: re.Pattern[str]
    editor_roles: frozenset[str]
    end_marker: re.Pattern[str]
    agencies: tuple[str, ...]
    dateline: re.Pattern[str]
    photo_credits: tuple[re.Pattern[str], ...]
    credit_lines: re.Pattern[str]
    caption_start: re.Pattern[str]
    topic: tuple[re.Pattern[str], ...]  # Han words; words with letters (case-insensitive)


def _vocabulary(words: list[str]) -> tuple[re.Pattern[str], ...]:
    """Words to count, as two patterns: the words without letters as a plain alternation, which the
    engine scans for by their first characters in C, and the words with letters under re.I (which
    would take that scan from the others). Their matches cannot overlap, so their counts add up."""
    cased = [w for w in words if w.lower() != w.upper()]
    plain_words = [w for w in words if w not in cased]
    return tuple(patterns.compile("|".join(map(re.escape, group)), re.I if group is cased else 0)
                 for group in (plain_words, cased) if group)


def _han(pattern: str) -> str:
    return pattern.replace("{HAN}", HAN)


def _cased(pattern: str) -> bool:
    """Whether re.I could change what the pattern matches: a letter outside an escape (\\S, \\d)."""
    literal = re.sub(r"\\.|\{HAN\}", "", pattern)
    return literal.lower() != literal.upper()


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """Load yearbook/data/furniture.yml once and compile every pattern (editors extend the file)."""
    data: dict[str, Any] = datafiles.load(DATA_FILE)

    def alt(items: list[str]) -> re.Pattern[str]:
        """Case-insensitive where a pattern has letters: compiling the Han class under re.I cost
        three times as much (0.03 s of every process), for characters that have no case."""
        return patterns.compile("|".join(f"(?i:{_han(p)})" if _cased(p) else f"(?:{_han(p)})" for p in items))

    editor_roles = list(data["editor_roles"])
    roles = sorted(editor_roles + list(data["other_roles"]), key=len, reverse=True)
    role = "|".join(map(re.escape, roles))
    name = f"(?:(?!(?:{role}))[{HAN}·]){{2,5}}"
    names = f"{name}(?:\\s*[、,，/和]\\s*{name}|\\s+{name})*"
    code = r"(?:\s*[A-Za-z]{1,4}\d{2,6})?"
    pair = f"(?:{role})\\s*[：:]?\\s*{names}{code}"
    agencies = tuple(sorted(data["agencies"], key=len, reverse=True))
    agency_alt = "|".join(map(re.escape, agencies))
    return _Rules(
        containers=frozenset(c.lower() for c in data["containers"]),
        empty_media=patterns.compile(data["empty_media"], re.I),
        furniture_images=alt(data["furniture_images"]),
        caption_classes=patterns.compile(data["caption_classes"], re.I),
        stock_classes=patterns.compile(data["stock_link_classes"], re.I),
        stock_hrefs=alt(data["stock_link_hrefs"]),
        lines_start=alt([p[1:] for p in data["lines"] if p.startswith("^")]),
        lines_any=alt([p for p in data["lines"] if not p.startswith("^")]),
        editor_line=patterns.compile(
            f"^[（(【\\[]?\\s*{pair}(?:\\s*[）)】\\]]?\\s*[（(【\\[]?\\s*{pair})*\\s*[）)】\\]]?$"
        ),
        editor_tail=patterns.compile(f"[（(【\\[]\\s*{pair}(?:[\\s，,；;]*{pair})*\\s*[）)】\\]]$"),
        role_name=patterns.compile(f"(?P<role>{role})\\s*[：:]?\\s*(?P<names>{names})"),
        editor_roles=frozenset(editor_roles),
        end_marker=patterns.compile(data["end_markers"]),
        agencies=agencies,
        dateline=patterns.compile(
            f"^(?P<head>(?P<agency>{agency_alt}|本报|[{HAN}]{{1,8}}?(?:社|网|报|台))"
            f"(?P<place>[{HAN}]{{0,10}}?)(?:\\d{{1,2}}月\\d{{1,2}}日)?(?:电|讯|消息)"
            f"|本报讯|(?P<agency2>{agency_alt})消息)"
            f"\\s*(?:[（(](?P<paren>[^）)]{{0,40}})[）)]|(?P<bare>记者\\s*(?:[{HAN}·]{{2,4}}\\s+){{1,4}}))?\\s*[：:]?\\s*"
        ),
        photo_credits=tuple(patterns.compile(_han(p)) for p in data["photo_credits"]),
        credit_lines=alt(data["credit_lines"]),
        caption_start=patterns.compile(data["caption_starts"]),
        topic=_vocabulary(data["topic_vocabulary"]),
    )


# ---------------------------------------------------------------------------------------------
# Text normalisation
# ---------------------------------------------------------------------------------------------


def _prev_sig(s: str, i: int) -> str:
    """The nearest character before i that is neither a space nor an inline marker."""
    i -= 1
    while i >= 0 and (s[i] == " " or "\ue000" <= s[i] <= "\ue1ff"):
        i -= 1
    return s[i] if i >= 0 else ""


def _next_sig(s: str, i: int) -> str:
    n = len(s)
    while i < n and (s[i] == " " or "\ue000" <= s[i] <= "\ue1ff"):
        i += 1
    return s[i] if i < n else ""


def _is_han(c: str) -> bool:
    """One character (or "") in HAN: compared, not matched (the rules ask this 20,000 times in 100 articles)."""
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\uf900" <= c <= "\ufaff"


def _is_cjk_punct(c: str) -> bool:
    """One character (or "") in CJK_PUNCT."""
    return c in _CJK_PUNCT_CHARS


def _chars(ranges: str) -> frozenset[str]:
    """The characters of a character-class body made of single characters and a-b ranges."""
    out: set[str] = set()
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            out.update(chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1))
            i += 3
        else:
            out.add(ranges[i])
            i += 1
    return frozenset(out)


_CJK_PUNCT_CHARS = _chars(CJK_PUNCT)


_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
# One ASCII mark, or a run of 3-6 dots. Written to open with the class itself (not a lookahead):
# the engine then skips to the next candidate in C instead of trying the pattern at every position.
_PUNCT_RE = patterns.compile(r"[,:;?!.](?:(?<=\.)\.{2,5})?")


def _punct_sub(m: re.Match[str]) -> str:
    s, ch, i, j = m.string, m.group(), m.start(), m.end()
    p, n = _prev_sig(s, i), _next_sig(s, j)
    han_p, han_n = _is_han(p), _is_han(n)
    if ch[0] == ".":
        if not han_p:
            return ch
        if len(ch) >= 3:
            return "……"
        return "。" if (not n or han_n or _is_cjk_punct(n) or n == " ") else ch
    if p.isdigit() and n.isdigit():
        return ch  # 1,000 · 12:30
    if ch in ",;:":
        if han_p or han_n or (_is_cjk_punct(p) and p not in "“‘") or (n and _is_cjk_punct(n) and n not in "”’"):
            return _FULL[ch]
        return ch
    # ? and ! end a Chinese sentence only after Chinese text.
    return _FULL[ch] if (han_p or _is_cjk_punct(p)) else ch


_PAREN_RE = patterns.compile(r"\(([^()\n]{0,200})\)")
_BRACKET_RE = patterns.compile(r"\[([^\[\]\n]{1,40})\]")
_DQUOTE_RE = patterns.compile(r'"([^"\n]{1,200})"')


def _paren_sub(m: re.Match[str]) -> str:
    inner = m.group(1)
    s = m.string
    if _HAN_RE.search(inner) or _is_han(_prev_sig(s, m.start())) or _is_han(_next_sig(s, m.end())):
        return f"（{inner.strip()}）"
    return m.group()


def _bracket_sub(m: re.Match[str]) -> str:
    return f"【{m.group(1).strip()}】" if _HAN_RE.search(m.group(1)) else m.group()


def _dquote_sub(m: re.Match[str]) -> str:
    return f"“{m.group(1)}”" if _HAN_RE.search(m.group(1)) else m.group()


def _space_sub(m: re.Match[str]) -> str:
    s, i, j = m.string, m.start(), m.end()
    if i == 0 or j == len(s):
        return ""
    p, n = _prev_sig(s, i), _next_sig(s, j)
    if not p or not n or _is_cjk_punct(p) or _is_cjk_punct(n):
        return ""
    if "\n" in m.group() and _is_han(p) and _is_han(n):
        return ""  # a line break inside Chinese text joins without a space
    return " "


# Letter-spaced single characters (服 贸 会, a padded two-character name 贺 勇) join up.
_SPACED_SINGLES = patterns.compile(f"(?<![{HAN}])[{HAN}](?: [{HAN}](?![{HAN}]))+")
# A padded name right before a photo credit: 贺 勇摄 → 贺勇摄.
_PADDED_CREDIT = patterns.compile(f"(?<![{HAN}])([{HAN}]) ([{HAN}])(?=摄)")
_MARK_SPACE_OPEN = patterns.compile(f"([{B0}{I0}\ue100-\ue1ff])([ ]+)")
_MARK_SPACE_CLOSE = patterns.compile(f"([ ]+)([{B1}{I1}{LINK_END}])")
_EMPTY_MARKS = patterns.compile(f"{B0}([ ]*){B1}|{I0}([ ]*){I1}|[\ue100-\ue1ff]([ ]*){LINK_END}")
_DOUBLE_MARKS = patterns.compile(f"{B1}{B0}|{I1}{I0}")
_SPACE_RUN = patterns.compile(r"[ \n]+")


def _join_singles(m: re.Match[str]) -> str:
    """服 贸 会 → 服贸会; an even run is padded two-character names: 贺 勇 李 明 → 贺勇 李明."""
    chars = m.group().split(" ")
    if len(chars) % 2 == 0 and len(chars) > 2:
        return " ".join(a + b for a, b in zip(chars[::2], chars[1::2], strict=True))
    return "".join(chars)


def normalise(text: str) -> str:
    """Editor's typography for Chinese text: no indentation, no stray spaces, full-width punctuation.

    Numbers, URLs and Latin text keep their ASCII punctuation (2.6万, 20.8%, 1,000, 12:30).
    Inline markers (bold/italic/link) are transparent to every rule.
    """
    if not text:
        return ""
    # Most texts hold no zero-width character, marker or space other than " " (all of those are
    # unprintable): one scan in C says so, and three regex passes are skipped
    printable = text.isprintable()
    s = text if printable else _ZW_RE.sub("", text)
    if not printable or "  " in s:
        s = _WS_RE.sub(lambda m: "\n" if "\n" in m.group() else " ", s)
    if '"' in s:
        s = _DQUOTE_RE.sub(_dquote_sub, s)
    if "." in s or "," in s or ":" in s or ";" in s or "?" in s or "!" in s:
        s = _PUNCT_RE.sub(_punct_sub, s)
    if "(" in s:
        s = _PAREN_RE.sub(_paren_sub, s)
    if "[" in s:
        s = _BRACKET_RE.sub(_bracket_sub, s)
    if not printable and _MARK_RE.search(s):
        s = _MARK_SPACE_OPEN.sub(r"\2\1", s)
        s = _MARK_SPACE_CLOSE.sub(r"\2\1", s)
        s = _EMPTY_MARKS.sub(lambda m: m.group(1) or m.group(2) or m.group(3) or "", s)
        s = _DOUBLE_MARKS.sub("", s)
    if " " in s or "\n" in s:
        s = _SPACE_RUN.sub(_space_sub, s)
    if " " in s:
        s = _SPACED_SINGLES.sub(_join_singles, s)
        if "摄" in s:  # the pattern ends in (?=摄)
            s = _PADDED_CREDIT.sub(r"\1\2", s)
    return s.strip()


def plain(text: str) -> str:
    """Text without inline markers (which are unprintable: most texts are printable, and one scan
    in C says so, where the pattern tried two ranges at every character; 130 calls an article)."""
    return text if text.isprintable() else _MARK_RE.sub("", text)


# ---------------------------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # p | h | fig | li | oli | table | quote
    text: str = ""  # inline text with markers
    level: int = 2
    explicit: bool = False  # a heading that was marked up as one in the source
    center: bool = False
    bold_style: bool = False  # the whole block was styled bold
    caption_el: bool = False  # came from a caption element
    src: str = ""
    alt: str = ""
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)
    speaker: str = ""

    _plain_of: str = field(default="\x00", repr=False, compare=False)
    _plain: str = field(default="", repr=False, compare=False)

    @property
    def plain(self) -> str:
        """The text without markers (cached: the passes ask for it many times)."""
        if self._plain_of is not self.text:
            self._plain = plain(self.text)
            self._plain_of = self.text
        return self._plain


class _Ctx:
    """Per-article working state: links, removals, diagnostics, furniture image URLs."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.links: list[str] = []
        self.removals: list[Removal] = []
        self._seen: set[tuple[str, str]] = set()
        self.diagnostics: list[Diagnostic] = []
        self.furniture_srcs: set[str] = set()
        self.base_url = _meta_url(source.meta)

    def removed(self, kind: str, text: str) -> None:
        text = " ".join(str(text).split())[:200]
        key = (kind, text)
        if key not in self._seen:
            self._seen.add(key)
            self.removals.append(Removal(kind=kind, text=text))

    def diag(self, level: str, problem: str, action: str) -> None:
        self.diagnostics.append(Diagnostic(self.source.path, level, problem, action))

    def link(self, href: str) -> str:
        if len(self.links) >= MAX_LINKS:
            return ""
        self.links.append(href)
        return chr(LINK_BASE + len(self.links) - 1)

    def resolve(self, src: str) -> str:
        """An absolute http(s) URL, or "" for anything else (data:, javascript:, unresolvable)."""
        src = (src or "").strip()
        if not src:
            return ""
        if src.startswith("//"):
            src = "https:" + src
        low = src.lower()
        if low.startswith(("http://", "https://")):
            return src
        if ":" in low.split("/", 1)[0]:
            return ""  # another scheme
        if self.base_url:
            return urljoin(self.base_url, src)
        return ""


def _classes(el: Any) -> list[str]:
    cls, ident = el.get("class"), el.get("id")
    if not cls and not ident:
        return []
    tokens: list[str] = []
    for value in [*(cls or "").split(), ident or ""]:
        if value:
            low = value.lower()
            tokens.append(low)
            tokens.extend(t for t in low.replace("_", "-").split("-") if t)
    return tokens


class _HtmlReader:
    """Walks an lxml tree once and emits blocks with inline markers."""

    def __init__(self, ctx: _Ctx) -> None:
        self.ctx = ctx
        self.r = rules()
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.bold = 0
        self.italic = 0
        self.link_open = False
        self.kinds: list[str] = []  # stack of enclosing block kinds
        self.center = 0
        self.bold_block = 0
        self.caption = 0

    # -- inline buffer -------------------------------------------------------------------------
    def text(self, s: str | None) -> None:
        if s:
            self.buf.append(_PUA_RE.sub("", s))

    def flush(self) -> None:
        if self.link_open:
            self.buf.append(LINK_END)
            self.link_open = False
        if self.bold:
            self.buf.append(B1)
        if self.italic:
            self.buf.append(I1)
        raw = "".join(self.buf)
        self.buf = [B0] if self.bold else []
        if self.italic:
            self.buf.append(I0)
        if not raw.strip() or not plain(raw).strip():
            return
        kind, level = "p", 2
        for k in reversed(self.kinds):
            if k.startswith("h"):
                kind, level = "h", min(4, max(2, int(k[1]) if k[1:].isdigit() else 2))
                break
            if k in ("li", "oli", "quote"):
                kind = k
                break
        text = normalise(raw)
        flat = plain(text)
        if not flat:
            return
        if self.caption and self.blocks and self.blocks[-1].kind == "fig" and not self.blocks[-1].caption:
            self.blocks[-1].caption = flat
            return
        self.blocks.append(
            Block(kind, text, level=level, explicit=kind == "h", center=self.center > 0,
                  bold_style=self.bold_block > 0, caption_el=self.caption > 0, _plain_of=text, _plain=flat)
        )

    # -- tree walk -----------------------------------------------------------------------------
    def feed(self, root: Any) -> list[Block]:
        self.node(root)
        self.flush()
        return self.blocks

    def children(self, el: Any) -> None:
        self.text(el.text)
        for child in el:
            self.node(child)
            self.text(child.tail)

    def node(self, el: Any) -> None:
        tag = el.tag
        if not isinstance(tag, str):
            if isinstance(el, etree._Comment):
                self.ctx.removed("comment", el.text or "")
            return
        tag = tag.lower()
        if tag in _DROP_TAGS:
            self.dropped(el, tag)
            return
        tokens = _classes(el)
        if tokens and self.furniture(el, tokens):
            return
        if tag == "img":
            self.image(el)
            return
        if tag == "br":
            self.flush()
            return
        if tag == "hr":
            self.flush()
            return
        if tag == "table" and self.data_table(el):
            return
        if tag == "a":
            self.anchor(el, tokens)
            return
        is_caption = tag == "figcaption" or any(self.r.caption_classes.fullmatch(t) for t in tokens)
        block = tag in _BLOCK_TAGS or is_caption
        style = f"{el.get('style') or ''} {el.get('cms-style') or ''}"
        styled = style != " "
        bold = tag in ("strong", "b") or (styled and tag not in ("h1", "h2", "h3", "h4", "h5", "h6")
                                          and bool(_BOLD_STYLE.search(style)))
        italic = tag in ("em", "i") and not bold
        center = (tag == "center" or (styled and bool(_CENTER_STYLE.search(style)))
                  or (el.get("align") or "").lower() == "center")
        if block:
            self.flush()
            kind = {"li": "oli" if el.getparent() is not None and el.getparent().tag == "ol" else "li",
                    "blockquote": "quote"}.get(tag, tag)
            self.kinds.append(kind)
        if center:
            self.center += 1
        if is_caption:
            self.caption += 1
        if bold:
            if block:
                self.bold_block += 1
            if self.bold == 0:
                self.buf.append(B0)
            self.bold += 1
        if italic:
            if self.italic == 0:
                self.buf.append(I0)
            self.italic += 1
        self.children(el)
        if italic:
            self.italic -= 1
            if self.italic == 0:
                self.buf.append(I1)
        if bold:
            self.bold -= 1
            if self.bold == 0:
                self.buf.append(B1)
            if block:
                self.flush()
                self.bold_block -= 1
        if block:
            self.flush()
            self.kinds.pop()
        if center:
            self.center -= 1
        if is_caption:
            self.caption -= 1

    def dropped(self, el: Any, tag: str) -> None:
        body = " ".join((el.text_content() if tag != "style" else (el.text or "")).split())
        if tag == "style":
            self.ctx.removed("css", html.unescape(body)[:120] or "<style>")
        elif tag in ("script", "noscript", "template"):
            self.ctx.removed("script", f"<{tag}> {body[:80]}".strip())
        elif tag in ("iframe", "video", "audio", "embed", "object", "frame", "applet", "canvas"):
            src = el.get("src") or el.get("data") or ""
            self.ctx.removed("furniture", f"<{tag}> {src}".strip())
        elif tag == "form":
            self.ctx.removed("furniture", f"<form> {body[:80]}".strip())
        for img in el.iter("img"):
            self.ctx.furniture_srcs.add(self.ctx.resolve(_img_src(img)))

    def furniture(self, el: Any, tokens: list[str]) -> bool:
        if any(t in self.r.containers for t in tokens):
            body = " ".join(el.text_content().split())
            for img in el.iter("img"):
                src = self.ctx.resolve(_img_src(img))
                if src:
                    self.ctx.furniture_srcs.add(src)
                    self.ctx.removed("furniture", f"image {src}")
            if body:
                self.ctx.removed("furniture", body)
            return True
        if (any(self.r.empty_media.search(t) for t in tokens) and not el.text_content().strip()
                and not any(True for _ in el.iter("img"))):
            self.ctx.removed("furniture", f"empty video placeholder <{el.tag} {el.get('id') or el.get('class') or ''}>")
            return True
        return False

    def anchor(self, el: Any, tokens: list[str]) -> None:
        href = (el.get("href") or "").strip()
        stock = bool(
            (href and self.r.stock_hrefs.search(href))
            or any(self.r.stock_classes.search(t) for t in (el.get("class") or "").split())
            or (el.get("code") or "").isdigit()
        )
        parent = el.getparent()
        if not stock and parent is not None and re.match(r"stock_", (parent.get("id") or ""), re.I):
            stock = True
        if stock:
            self.ctx.removed("stock_link", f"{' '.join(el.text_content().split())} ({href})")
            self.children(el)
            return
        url = self.ctx.resolve(href)
        if not url or self.link_open or url.lower().startswith(("javascript", "data")):
            self.children(el)
            return
        marker = self.ctx.link(url)
        if not marker:
            self.children(el)
            return
        self.buf.append(marker)
        self.link_open = True
        self.children(el)
        if self.link_open:
            self.buf.append(LINK_END)
            self.link_open = False

    def image(self, el: Any) -> None:
        src = self.ctx.resolve(_img_src(el))
        if not src:
            raw = _img_src(el)
            if raw and not raw.lower().startswith(("data:", "javascript:")):
                self.ctx.diag("warning", f"image with a relative address {raw[:80]!r}",
                              "left out (no base URL to resolve it)")
            return
        if self.r.furniture_images.search(src) or _tiny(el):
            self.ctx.furniture_srcs.add(src)
            self.ctx.removed("furniture", f"image {src}")
            return
        self.flush()
        alt = normalise(_PUA_RE.sub("", el.get("alt") or el.get("title") or ""))
        self.blocks.append(Block("fig", src=src, alt=alt, center=self.center > 0))

    def data_table(self, el: Any) -> bool:
        """A table of figures becomes a Markdown table; a layout table is walked as text."""
        rows = [r for r in el.iter("tr")]
        if not rows or any(True for _ in el.iter("img", "p", "div", "table") if _ is not el):
            return False
        cells = [[normalise(" ".join(c.text_content().split())) for c in r if isinstance(c.tag, str)
                  and c.tag.lower() in ("td", "th")] for r in rows]
        cells = [r for r in cells if any(r)]
        if not cells or max(len(r) for r in cells) < 2:
            return False
        self.flush()
        self.blocks.append(Block("table", rows=cells))
        return True


def _img_src(el: Any) -> str:
    for attr in ("data-src", "data-original", "data-lazy-src", "data-url", "src"):
        v = el.get(attr)
        if v and not v.strip().lower().startswith("data:"):
            return v.strip()
    return (el.get("src") or "").strip()


def _tiny(el: Any) -> bool:
    for attr in ("width", "height"):
        v = (el.get(attr) or "").strip().rstrip("px")
        if v.isdigit() and int(v) < 60:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Markdown and plain-text input
# ---------------------------------------------------------------------------------------------

_MD_HEADING = patterns.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_IMAGE_LINE = patterns.compile(r"^!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"([^\"]*)\")?\s*\)\s*$")
_MD_LIST = patterns.compile(r"^\s{0,3}(?:([-*+])|(\d{1,3})[.)])\s+(.*)$")
_MD_HR = patterns.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_MD_QUOTE = patterns.compile(r"^\s{0,3}>\s?(.*)$")
_MD_INLINE = patterns.compile(
    r"\\([\\`*_{}\[\]()#+\-.!>|~])"                 # escaped character
    r"|!\[([^\]]*)\]\(([^)\s]+)[^)]*\)"             # inline image
    r"|\[([^\]]+)\]\(\s*<?([^)\s>]+)>?[^)]*\)"      # link
    r"|(\*\*|__)(?=\S)(.+?)(?<=\S)\6"               # strong
    r"|\*(?=\S)([^*]+?)(?<=\S)\*"                   # emphasis
    r"|`([^`]+)`"                                   # code
)
_HTML_TAG = patterns.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^>]*|/[a-zA-Z][a-zA-Z0-9]*\s*|!--.*?--)>", re.S)


def _md_inline(text: str, ctx: _Ctx) -> tuple[str, list[Block]]:
    """Markdown inline syntax → marked text; inline images come back as extra figure blocks."""
    figs: list[Block] = []

    def sub(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        if m.group(3) is not None:
            src = ctx.resolve(m.group(3))
            if src and not rules().furniture_images.search(src):
                figs.append(Block("fig", src=src, alt=normalise(m.group(2) or "")))
            elif src:
                ctx.furniture_srcs.add(src)
                ctx.removed("furniture", f"image {src}")
            return ""
        if m.group(4) is not None:
            url, inner = ctx.resolve(m.group(5)), m.group(4)
            if url and rules().stock_hrefs.search(url):
                ctx.removed("stock_link", f"{inner} ({url})")
                return inner
            marker = ctx.link(url) if url else ""
            return f"{marker}{inner}{LINK_END}" if marker else inner
        if m.group(6) is not None:
            return f"{B0}{_md_inline(m.group(7), ctx)[0]}{B1}"
        if m.group(8) is not None:
            return f"{I0}{m.group(8)}{I1}"
        return m.group(9) or ""

    return _MD_INLINE.sub(sub, _PUA_RE.sub("", text)), figs


def _split_lines_into_paragraphs(lines: list[str]) -> list[str]:
    """Lines of one Markdown paragraph: join hard-wrapped lines, but keep one-sentence-per-line text."""
    if len(lines) > 1 and all(_ENDS_SENTENCE.search(ln.rstrip()) for ln in lines):
        return lines
    out = lines[0].strip()
    for ln in lines[1:]:
        ln = ln.strip()
        if out and ln and out[-1].isascii() and out[-1].isalnum() and ln[0].isascii() and ln[0].isalnum():
            out += " " + ln
        else:
            out += "\n" + ln
    return [out]


def _markdown_blocks(body: str, ctx: _Ctx, markdown: bool) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    quote = False

    def add_text(raw: str, kind: str = "p", level: int = 2, explicit: bool = False) -> None:
        if markdown and _HTML_TAG.search(raw):
            root = lxml.html.fragment_fromstring(raw, create_parent="div")
            reader = _HtmlReader(ctx)
            for b in reader.feed(root):
                if kind != "p" and b.kind == "p":
                    b.kind, b.level, b.explicit = kind, level, explicit
                blocks.append(b)
            return
        if markdown:
            text, figs = _md_inline(raw, ctx)
        else:
            text, figs = _PUA_RE.sub("", raw), []
        text = normalise(text)
        if plain(text):
            blocks.append(Block(kind, text, level=level, explicit=explicit))
        blocks.extend(figs)

    def end_para() -> None:
        nonlocal para, quote
        if para:
            for p in _split_lines_into_paragraphs(para):
                add_text(p, "quote" if quote else "p")
        para, quote = [], False

    for line in body.splitlines():
        stripped = line.strip().strip("\u3000")
        if not stripped:
            end_para()
            continue
        if markdown:
            m = _MD_HEADING.match(stripped)
            if m:
                end_para()
                level = len(m.group(1))
                add_text(m.group(2), "h", min(4, max(2, level)), explicit=True)
                if level == 1:
                    blocks[-1].level = 1  # the title, if it is the first heading
                continue
            m = _MD_IMAGE_LINE.match(stripped)
            if m:
                end_para()
                src = ctx.resolve(m.group(2))
                if src and not rules().furniture_images.search(src):
                    blocks.append(Block("fig", src=src, alt=normalise(m.group(1)), caption=normalise(m.group(3) or "")))
                elif src:
                    ctx.furniture_srcs.add(src)
                    ctx.removed("furniture", f"image {src}")
                continue
            if _MD_HR.match(stripped):
                end_para()
                continue
            m = _MD_LIST.match(line)
            if m:
                end_para()
                add_text(m.group(3), "oli" if m.group(2) else "li")
                continue
            m = _MD_QUOTE.match(line)
            if m:
                if not quote:
                    end_para()
                quote = True
                if m.group(1).strip():
                    para.append(m.group(1))
                else:
                    end_para()
                continue
            if quote:
                end_para()
        para.append(stripped)
    end_para()
    return blocks


# ---------------------------------------------------------------------------------------------
# Block passes
# ---------------------------------------------------------------------------------------------


def _retext(block: Block, new_plain: str) -> None:
    """Replace a block's text after a text rule cut part of it (its inline emphasis is dropped then)."""
    block.text = normalise(new_plain)


def _strip_furniture(blocks: list[Block], ctx: _Ctx, editors: list[str]) -> list[Block]:
    r = rules()
    out: list[Block] = []
    for b in blocks:
        if b.kind in ("fig", "table"):
            out.append(b)
            continue
        text = b.plain
        if len(text) <= 160 and (r.lines_start.match(text) or r.lines_any.search(text)):
            ctx.removed("furniture", text)
            continue
        if len(text) <= 120 and r.editor_line.match(text):
            _take_editors(text, editors)
            ctx.removed("editor_line", text)
            continue
        changed = True
        while changed and text:
            changed = False
            cut = max(0, len(text) - 80)  # tails are short: look at the end only
            m = r.end_marker.search(text, cut)
            if m and (m.start() == 0 or m.start() > cut or text[m.start()] in "（(【[—-"):
                ctx.removed("end_marker", m.group().strip())
                text = text[: m.start()].rstrip()
                changed = True
            m = r.editor_tail.search(text, cut) if text.endswith(("）", ")", "】", "]")) else None
            if m:
                _take_editors(m.group(), editors)
                ctx.removed("editor_line", m.group())
                text = text[: m.start()].rstrip()
                changed = True
        if text != b.plain:
            if not text:
                continue
            _retext(b, text)
        out.append(b)
    return out


def _take_editors(text: str, editors: list[str]) -> None:
    r = rules()
    for m in r.role_name.finditer(text):
        if m.group("role") in r.editor_roles:
            for name in re.split(r"[\s、,，/和]+", m.group("names")):
                if len(name) >= 2 and name not in editors:
                    editors.append(name)


def _credit_names(text: str) -> list[str]:
    """Photographers named in a caption's credit (本报记者 贺 勇摄 → 贺勇)."""
    for pat in rules().photo_credits:
        m = pat.search(text)
        if m:
            tokens = re.split(r"[ 、]+", m.group("names").strip())
            names: list[str] = []
            i = 0
            while i < len(tokens):
                t = tokens[i]
                if len(t) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) == 1:
                    names.append(t + tokens[i + 1])
                    i += 2
                    continue
                if len(t) >= 2:
                    names.append(t)
                i += 1
            return names
    return []


def _is_credit(text: str) -> bool:
    r = rules()
    return bool(r.credit_lines.search(text) or any(p.search(text) for p in r.photo_credits))


def _caption_like(b: Block) -> bool:
    if b.kind != "p" or len(b.plain) > 100:
        return False
    t = b.plain
    return _is_credit(t) or bool(rules().caption_start.match(t)) or b.caption_el


def _attach_captions(blocks: list[Block], ctx: _Ctx) -> list[Block]:
    """A short centred or credit-bearing paragraph right after a picture is its caption."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == "fig" and not prev.caption and b.kind == "p"
                and len(b.plain) <= 150 and ((b.center and prev.center) or _caption_like(b) or b.caption_el)):
            prev.caption = b.plain
            continue
        out.append(b)
    return out


def _rejoin_split_sentences(blocks: list[Block], ctx: _Ctx) -> list[Block]:
    """Scanned pages split sentences: at a comma, or around a photo caption. Join them again."""
    out: list[Block] = []
    pending: list[Block] = []
    blocks = list(blocks)
    i = 0
    n = len(blocks)
    while i < n:
        b = blocks[i]
        if b.kind == "p" and not b.explicit:
            # Around a caption: text … (caption lines / figures) … continuation.
            if not _ENDS_SENTENCE.search(b.text):
                j = i + 1
                interrupters: list[Block] = []
                while j < n and len(interrupters) < 4 and (
                    blocks[j].kind == "fig" or (blocks[j].kind == "p" and len(blocks[j].plain) <= 100
                                                and not blocks[j].explicit)
                ):
                    if blocks[j].kind == "p" and not interrupters and not _caption_like(blocks[j]) and \
                            not (j + 1 < n and _caption_like(blocks[j + 1])):
                        break
                    interrupters.append(blocks[j])
                    j += 1
                    if any(x.kind == "fig" or _caption_like(x) for x in interrupters) and j < n \
                            and blocks[j].kind == "p" and not _caption_like(blocks[j]):
                        break
                captioned = any(_caption_like(x) for x in interrupters)
                if (interrupters and j < n and blocks[j].kind == "p" and not blocks[j].explicit
                        and not _caption_like(blocks[j])
                        # a picture alone splits only a long paragraph (a short line may be a heading)
                        and (captioned or (len(b.plain) >= 40 and any(x.kind == "fig" for x in interrupters)))):
                    # The rejoined paragraph goes back into the stream (it may continue at a comma);
                    # the caption follows it once it is complete.
                    blocks[j] = Block("p", normalise(b.text + blocks[j].text), center=b.center)
                    figs = [x for x in interrupters if x.kind == "fig"]
                    caption = " ".join(x.plain for x in interrupters if x.kind == "p")
                    if figs:
                        if caption and not figs[0].caption:
                            figs[0].caption = normalise(caption)
                        pending.extend(figs)
                    else:
                        pending.append(Block("fig", caption=normalise(caption)))
                    ctx.removed("caption_moved", caption or figs[0].caption or figs[0].src)
                    i = j
                    continue
            # At a comma: the paragraph continues in the next one.
            if _ENDS_COMMA.search(b.text) and i + 1 < n and blocks[i + 1].kind == "p" \
                    and not blocks[i + 1].explicit:
                blocks[i + 1] = Block("p", normalise(b.text + blocks[i + 1].text), center=b.center)
                i += 1
                continue
        out.append(b)
        out.extend(pending)
        pending.clear()
        i += 1
    out.extend(pending)
    return out


_ORIGINAL_TITLE = patterns.compile(r"^[（(【]?\s*原(?:标|题)?标?题[：:]\s*(?P<t>.+?)\s*[）)】]?$")


def _original_title(blocks: list[Block], ctx: _Ctx) -> tuple[list[Block], str | None]:
    found: str | None = None
    out: list[Block] = []
    for b in blocks:
        if b.kind == "p" and found is None:
            m = _ORIGINAL_TITLE.match(b.plain)
            if m:
                found = m.group("t")
                ctx.removed("original_title", b.plain)
                continue
        out.append(b)
    return out, found


_BYLINE = patterns.compile(
    f"^(?:(?P<outlet>[{HAN}A-Za-z0-9]{{2,12}}?)(?=记者|通讯员|实习生|特约记者))?"
    f"(?:记者|通讯员|实习生|特约记者|作者|文|撰文|文字)\\s*[：:/|｜]?\\s*"
    f"(?P<names>[{HAN}·]{{2,4}}(?:\\s*(?:[、，,]|\\s|通讯员|实习生|记者)\\s*[{HAN}·]{{2,4}}){{0,5}})$"
)
_SOURCE_BYLINE = patterns.compile(f"^[（(]?(?:据|来源[：:]\\s*)(?P<agency>[{HAN}]{{2,12}}?)(?:电|消息|报道)?[）)]?$")


def _split_names(s: str) -> list[str]:
    s = re.sub(r"通讯员|实习生|特约记者|记者", " ", s)
    tokens = [t for t in re.split(r"[\s、，,和]+", s) if t]
    names: list[str] = []
    i = 0
    while i < len(tokens):  # a padded two-character name: 贺 勇
        if len(tokens[i]) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) == 1:
            names.append(tokens[i] + tokens[i + 1])
            i += 2
            continue
        if len(tokens[i]) >= 2:
            names.append(tokens[i])
        i += 1
    return names


def _agency_of(outlet: str) -> str | None:
    outlet = outlet.strip()
    if not outlet or outlet in ("本报", "本刊", "本台", "本网"):
        return None
    return outlet


@dataclass
class _Credits:
    agency: str | None = None
    reporters: list[str] = field(default_factory=list)

    def add(self, agency: str | None, names: list[str]) -> None:
        if agency and not self.agency:
            self.agency = agency
        for n in names:
            if n not in self.reporters:
                self.reporters.append(n)


def _datelines_and_bylines(blocks: list[Block], ctx: _Ctx) -> tuple[list[Block], _Credits]:
    r = rules()
    credits = _Credits()
    out: list[Block] = []
    first_text = next((i for i, b in enumerate(blocks) if b.kind == "p"), -1)
    for i, b in enumerate(blocks):
        if b.kind != "p":
            out.append(b)
            continue
        t = b.plain
        m = _BYLINE.match(t)
        if m and len(t) <= 40:
            credits.add(_agency_of(m.group("outlet") or ""), _split_names(m.group("names")))
            ctx.removed("byline", t)
            continue
        m = _SOURCE_BYLINE.match(t)
        if m and len(t) <= 20 and i > first_text:
            credits.add(_agency_of(m.group("agency")), [])
            ctx.removed("byline", t)
            continue
        if i == first_text:
            m = r.dateline.match(t)
            if m and m.end() < len(t):
                agency = m.group("agency") or m.group("agency2") or ""
                names = _split_names((m.group("paren") or "") + " " + (m.group("bare") or ""))
                paren = m.group("paren") or ""
                if paren and not re.search("记者|通讯员|实习生", paren) and not names:
                    names = []
                credits.add(_agency_of(agency), names)
                ctx.removed("dateline", t[: m.end()].strip())
                rest = t[m.end():].strip()
                if rest:
                    b.text = _cut_prefix(b.text, len(t) - len(rest))
                    out.append(b)
                continue
        out.append(b)
    return out, credits


def _cut_prefix(marked: str, n_plain: int) -> str:
    """Drop the first n plain characters of a marked text, keeping the markers."""
    count = 0
    kept: list[str] = []
    for ch in marked:
        if "\ue000" <= ch <= "\ue1ff":
            kept.append(ch)
        elif count < n_plain:
            count += 1
        else:
            kept.append(ch)
    return normalise("".join(kept))


_SPEAKER = patterns.compile(
    f"^(?P<sp>[{HAN}A-Za-z·][{HAN}A-Za-z0-9·. ]{{0,38}}?)[：:](?P<rest>.+)$"
)
_SAY_VERBS = patterns.compile(
    "(?:表示|说|指出|介绍|认为|称|强调|透露|坦言|提到|回忆|告诉|解释|补充|建议|表态|宣布|发布|显示|写道|"
    "问道|答道|总结|提醒|坦承|直言|呼吁|来源|标题|时间|地点|主题|电话|地址|截至|其中|包括|如下)$"
)
_ORDINAL = patterns.compile("^(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+|其[一二三四五六七八九十])$")
_TURN_MARKERS = {"问", "答", "记者", "主持人", "Q", "A"}


def _speakers(blocks: list[Block]) -> None:
    """Quotations from named people → blockquote; interview turns → speaker in bold."""
    turns: list[tuple[Block, str, str]] = []
    for b in blocks:
        if b.kind != "p":
            continue
        t = b.plain
        m = _SPEAKER.match(t)
        if not m:
            continue
        sp, rest = m.group("sp").strip(), m.group("rest").strip()
        if not rest or _SAY_VERBS.search(sp) or _ORDINAL.match(sp) or re.search(r"\d", sp):
            continue
        bold_only = _bold_only(b.text)
        named = re.search(f"\\S \\S*[{HAN}·]{{2,}}$", sp) is not None  # 职务 姓名
        if (bold_only or b.bold_style or named) and len(sp) >= 2 and len(rest) >= 10:
            b.kind, b.speaker, b.text = "quote", sp, normalise(_cut_prefix(b.text, m.start("rest")))
            b.text = _strip_bold(b.text)
            continue
        if len(sp) <= 10 and " " not in sp:
            turns.append((b, sp, rest))
    speakers = [sp for _, sp, _ in turns]
    distinct = set(speakers)
    if (len(turns) >= 3 and len(distinct) >= 2) or (distinct & _TURN_MARKERS and len(turns) >= 2):
        for b, sp, _rest in turns:
            if speakers.count(sp) >= 2 or sp in _TURN_MARKERS:
                b.speaker = sp
                b.text = _cut_prefix(b.text, len(sp) + 1)


def _bold_only(text: str) -> bool:
    t = text.strip()
    return t.startswith(B0) and t.endswith(B1) and B0 not in t[1:-1] and len(t) > 2


def _strip_bold(text: str) -> str:
    return text.replace(B0, "").replace(B1, "")


_DATE_ONLY = patterns.compile(r"^[\d年月日时分:：.\-/ ]+$")


def _heading_candidate(b: Block) -> bool:
    if b.kind != "p" or b.explicit:
        return False
    t = b.plain
    if not t or len(t) > 40 or _ENDS_SENTENCE.search(t) or _ENDS_COMMA.search(t) or "。" in t or _DATE_ONLY.match(t):
        return False
    if _is_credit(t) or _BYLINE.match(t) or _SOURCE_BYLINE.match(t):
        return False
    if not _HAN_RE.search(t):
        return False
    if _bold_only(b.text) or (b.bold_style and B0 in b.text and len(plain(b.text)) == len(t)):
        return len(t) <= 40
    return len(t) <= 30 and t.count("，") == 0


def _headings(blocks: list[Block]) -> list[Block]:
    """Bold-only lines, bold-styled lines and short unpunctuated section openers become ## headings.

    Consecutive heading lines (a two-line heading, ■ 对话 / name / headline) are one heading.
    """
    out: list[Block] = []
    i, n = 0, len(blocks)
    while i < n:
        if _heading_candidate(blocks[i]):
            j = i
            while j < n and j - i < 3 and _heading_candidate(blocks[j]):
                j += 1
            nxt = blocks[j] if j < n else None
            bold = all(_bold_only(b.text) or b.bold_style for b in blocks[i:j])
            # A plain short line is a heading only when a paragraph of text follows it.
            if nxt is not None and (bold or nxt.kind == "fig" or (
                    nxt.kind in ("p", "quote", "li", "oli") and len(nxt.plain) > len(blocks[j - 1].plain)
                    and _ENDS_SENTENCE.search(nxt.text))):
                title = " ".join(plain(b.text).strip() for b in blocks[i:j])
                out.append(Block("h", normalise(title), level=2))
                i = j
                continue
        out.append(blocks[i])
        i += 1
    return out


def _off_topic(blocks: list[Block], ctx: _Ctx) -> list[Block]:
    """Drop sections that never use the fair's vocabulary while the rest of the article does."""
    heads = [b.level for b in blocks if b.kind == "h" and b.level >= 2]
    if not heads:
        return blocks
    top = min(heads)
    sections: list[list[Block]] = [[]]
    for b in blocks:
        if b.kind == "h" and b.level == top:
            sections.append([])
        sections[-1].append(b)
    topic = rules().topic

    def hits(sec: list[Block]) -> int:
        return sum(len(rx.findall(b.plain + " " + b.caption)) for b in sec for rx in topic)

    counts = [hits(s) for s in sections]
    total = sum(counts)
    out: list[Block] = list(sections[0])
    for sec, c in zip(sections[1:], counts[1:], strict=True):
        body_chars = sum(len(b.plain) for b in sec if b.kind != "h")
        if c == 0 and body_chars >= 150 and total >= 3:
            first = [b.plain for b in sec[:2] if b.kind == "h"] or [sec[0].plain]
            ctx.removed("off_topic", " / ".join(first))
            continue
        out.extend(sec)
    return out


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------

_MD_ESCAPE = patterns.compile(r"([\\`*_\[\]<]|&(?=#?\w+;))")
_LINE_START = patterns.compile(r"^(#|[>+\-=]|\d{1,9}(?=[.)]))")


def _escape(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        c = m.group()
        if c == "<":
            return "&lt;"
        if c == "&":
            return "&amp;"
        return "\\" + c

    return _MD_ESCAPE.sub(sub, text)


def _md_inline_render(text: str, links: list[str]) -> str:
    s = _escape(text)
    s = _LINE_START.sub(lambda m: m.group() + "\\" if m.group()[0].isdigit() else "\\" + m.group(), s, count=1)
    if not _MARK_RE.search(s):
        return s
    out: list[str] = []
    stack: list[str] = []
    for ch in s:
        if ch in (B0, B1):
            out.append("**")
        elif ch in (I0, I1):
            out.append("*")
        elif "\ue100" <= ch <= "\ue1ff":
            stack.append(links[ord(ch) - LINK_BASE])
            out.append("[")
        elif ch == LINK_END:
            url = stack.pop() if stack else ""
            out.append(f"]({quote(url, safe=':/?#&=%+@;,.~!$*-_')})" if url else "")
        else:
            out.append(ch)
    return "".join(out)


_GENERIC_ALT = patterns.compile(r"(?i)(?:图片?|image|photo|img|\d+|[\w-]+\.(?:jpe?g|png|gif|webp))")


def _figure_html(fig: Block, alt: str) -> str:
    cap = f"<figcaption>{html.escape(fig.caption, quote=False)}</figcaption>" if fig.caption else ""
    img = (f'<img src="{html.escape(fig.src)}" alt="{html.escape(alt)}" loading="lazy" '
           f'referrerpolicy="no-referrer">') if fig.src else ""
    return _NH3.clean(f"<figure>{img}{cap}</figure>")


_OUTLET_TAIL = patterns.compile(f"(?:^|(?<=[。！？；，\\s]))[{HAN}]{{0,10}}(?:本报|社|报|网|台|中国|视觉)$")


def _strip_credit(caption: str) -> str:
    """A caption without its photo credit (for alt text): …参观。本报记者 贺勇摄 → …参观。"""
    for pat in rules().photo_credits:
        m = pat.search(caption)
        if m:
            return _OUTLET_TAIL.sub("", caption[: m.start()].rstrip(" （(")).strip()
    m = rules().credit_lines.search(caption)
    return caption[: m.start()].strip() if m else caption


def _render(blocks: list[Block], links: list[str], title: str) -> tuple[str, str, list[Image]]:
    md: list[str] = []
    text: list[str] = []
    images: list[Image] = []
    n_fig = 0
    for b in blocks:
        if b.kind == "fig":
            alt = b.alt if b.alt and not _GENERIC_ALT.fullmatch(b.alt) else ""
            if b.src:
                n_fig += 1
                alt = (alt and _strip_credit(alt)) or alt or _strip_credit(b.caption) or \
                    (f"{title} 配图" if n_fig == 1 else f"{title} 配图{n_fig}")
                images.append(Image(src=b.src, caption=b.caption, alt=alt))
            md.append(_figure_html(b, alt))
            continue
        if b.kind == "table":
            width = max(len(r) for r in b.rows)
            rows = [r + [""] * (width - len(r)) for r in b.rows]
            cell = lambda c: _escape(c).replace("|", "\\|")  # noqa: E731
            lines = ["| " + " | ".join(cell(c) for c in rows[0]) + " |",
                     "|" + "---|" * width]
            lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows[1:]]
            md.append("\n".join(lines))
            text.extend(" ".join(c for c in r if c) for r in rows)
            continue
        body = _md_inline_render(b.text, links)
        flat = b.plain.replace("\n", " ")
        if b.kind == "h":
            md.append("#" * max(2, b.level) + " " + _md_inline_render(_strip_bold(b.text), links).lstrip("\\"))
            text.append(flat)
        elif b.kind == "quote":
            if b.speaker:
                md.append(f"> **{_escape(b.speaker)}**：{body}")
                text.append(f"{b.speaker}：{flat}")
            else:
                md.append("> " + body)
                text.append(flat)
        elif b.kind in ("li", "oli"):
            prefix = "1. " if b.kind == "oli" else "- "
            item = prefix + body
            if md and md[-1].startswith(prefix) and md[-1].count("\n\n") == 0 and _last_kind(md) == b.kind:
                md[-1] += "\n" + item
            else:
                md.append(item)
            text.append(flat)
        else:
            if b.speaker:
                md.append(f"**{_escape(b.speaker)}**：{body}")
                text.append(f"{b.speaker}：{flat}")
            else:
                md.append(body)
                text.append(flat)
    return "\n\n".join(md) + ("\n" if md else ""), "\n".join(t for t in text if t), images


def _last_kind(md: list[str]) -> str:
    return "oli" if md[-1].startswith("1. ") else "li"


# ---------------------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------------------


def _meta_url(meta: dict[str, Any]) -> str | None:
    for key in ("url", "link", "source", "original_url", "source_url", "canonical", "permalink"):
        v = meta.get(key)
        if isinstance(v, str) and re.match(r"(?i)^https?://\S+$", v.strip()):
            return v.strip()
    return None


_CN_DATE = patterns.compile(
    r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?)?"
)


def parse_date(value: Any) -> datetime | None:
    """A timezone-aware datetime from a front-matter date (RFC 2822, ISO, 2022年9月5日 …).

    Naive values are taken as Beijing time: the outlets are Chinese.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=BEIJING)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=BEIJING)
    s = str(value).strip()
    try:
        dt = email.utils.parsedate_to_datetime(s)
        if dt is not None:
            return dt if dt.tzinfo else dt.replace(tzinfo=BEIJING)
    except (TypeError, ValueError, IndexError):
        pass
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
        return dt if dt.tzinfo else dt.replace(tzinfo=BEIJING)
    except ValueError:
        pass
    m = _CN_DATE.search(s)
    if m:
        y, mo, d, hh, mm, ss = (int(x) if x else 0 for x in m.groups())
        try:
            return datetime(y, mo, d, hh, mm, ss, tzinfo=BEIJING)
        except ValueError:
            return None
    try:
        from dateutil import parser as dparser

        dt = dparser.parse(s)
        return dt if dt.tzinfo else dt.replace(tzinfo=BEIJING)
    except (ValueError, OverflowError, ImportError):
        return None


def _categories(value: Any) -> list[str]:
    items: list[Any]
    if isinstance(value, str):
        items = re.split(r"[,，;；]", value)
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return []
    out: list[str] = []
    for item in items:
        s = " ".join(str(item).split())
        s = _t2s(s)
        if s and s not in out:
            out.append(s)
    return out


@lru_cache(maxsize=1)
def _opencc() -> Any:
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # pragma: no cover - optional
        return None


def _t2s(s: str) -> str:
    if s.isascii():
        return s
    cc = _opencc()
    return cc.convert(s) if cc else s


def clean_title(title: str) -> str:
    """A title is text: markup in it is dropped (with script/style content), entities decoded,
    and it gets the same typography as the body (double spaces, ASCII punctuation)."""
    text = html.unescape(_TEXT_ONLY.clean(title or ""))
    return plain(normalise(_PUA_RE.sub("", text)))


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def _read_blocks(source: Source, ctx: _Ctx) -> list[Block]:
    body = source.body or ""
    if source.fmt == "html":
        if not body.strip():
            return []
        try:
            root = lxml.html.fragment_fromstring(body, create_parent="div")
        except (etree.ParserError, ValueError):
            ctx.diag("warning", "HTML body could not be parsed", "read as plain text")
            return _markdown_blocks(body, ctx, markdown=False)
        return _HtmlReader(ctx).feed(root)
    return _markdown_blocks(body, ctx, markdown=source.fmt == "markdown")


def clean(source: Source) -> Article:
    """Turn a decoded source into an editor-grade article: Markdown body, plain text, metadata."""
    r = rules()
    ctx = _Ctx(source)
    meta = source.meta or {}
    blocks = _read_blocks(source, ctx)

    # Title: front matter, else the first level-1 heading (which then leaves the body).
    title = clean_title(str(meta.get("title") or ""))
    title_inferred = False
    first_h1 = next((i for i, b in enumerate(blocks) if b.kind == "h" and b.level == 1), None)
    if first_h1 is not None and (not title or plain(blocks[first_h1].text) == title):
        if not title:
            title = plain(blocks[first_h1].text)
            title_inferred = True
        del blocks[first_h1]
    for b in blocks:
        if b.kind == "h" and b.level == 1:
            b.level = 2
    if not title:
        first = next((b.plain for b in blocks if b.kind == "p"), "")
        title = re.split("[。！？]", first)[0][:40] if first else source.stem
        title_inferred = True
        ctx.diag("warning", "no title in front matter or body", f"used the first sentence: {title}")

    editors: list[str] = []
    blocks = _strip_furniture(blocks, ctx, editors)
    blocks, original = _original_title(blocks, ctx)
    blocks = _attach_captions(blocks, ctx)
    blocks = _rejoin_split_sentences(blocks, ctx)
    blocks = _headings(blocks)
    blocks = _off_topic(blocks, ctx)
    blocks, credits = _datelines_and_bylines(blocks, ctx)
    _speakers(blocks)
    # A heading with no text under it (its section was emptied) goes too.
    blocks = [b for i, b in enumerate(blocks)
              if not (b.kind == "h" and not b.explicit and (i + 1 == len(blocks)))]

    photographers: list[str] = []
    for b in blocks:
        if b.kind == "fig" and b.caption:
            for name in _credit_names(b.caption):
                if name not in photographers:
                    photographers.append(name)

    body_md, text, images = _render(blocks, ctx.links, title)

    # Lead image: the first real picture; a front-matter image only when it is not furniture.
    lead: Image | None = images[0] if images else None
    for key in ("headimg", "thumbnail", "image", "cover"):
        v = meta.get(key)
        if not isinstance(v, str) or not v.strip():
            continue
        src = ctx.resolve(v)
        if not src:
            continue
        if src in ctx.furniture_srcs or r.furniture_images.search(src):
            ctx.removed("furniture", f"front-matter {key} {src}")
            ctx.diag("info", f"front-matter {key} is site furniture ({src})", "not used as the lead image")
            continue
        if lead is None:
            lead = next((im for im in images if im.src == src), Image(src=src, alt=f"{title} 配图"))
        break

    published = parse_date(meta.get("date") or meta.get("published") or meta.get("pubDate"))
    if published is None:
        raw = meta.get("date") or meta.get("published")
        if raw:
            ctx.diag("warning", f"unparseable date {raw!r} in front matter",
                     "publication date left empty; inferred from the text later")

    if original is not None:
        original = clean_title(original)
        if original.replace(" ", "") == title.replace(" ", ""):
            original = None

    outlet = meta.get("author") or meta.get("outlet") or meta.get("source_name")
    if not body_md.strip():
        ctx.diag("warning", "the article has no text left after cleaning", "published with an empty body")

    return Article(
        stem=source.stem,
        path=source.path,
        title=title,
        body_markdown=body_md,
        text=text,
        original_title=original,
        outlet=clean_title(str(outlet)) or None if outlet else None,
        agency=credits.agency,
        reporters=credits.reporters,
        photographers=photographers,
        editors=editors,
        published=published,
        title_inferred=title_inferred,
        url=_meta_url(meta),
        lead_image=lead,
        images=images,
        categories=_categories(meta.get("categories") or meta.get("tags")),
        removals=ctx.removals,
        diagnostics=ctx.diagnostics,
        content_hash=source.content_hash,
    )
