# The two commands a maintainer needs:  make test   and   make site
# Everything runs inside .venv, created on first use; a second run reuses it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# Pinned versions (same numbers, same figure bytes on every machine); `make lock` refreshes them.
PIP_INSTALL := $(PY) -m pip install --disable-pip-version-check -q -c requirements/constraints.txt

.DEFAULT_GOAL := help
.PHONY: help test lint pytest site serve browser bench reproducible lock clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- environment
$(PY):
	@$(PYTHON) -m venv $(VENV) || { echo "could not create $(VENV): install the venv module (Debian/Ubuntu: sudo apt-get install python3-venv)"; exit 1; }
	@$(PY) -m pip install --disable-pip-version-check -q --upgrade pip

# Reinstalled only when the dependency lists change.
$(VENV)/.deps-test: pyproject.toml requirements/constraints.txt | $(PY)
	@echo "installing the test dependencies into $(VENV) (first run only; TensorFlow is large)"
	@$(PIP_INSTALL) -e ".[dev,tf,docs]"
	@touch $@ $(VENV)/.deps-docs

# The website's tools only (make site on a machine that never ran make test).
$(VENV)/.deps-docs: pyproject.toml requirements/constraints.txt | $(PY)
	@echo "installing the website's dependencies into $(VENV) (first run only)"
	@$(PIP_INSTALL) -e ".[docs]"
	@touch $@

# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
browser:  ## install chromium for the browser tests (apt-get, as root)
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the browser tests (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "chromium is missing: the browser tests will be skipped. Install it with:"; \
		echo "    sudo apt-get update && sudo apt-get install -y chromium"; \
	fi

# ---------------------------------------------------------------- the two commands
test: $(VENV)/.deps-test browser  ## ruff, workflow checks and the whole pytest suite (Keras and browser included)
	$(BIN)/ruff check .
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress .github/workflows/
	$(PY) -m pytest

site: $(VENV)/.deps-docs  ## build the website into site/ (experiments, reports, mkdocs --strict)
	@$(PY) scripts/build_site.py

serve: $(VENV)/.deps-docs  ## serve the website on http://127.0.0.1:8000/ with live reload
	@$(PY) scripts/build_experiments.py
	@$(PY) scripts/build_reports.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve -a 127.0.0.1:8000 --livereload

# ---------------------------------------------------------------- extras
lint: $(VENV)/.deps-test  ## ruff only
	$(BIN)/ruff check .

bench: $(VENV)/.deps-test  ## the benchmarks: training vs the course and Keras, the builds, the Dask sweep
	$(PY) scripts/bench_training.py
	$(PY) scripts/bench_build.py
	$(PY) scripts/bench_site.py
	$(PY) scripts/bench_sweep.py

reproducible: $(VENV)/.deps-docs  ## two cold builds in fresh clones must give the same files
	$(PY) scripts/check_reproducible.py

lock: | $(PY)  ## re-resolve the newest versions and rewrite requirements/constraints.txt
	$(PY) -m pip install --disable-pip-version-check -q --upgrade -e ".[dev,tf,docs]"
	$(PY) -m pip freeze --exclude-editable | grep -v '^course' > requirements/constraints.txt

clean:  ## remove generated files (keeps .venv)
	rm -rf site docs/generated docs/reports/*.ipynb .cache .pytest_cache .ruff_cache screenshots
