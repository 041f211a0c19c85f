"""/data/editions.json and /data/editions.csv: the reconciled facts as downloadable data.

Key order and row order are fixed so that an unchanged corpus gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from .records import Choice, ClaimCheck, Edition, Figure

FIGURE_FIELDS = ("value", "unit", "qualifier", "text", "article", "quote", "published", "scope", "stage", "as_of")
CSV_FIELDS = (
    "year", "metric", "chosen", "value", "unit", "qualifier", "text", "article", "published", "scope", "stage",
    "as_of", "retrospective", "edited", "conflict", "reason", "quote",
)


def _published(fg: Figure, article_meta: Mapping[str, dict]) -> str | None:
    if fg.published:
        return fg.published
    meta = article_meta.get(fg.article) or {}
    value = meta.get("published")
    return str(value) if value else None


# the JSON's fields are a run of the record's (tests/test_reconcile.py checks it)
_FIGURE_SLICE = slice(Figure._fields.index(FIGURE_FIELDS[0]), Figure._fields.index(FIGURE_FIELDS[-1]) + 1)


def _figure_json(fg: Figure, article_meta: Mapping[str, dict]) -> dict[str, Any]:
    out = dict(zip(FIGURE_FIELDS, fg[_FIGURE_SLICE], strict=True))  # 150,000 figures at 10,000 articles
    out["published"] = _published(fg, article_meta)
    if isinstance(out["value"], list):
        out["value"] = list(out["value"])
    return out


def _choice_json(choice: Choice, article_meta: Mapping[str, dict]) -> dict[str, Any]:
    out = _figure_json(choice.chosen, article_meta)
    out["reason"] = choice.reason
    out["edited"] = choice.edited
    out["conflict"] = choice.conflict
    out["alternatives"] = [_figure_json(fg, article_meta) for fg in choice.alternatives]
    return out


def _claim_json(check: ClaimCheck) -> dict[str, Any]:
    cl = check.claim
    amount: float | int = int(cl.amount) if float(cl.amount).is_integer() else cl.amount
    return {
        "metric": cl.metric,
        "scope": cl.scope,
        "kind": cl.kind,
        "amount": amount,
        "text": cl.text,
        "article": cl.article,
        "quote": cl.quote,
        "status": check.status,
        "detail": check.detail,
    }


def editions_json(editions: list[Edition], article_meta: Mapping[str, dict]) -> dict:
    """The issue-2 JSON shape: {"editions": [{"year", "articles", "metrics", "claims", "firsts"}]}."""
    return {"editions": [edition_json(ed, article_meta) for ed in sorted(editions, key=lambda e: e.year)]}


def edition_json(ed: Edition, article_meta: Mapping[str, dict]) -> dict:
    """One edition's entry of editions.json (cached on its own: see render.edition_digests)."""
    return {
        "year": ed.year,
        "articles": sorted(ed.articles),
        "metrics": {key: _choice_json(choice, article_meta) for key, choice in ed.metrics.items()},
        "claims": [_claim_json(c) for c in ed.claims],
        "firsts": [{"article": stem, "text": text} for stem, text in ed.firsts],
    }


def edition_json_text(ed: Edition, article_meta: Mapping[str, dict]) -> str:
    """One entry as it appears in the file. Compact: with indent Python falls back to its slow
    pure-Python encoder, and the file is ~6 MB at 1,000 articles (every figure keeps its quote)."""
    return json.dumps(edition_json(ed, article_meta), ensure_ascii=False, separators=(",", ":"))


# How a whole data file is made from its editions' pieces, in year order: (head, separator,
# tail). The writer streams stored pieces into it without joining them in memory (65 MB at 10,000).
Frame = tuple[bytes, bytes, bytes]
JSON_FRAME: Frame = (b'{"editions":[', b",", b"]}\n")


def joined(frame: Frame, pieces: list[bytes]) -> bytes:
    head, sep, tail = frame
    return head + sep.join(pieces) + tail


def editions_json_file(entries: list[bytes]) -> bytes:
    """/data/editions.json from its entries (edition_json_text, in year order): the same bytes as
    the whole of editions_json dumped at once, so each entry can be kept with its edition."""
    return joined(JSON_FRAME, entries)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def editions_csv(editions: list[Edition]) -> str:
    """One row per edition × metric × figure; chosen=true marks the value shown on the site."""
    pieces = [edition_csv(ed).encode("utf-8") for ed in sorted(editions, key=lambda e: e.year)]
    return editions_csv_file(pieces).decode("utf-8")


def editions_csv_file(pieces: list[bytes]) -> bytes:
    """/data/editions.csv from the editions' rows (edition_csv, in year order), under the header."""
    return joined(CSV_FRAME, pieces)


def _csv_header() -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(CSV_FIELDS)
    return buf.getvalue().encode("utf-8")


CSV_FRAME: Frame = (_csv_header(), b"", b"")


def edition_csv(ed: Edition) -> str:
    """One edition's rows of editions.csv, without the header."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for key, choice in ed.metrics.items():
        rows = [(True, choice.chosen)] + [(False, fg) for fg in choice.alternatives]
        conflict = _cell(choice.conflict)
        for chosen, fg in rows:
            # the text fields are str or None, which the csv module writes as they are and as ""
            writer.writerow(
                [
                    ed.year, key, _cell(chosen), _cell(fg.value), fg.unit, fg.qualifier, fg.text, fg.article,
                    fg.published, fg.scope, fg.stage, fg.as_of, _cell(fg.retrospective),
                    _cell(choice.edited and chosen), conflict, choice.reason if chosen else "", fg.quote,
                ]
            )
    return buf.getvalue()
