"""What the MkDocs side needs from the build: the navigation with one entry per edition."""

from __future__ import annotations

import re
from pathlib import Path

EDITIONS_SECTION = "历届"


def navigation(nav: list, docs_dir: Path) -> list:
    """Fill the (empty) editions section of the nav with the generated edition pages, newest first."""
    years = sorted(
        (int(p.stem) for p in (docs_dir / "years").glob("*.md") if re.fullmatch(r"\d{4}", p.stem)),
        reverse=True,
    )
    entries = [{f"{y}年{'服贸会' if y >= 2020 else '京交会'}": f"years/{y}.md"} for y in years]
    out = []
    for item in nav or []:
        if isinstance(item, dict) and EDITIONS_SECTION in item:
            out.append({EDITIONS_SECTION: entries or [{"暂无": "index.md"}]})
        else:
            out.append(item)
    return out
