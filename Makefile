# The two commands of the README. Both set up everything on a fresh machine first.
#   make sample  -> install, then run the whole pipeline on the shipped sample corpus
#   make test    -> install (with the browser for the review tests), then run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install browser sample test lint

$(BIN)/c177: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/c177

install: $(BIN)/c177

# Debian's Chromium drives the review app's end-to-end tests (no browser download).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

sample: install
	$(BIN)/c177 run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install browser lint
	$(BIN)/pytest $(PYTEST_ARGS)
