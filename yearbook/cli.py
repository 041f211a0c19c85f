"""Command line of build.py."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import pipeline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the CIFTIS Yearbook pages from seeds/ into docs/.")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="project folder (holds seeds/, data/, templates/)")
    parser.add_argument("--docs", type=Path, default=None, help="where to write (default: ROOT/docs)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any warning was raised")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    args = parser.parse_args(argv)
    result = pipeline.build(args.root, args.docs, jobs=args.jobs, quiet=args.quiet)
    if args.quiet:
        print(result.summary)
    if result.data_errors:
        print(f"{len(result.data_errors)} errors in data/ files; failing the build")
        return 2
    if args.strict and result.warnings:
        print(f"--strict: {len(result.warnings)} warnings; failing the build")
        return 1
    return 0
