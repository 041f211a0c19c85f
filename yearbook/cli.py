"""Command line of build.py."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from . import stamp


def main(argv: list[str] | None = None, keep: list | None = None) -> int:
    """`keep`: receives the build's result, which the caller frees when it likes (run() never does)."""
    parser = argparse.ArgumentParser(description="Build the CIFTIS Yearbook pages from seeds/ into docs/.")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="project folder (holds seeds/, data/, templates/)")
    parser.add_argument("--docs", type=Path, default=None, help="where to write (default: ROOT/docs)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any warning was raised")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")
    parser.add_argument("--force", action="store_true", help="build even if no input changed since the last build")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    docs = (args.docs or root / "docs").resolve()

    fingerprint = stamp.inputs(root, docs)  # taken before the build reads anything
    saved = None if args.force else stamp.previous(root, docs, fingerprint)
    if saved is not None:  # nothing changed: repeat the last build's verdict without importing the pipeline
        summary = f"unchanged since the last build: {saved['summary']}"
        warnings, data_errors = saved["warnings"], saved["data_errors"]
        if not args.quiet:
            print("\n".join([*warnings, summary]), file=sys.stderr)
    else:
        from . import pipeline

        result = pipeline.build(root, docs, jobs=args.jobs, quiet=args.quiet, fingerprint=fingerprint)
        if keep is not None:
            keep.append(result)
        summary = result.summary
        warnings = [d.line() for d in result.warnings]
        data_errors = [d.line() for d in result.data_errors]
    if args.quiet:
        print(summary)
    if data_errors:
        print(f"{len(data_errors)} errors in data/ files; failing the build")
        return 2
    if args.strict and warnings:
        print(f"--strict: {len(warnings)} warnings; failing the build")
        return 1
    return 0


def run() -> NoReturn:
    """main() for build.py: exits without freeing the heap object by object, which after a
    10,000-article build took a second of its own (the output is flushed first). That includes the
    build's result: freed as main() returned, its records took 0.2 s of a one-article rebuild."""
    kept: list = []  # held until os._exit: a temporary list would be freed, and the result with it
    code = main(keep=kept)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
