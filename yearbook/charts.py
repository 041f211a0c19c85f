"""Charts as static SVG, rendered at build time (filled in by the charts work)."""

from __future__ import annotations

from typing import Any


def render_charts(editions: list, years: list[int], metrics: Any, trend: dict) -> dict[str, str]:
    return {}
