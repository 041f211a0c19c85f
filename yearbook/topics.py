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


def tag(article: Article) -> list[str]:
    """The zh labels of the topics an article mentions, in data-file order."""
    text = f"{article.title}\n{article.text}"
    return [t.zh for t in load() if count(t, text)]


def density(texts: list[str]) -> dict[str, float]:
    """Mentions per 10,000 characters of the given texts, per topic id."""
    total = sum(len(t) for t in texts)
    if not total:
        return {t.id: 0.0 for t in load()}
    return {t.id: round(sum(count(t, x) for x in texts) * 10000 / total, 2) for t in load()}
