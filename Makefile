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
# MathJax for offline maths: the npm package, kept beside the Python stack (the book build copies it to _static)
MATHJAX_VERSION := 3.2.2
MATHJAX := $(VENV)/npm/node_modules/mathjax/es5/tex-mml-chtml.js

.PHONY: book test install mathjax system-deps release bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

$(MATHJAX): | $(STAMP)
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm install --prefix $(VENV)/npm --no-audit --no-fund --no-save --loglevel=error mathjax@$(MATHJAX_VERSION) >/dev/null
	test -f $@

mathjax: $(MATHJAX)

book: $(STAMP) $(MATHJAX)
	$(BIN)/python _ext/editions.py build   # English _build/html, Korean _build/html/ko (README, "The Korean edition")

# Debian packages: bubblewrap (the grading sandbox), Chromium and its driver (the browser test;
# never a browser that a test tool downloads itself), and fonts-nanum (Korean glyphs for the browser).
system-deps:
	@command -v bwrap >/dev/null && command -v chromium >/dev/null && command -v chromedriver >/dev/null \
	  && fc-list | grep -qi nanumgothic || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap chromium chromium-driver fonts-nanum >/dev/null; }

test: $(STAMP) $(MATHJAX) system-deps
	$(BIN)/python -m pytest -n $(WORKERS)

release: $(STAMP)
	$(BIN)/coursekit release

bench: $(STAMP)
	COURSEKIT_THREADS=1 $(BIN)/python benchmarks/notebooks.py

# Every book notebook and the grading of one class on CPU and on a CUDA GPU (says so and exits 0 without one).
gpu-check: $(STAMP) system-deps
	$(BIN)/python benchmarks/gpu_check.py

clean:
	rm -rf _build .pytest_cache
