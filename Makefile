# The two commands a maintainer needs:  make test   and   make site
# Everything runs inside .venv, created on first use; a second run reuses it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# Pinned versions (same numbers, same figure bytes on every machine); `make lock` refreshes them.
PIP_INSTALL := $(PY) -m pip install --disable-pip-version-check -c requirements/constraints.txt
# pip's output goes to a log; a failure is explained from it (what could not be fetched, and
# whether the index answers) by scripts/pip_failed.py, and nothing is marked installed.
PIP_LOG := $(VENV)/pip-install.log
PIP_FAILED = rm -f $@; $(PY) scripts/pip_failed.py $(PIP_LOG); exit 1

.DEFAULT_GOAL := help
.PHONY: help test lint pytest site serve browser bench reproducible portable lock clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- environment
# The oldest Python the pinned dependencies run on, read from pyproject.toml (stated once there).
PY_FLOOR := $(shell sed -n 's/^requires-python = ">=\([0-9.]*\)"/\1/p' pyproject.toml)

# An older interpreter is refused in one line, before anything is installed.
PY_FOUND = $(shell $(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)
PY_OK = $(shell printf '%s\n%s\n' "$(PY_FLOOR)" "$(PY_FOUND)" | sort -V -C && echo yes)

$(PY):
	$(if $(PY_FOUND),,$(error no Python at '$(PYTHON)': install Python >= $(PY_FLOOR), or run make with PYTHON=/path/to/python3))
	$(if $(PY_OK),,$(error $(PYTHON) is Python $(PY_FOUND); this project needs Python >= $(PY_FLOOR): run make with PYTHON=/path/to/python3.11))
	@$(PYTHON) -m venv $(VENV) || { echo "could not create $(VENV): install the venv module (Debian/Ubuntu: sudo apt-get install python3-venv)"; exit 1; }
	@$(PY) -m pip install --disable-pip-version-check --upgrade pip >$(PIP_LOG) 2>&1 || { $(PIP_FAILED); }

# Reinstalled only when the dependency lists change. The site needs TensorFlow (its TensorFlow
# page runs it) and Dask (the hyperparameter-search report runs a sweep on it); the tests need
# the site's dependencies plus the test tools.
SITE_EXTRAS := docs,tf,sweep
TEST_EXTRAS := dev,$(SITE_EXTRAS)

$(VENV)/.deps-test: pyproject.toml requirements/constraints.txt | $(PY)
	@echo "installing the test dependencies into $(VENV) (first run only; TensorFlow is large)"
	@$(PIP_INSTALL) -e ".[$(TEST_EXTRAS)]" >$(PIP_LOG) 2>&1 || { $(PIP_FAILED); }
	@touch $@ $(VENV)/.deps-site

$(VENV)/.deps-site: pyproject.toml requirements/constraints.txt | $(PY)
	@echo "installing the website's dependencies into $(VENV) (first run only; TensorFlow is large)"
	@$(PIP_INSTALL) -e ".[$(SITE_EXTRAS)]" >$(PIP_LOG) 2>&1 || { $(PIP_FAILED); }
	@touch $@

# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
browser:  ## install chromium for the browser tests (apt-get, as root)
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the browser tests (apt-get)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		{ echo "error: apt-get could not install chromium (no network, or no Debian mirror?): install it by hand and run make again"; exit 1; }; \
	else \
		echo "chromium is missing: the browser tests will be skipped. Install it with:"; \
		echo "    sudo apt-get update && sudo apt-get install -y chromium"; \
	fi

# ---------------------------------------------------------------- the two commands
test: $(VENV)/.deps-test browser  ## ruff, workflow checks and the whole pytest suite (Keras and browser included)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress .github/workflows/
	$(PY) -m pytest

site: $(VENV)/.deps-site  ## build the website into site/ (experiments, reports, mkdocs --strict)
	@$(PY) scripts/build_site.py

serve: $(VENV)/.deps-site  ## serve the website on http://127.0.0.1:8000/ with live reload
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

reproducible: $(VENV)/.deps-site  ## two cold builds in fresh clones must give the same files
	$(PY) scripts/check_reproducible.py

portable: $(VENV)/.deps-site  ## rebuild the experiments under other CPUs' kernels: every claim must still hold
	$(PY) scripts/check_claims_portable.py

lock: | $(PY)  ## re-resolve the newest versions and rewrite requirements/constraints.txt
	$(PY) -m pip install --disable-pip-version-check -q --upgrade -e ".[$(TEST_EXTRAS)]"
	$(PY) -m pip freeze --exclude-editable | grep -v '^course' > requirements/constraints.txt

clean:  ## remove generated files (keeps .venv)
	rm -rf site docs/generated docs/reports/*.ipynb .cache .pytest_cache .ruff_cache screenshots
