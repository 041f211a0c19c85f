"""Watched topics (data/topics.yml): which articles mention them and how often each edition does."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import datafiles
from .records import Article

DATA = Path(__file__).resolve().parent.parent / "data" / "topics.yml"


@dataclass(frozen=True)
class Topic:
    id: str
    zh: str
    en: str
    terms: tuple[str, ...]


@lru_cache(maxsize=1)
def load(path: Path = DATA) -> tuple[Topic, ...]:
    entries = datafiles.load(path) or []
    return tuple(Topic(e["id"], e["zh"], e["en"], tuple(e.get("terms") or [e["zh"]])) for e in entries)


def count(topic: Topic, text: str) -> int:
    return sum(text.count(term) for term in topic.terms)


def tag(article: Article, counted: dict[str, int] | None = None) -> list[str]:
    """The zh labels of the topics an article mentions (title or text), in data-file order.
    `counted`: counts() of the text, when the caller has it (then only the title is searched)."""
    if counted is None:
        counted = counts(article.text)
    return [t.zh for t in load() if t.id in counted or count(t, article.title)]


def counts(text: str) -> dict[str, int]:
    """Mentions of each topic in one article's text, by topic id (only topics it mentions)."""
    return {t.id: n for t in load() if (n := count(t, text))}


def density(counted: list[dict[str, int]], chars: int) -> dict[str, float]:
    """Mentions per 10,000 characters over articles counted by `counts`, holding `chars` characters."""
    if not chars:
        return {t.id: 0.0 for t in load()}
    return {t.id: round(sum(c.get(t.id, 0) for c in counted) * 10000 / chars, 2) for t in load()}
