"""The small typed records that flow between the pipeline stages.

read → Source; clean → Article; classify → Classification; extract → Figure / Claim;
reconcile → Edition. Each stage takes records and returns records; none reaches into
another stage's internals.

The records an article leaves in the build's index for every later build (its figures, claims,
removals and diagnostics: about 30 of them an article, 300,000 at 10,000 articles) are NamedTuples
rather than dataclasses: read back from the index, a tuple is made in a fifth of the time an
instance with its attribute dictionary takes, and reading the index is most of a rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple


class Diagnostic(NamedTuple):
    """One thing the editor should know about one input file."""

    path: str  # the seed file, relative to seeds/
    level: str  # "error" (not published) | "warning" | "info"
    problem: str  # what is wrong
    action: str  # what the build did about it

    def line(self) -> str:
        return f"{self.level.upper()} {self.path}: {self.problem} → {self.action}"


@dataclass
class Source:
    """A decoded input file: front matter plus body, before any cleaning."""

    stem: str  # permanent article id (file stem, made URL-safe)
    path: str  # file name relative to seeds/
    encoding: str
    fmt: str  # "html" | "markdown" | "text"
    meta: dict[str, Any]
    body: str
    content_hash: str  # sha256 of the raw bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class Image:
    src: str
    caption: str = ""
    alt: str = ""


class Removal(NamedTuple):
    """Something the cleaner took out of an article, kept so the report can show it."""

    kind: str  # "furniture" | "off_topic" | "caption_moved" | "stock_link" | "editor_line" | ...
    text: str  # the removed text (or its first line)


@dataclass
class Article:
    """A cleaned article: metadata and editor-grade Markdown body."""

    stem: str
    path: str
    title: str
    body_markdown: str
    text: str  # plain text for fact extraction: one paragraph per line, off-topic parts removed
    original_title: str | None = None
    outlet: str | None = None
    agency: str | None = None  # 中新网, 新华社 …
    reporters: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    published: datetime | None = None  # timezone-aware
    published_inferred: bool = False
    title_inferred: bool = False
    url: str | None = None
    lead_image: Image | None = None
    images: list[Image] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    content_hash: str = ""
    also_found_in: list[tuple[str, str | None]] = field(default_factory=list)  # duplicates: (seed path, outlet)


@dataclass(frozen=True)
class Classification:
    """Which edition an article reports on, and why."""

    edition: int | None  # the year of the edition, None when not about the fair
    reason: str
    inferred_date: date | None = None  # a publication date found in the text
    mentioned_editions: tuple[int, ...] = ()


class Figure(NamedTuple):
    """One number (or date, text, list) for one metric of one edition, with its quote."""

    metric: str
    edition: int
    value: Any  # int | float | str | list[str] | ISO date str
    unit: str | None
    qualifier: str | None  # 超 近 余 多 约 突破 逾 …
    text: str  # the figure as written: "15.2万平方米"
    article: str  # stem
    quote: str  # the sentence it came from
    published: str | None  # ISO date of the article
    scope: str | None = None  # 整体 / 线下 / 综合展 / 专题展 …
    stage: str = "during"  # preview | during | closing
    as_of: str | None = None  # ISO date the figure describes
    retrospective: bool = False  # about an edition other than the article's own


class Claim(NamedTuple):
    """A relative statement (比上届增加13个) that can be checked against the previous edition."""

    metric: str
    edition: int
    kind: str  # "diff" (absolute change) | "pp" (percentage points) | "pct" (growth %)
    amount: float
    text: str
    article: str
    quote: str
    scope: str | None = None


@dataclass
class Choice:
    """The reconciled value of one metric (one scope) of one edition."""

    metric: str
    chosen: Figure
    reason: str
    alternatives: list[Figure] = field(default_factory=list)
    conflict: bool = False
    edited: bool = False  # an editor's override


@dataclass
class ClaimCheck:
    claim: Claim
    status: str  # "agrees" | "disagrees" | "cannot check"
    detail: str = ""


@dataclass
class Edition:
    """Everything the site knows about one year's fair."""

    year: int
    articles: list[str] = field(default_factory=list)
    metrics: dict[str, Choice] = field(default_factory=dict)  # key: metric id, or "metric@scope"
    claims: list[ClaimCheck] = field(default_factory=list)
    firsts: list[tuple[str, str]] = field(default_factory=list)  # (article stem, sentence)
