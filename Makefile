# The two commands a maintainer needs:  make test   and   make site
# Everything runs inside .venv, created on first use; a second run reuses it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
# Pinned versions (same numbers, same figure bytes on every machine); `make lock` refreshes them.
PIP_INSTALL := $(PY) -m pip install --disable-pip-version-check -q -c requirements/constraints.txt

.DEFAULT_GOAL := help
.PHONY: help test lint pytest site bench lock clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- environment
$(PY):
	@$(PYTHON) -m venv $(VENV) || { echo "could not create $(VENV): install the venv module (Debian/Ubuntu: sudo apt-get install python3-venv)"; exit 1; }
	@$(PY) -m pip install --disable-pip-version-check -q --upgrade pip

# Reinstalled only when the dependency lists change.
$(VENV)/.deps-test: pyproject.toml requirements/constraints.txt | $(PY)
	@echo "installing the test dependencies into $(VENV) (first run only; TensorFlow is large)"
	@$(PIP_INSTALL) -e ".[dev,tf]"
	@touch $@

# ---------------------------------------------------------------- the two commands
test: $(VENV)/.deps-test  ## ruff + the whole pytest suite (Keras comparisons included)
	$(BIN)/ruff check .
	$(PY) -m pytest

site: $(VENV)/.deps-test  ## build the website into site/
	@echo "make site: the website is not built yet (its pages arrive with the site issue)."
	@echo "The package and its tests are ready: run 'make test'."

# ---------------------------------------------------------------- extras
lint: $(VENV)/.deps-test  ## ruff only
	$(BIN)/ruff check .

bench: $(VENV)/.deps-test  ## time the course's 11 training workloads and Keras
	$(PY) scripts/bench_training.py

lock: | $(PY)  ## re-resolve the newest versions and rewrite requirements/constraints.txt
	$(PY) -m pip install --disable-pip-version-check -q --upgrade -e ".[dev,tf]"
	$(PY) -m pip freeze --exclude-editable | grep -v '^course' > requirements/constraints.txt

clean:  ## remove generated files (keeps .venv)
	rm -rf site docs/generated .cache .pytest_cache .ruff_cache
