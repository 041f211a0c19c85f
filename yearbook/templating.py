"""Compiled Jinja templates kept between builds, for every environment the build renders with."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import jinja2


def bytecode_cache(root: Path, name: str = "jinja") -> jinja2.BytecodeCache | None:
    """Compiled templates under .build/cache/<name>, keyed by their source: compiling the templates
    took about 0.2 s of every build, the chart template alone 0.07 s. One folder per environment
    (their settings differ, so do their compiled templates). None when .build/ cannot be written."""
    folder = root / ".build" / "cache" / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder)) if os.access(folder, os.W_OK) else None


@lru_cache(maxsize=4)
def xml_environment_for(folder: Path) -> jinja2.Environment:
    """For the SVG and XML files the build writes (charts, Atom feeds), made once per templates
    folder: every value autoescaped, titles and labels coming from data files and articles."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        bytecode_cache=bytecode_cache(folder.parent, "jinja-xml"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
