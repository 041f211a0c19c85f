"""Seed → Article through the real reader and cleaner, for the classify/extract/reconcile tests."""

from __future__ import annotations

from pathlib import Path

from yearbook import clean, read
from yearbook.records import Article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def seed_article(prefix: str) -> Article:
    """The cleaned article of the seed whose file name starts with prefix (e.g. "003")."""
    path = next(SEEDS.glob(prefix + "_*"))
    source, diags = read.read_file(path, SEEDS)
    assert source is not None, diags
    return clean.clean(source)
