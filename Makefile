# Two commands for a fresh Debian machine with Python 3.11: `make site` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test venv browser lint bench bench-large lighthouse clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

venv: $(STAMP)

## Build the whole site into site/.
site: $(STAMP)
	$(PY) build.py
	$(VENV)/bin/mkdocs build --strict

## Build, then serve with live reload (regenerates pages when seeds/, templates/ or data/ change).
## --dirty: after an edit MkDocs renders only the pages whose Markdown changed (the build keeps every
## unchanged page's file and mtime); pages it did not render keep their navigation, and the page of a
## removed article stays served, until a restart.
serve: $(STAMP)
	$(VENV)/bin/mkdocs serve --dirty -a 127.0.0.1:$(PORT)

## Debian's chromium and CJK fonts for the browser tests (installed when missing and we are root).
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium fonts-noto-cjk'"; fi; \
	fi

## Every test: unit, golden, end-to-end and browser tests.
test: $(STAMP) browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP) browser
	$(PY) benchmarks/bench.py --articles 1000

bench-large: $(STAMP) browser
	$(PY) benchmarks/bench.py --articles 10000

lighthouse: $(STAMP) browser site
	bash benchmarks/lighthouse.sh

clean:
	rm -rf site .build
