# The two commands of the README:
#   make demo   set everything up, load the demo region into SQLite, open the app
#   make test   set everything up, run ruff, mypy and the whole test suite (PostgreSQL included)
#               under the `ci` Hypothesis profile (tests/profiles.py; locally the quick `dev` one)
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8501

.PHONY: install system-deps demo app test lint typecheck pytest clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# Debian's chromium drives the browser tests (Playwright uses it; it never downloads a browser).
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

demo: install
	$(BIN)/matcher db init
	$(BIN)/matcher import data/demo --replace
	$(BIN)/matcher users demo
	$(BIN)/streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

app: install
	$(BIN)/streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install system-deps
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis artifacts
