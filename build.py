#!/usr/bin/env python3
"""Build the yearbook's pages from seeds/ into docs/. `mkdocs build` then makes the site."""

from yearbook.cli import run

if __name__ == "__main__":
    run()
