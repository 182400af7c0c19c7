# The book's commands. `make book` builds the website, `make test` validates everything.
# Both set up what they need on a fresh machine: .venv from requirements.txt, and the
# website's vendored JavaScript from the npm registry.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BOOK_FLAGS := -W -n --keep-going
# Two pytest workers (one per core); a file's tests stay together on one worker, so a notebook's
# cells run in order in one kernel. The book is built once for both (tests/conftest.py).
PARALLEL_FLAGS := -n 2 --dist loadfile
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: book test lab execute serve install vendor system-deps lint format clean catalogs

# PyTorch's CPU build, a wheel of about 190 MB, from PyTorch's CPU wheel index: on Linux, PyPI's
# torch==2.13.0 is the CUDA build, several GB with its nvidia-* wheels. The index is used only if
# it answers within 5 s, so a machine that cannot reach it (one that installs from a registry
# mirror, say) takes torch from its usual index at once instead of stalling on retries.
# `make install TORCH_INDEX=` skips the index; a CUDA index URL picks that build instead.
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH_VERSION := $(shell sed -n 's/^torch==//p' requirements.txt)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@if $(BIN)/python -c "import importlib.metadata as m, sys; \
	    sys.exit(m.version('torch').split('+')[0] != '$(TORCH_VERSION)')" 2>/dev/null; then :; \
	elif $(BIN)/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)" \
	    "$(TORCH_INDEX)/torch/" 2>/dev/null; then \
	  echo "torch $(TORCH_VERSION): the CPU build from $(TORCH_INDEX)"; \
	  $(BIN)/python -m pip install --quiet --no-deps --index-url "$(TORCH_INDEX)" "torch==$(TORCH_VERSION)"; \
	else echo "torch $(TORCH_VERSION): $(TORCH_INDEX) not reachable, so from the default index"; fi
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	touch $@

install: $(STAMP)

# Debian packages the tests need: headless Chromium for the browser and JupyterLab tests, and a
# CJK font so the glossary's Chinese terms render in its screenshots.
DEBIAN_PACKAGES := chromium fonts-noto-cjk
system-deps:
	@dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES) >/dev/null; }

# The website's JavaScript (the standalone widget manager and MathJax 3), fetched once from the
# npm registry into _vendor/ (git-ignored) by tools/vendor.sh and served by the book itself.
# Idempotent: nothing is fetched while the stamp for these versions exists.
HTML_MANAGER_VERSION := 1.0.15
MATHJAX_VERSION := 3.2.2
VENDOR_DIR := _vendor
VENDOR_STAMP := $(VENDOR_DIR)/.stamp-html-manager-$(HTML_MANAGER_VERSION)-mathjax-$(MATHJAX_VERSION)

vendor: $(VENDOR_STAMP)

$(VENDOR_STAMP):
	bash tools/vendor.sh $(HTML_MANAGER_VERSION) $(MATHJAX_VERSION) $(VENDOR_DIR)
	touch $@

# The "Run it yourself" page links the archive (tools/build_archive.py), so it is built first.
# Then the Chinese edition, from the same sources and _config.yml, into _build/html/zh/ (as
# strict: tools/build_zh.py; locales/README.md).
book: install vendor
	$(BIN)/python tools/build_archive.py
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	$(BIN)/python tools/build_zh.py html
	@echo "Open $(CURDIR)/_build/html/index.html, 中文版 _build/html/zh/index.html (or: make serve)"

# The Chinese edition's catalogs (locales/zh_CN/LC_MESSAGES/**/*.po) after English text changed:
# extract the messages (Sphinx's gettext builder, tools/build_zh.py) and merge them in with
# sphinx-intl: new messages arrive untranslated, changed ones fuzzy. See locales/README.md.
catalogs: install
	$(BIN)/python tools/build_zh.py catalogs

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint .github/workflows/book.yml

# Notebooks with uncommitted changes (a learner's outputs or half-written cells) are skipped, and
# named, unless FORCE=1. In notebooks only layout and import order change: no lint fix runs that
# could delete code (ruff removes "unused" imports a half-written cell still needs).
FORCE ?=
CLEAN_NOTEBOOKS = $(BIN)/python tools/clean_notebooks.py $(if $(filter 1,$(FORCE)),--force)

format: install
	$(BIN)/ruff check --fix --extend-exclude "*.ipynb" .
	$(BIN)/ruff format --extend-exclude "*.ipynb" .
	@$(CLEAN_NOTEBOOKS) --all | xargs -0 -r sh -c \
	  '$(BIN)/ruff check --fix --select I "$$@" && $(BIN)/ruff format "$$@"' ruff

test: install vendor system-deps lint
	$(BIN)/pytest $(NBVAL_FLAGS) $(PARALLEL_FLAGS)

# JupyterLab on the book, set up by lab/ (its config and the Lab settings the book ships). What
# Jupyter writes (trust database, workspaces, settings changed in Lab, kernel connection files,
# IPython history) goes to .jupyter/ (git-ignored), never to ~/.jupyter or ~/.local/share/jupyter.
# The book's notebooks are trusted on every start, so their saved widgets render before anything
# runs. JupyterLab refuses to run as root unless told; $(SUDO) is empty exactly when we are root.
LAB_STATE := $(CURDIR)/.jupyter
LAB_ENV := JUPYTER_CONFIG_PATH="$(CURDIR)/lab" JUPYTER_CONFIG_DIR="$(LAB_STATE)/config" \
  JUPYTER_DATA_DIR="$(LAB_STATE)/data" JUPYTER_RUNTIME_DIR="$(LAB_STATE)/data/runtime" \
  IPYTHONDIR="$(LAB_STATE)/ipython" JUPYTER_PLATFORM_DIRS=1
LAB_FLAGS ?=
lab: install
	@$(LAB_ENV) $(BIN)/jupyter trust chapters/*.ipynb >/dev/null
	@mkdir -p "$(LAB_STATE)/config" && ln -sfn "$(CURDIR)/lab/custom" "$(LAB_STATE)/config/custom"
	@echo "JupyterLab: config and settings from lab/, everything it writes in .jupyter/"
	@$(LAB_ENV) $(BIN)/jupyter lab $(if $(SUDO),,--allow-root) $(LAB_FLAGS)

# Re-execute every chapter (or NOTEBOOKS=...) in a fresh kernel, in place, two at a time (one per
# core); nbconvert also saves widget state. Notebooks with uncommitted changes are skipped unless
# FORCE=1: re-executing replaces every output, including ones a learner kept. Each executed
# notebook then gets Lab's collapsed-cell metadata from its hide-cell tags.
NOTEBOOKS ?= chapters/*.ipynb
execute: install
	@$(CLEAN_NOTEBOOKS) $(NOTEBOOKS) | xargs -0 -r -n 1 -P 2 sh -c '$(BIN)/jupyter nbconvert \
	  --to notebook --execute --inplace --ExecutePreprocessor.timeout=120 \
	  --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.record_timing=False "$$0" \
	  && $(BIN)/python tools/sync_notebook_metadata.py "$$0"'

serve:
	@test -f _build/html/index.html || { echo "No built book: run 'make book' first"; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build
