# Two entry points do all the set-up on a fresh machine:
#   make book   - build the HTML book into _build/html
#   make test   - run every test (unit, parity, notebooks, grading, book build, browser)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pytest workers for `make test` (measured in README, "Time budget"); every worker and every
# notebook kernel computes with one thread (conftest.py sets COURSEKIT_THREADS=1).
WORKERS ?= 2

.PHONY: book test install system-deps release bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

# Debian packages: bubblewrap (the grading sandbox), Chromium and its driver (the browser test;
# never a browser that a test tool downloads itself).
system-deps:
	@command -v bwrap >/dev/null && command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap chromium chromium-driver >/dev/null; }

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n $(WORKERS)

release: $(STAMP)
	$(BIN)/coursekit release

bench: $(STAMP)
	COURSEKIT_THREADS=1 $(BIN)/python benchmarks/notebooks.py

clean:
	rm -rf _build .pytest_cache
