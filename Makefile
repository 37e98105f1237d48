# The two commands of the README. Both set up everything on a fresh machine first.
#   make sample  -> install, then run the whole pipeline on the shipped sample corpus
#   make test    -> install (with the browser for the review tests), check style, imports and
#                   types, then run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install browser sample test lint lock

# Pinned versions from requirements.lock first, then this package itself on top of them.
$(BIN)/c177: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e '.[dev]'
	touch $(BIN)/c177

install: $(BIN)/c177

# Debian's Chromium drives the review app's end-to-end tests (no browser download).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

sample: install
	$(BIN)/c177 run

# After changing the dependencies in pyproject.toml: pin them again.
lock: install
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
	  --no-emit-find-links -o requirements.lock pyproject.toml

# Style, complexity, imports that point down only (import-linter), types (mypy).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: install browser lint
	$(BIN)/pytest $(PYTEST_ARGS)
