# The README's first two commands: `make demo` and `make test`. Both work from a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: demo test bench lint train clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	# pip 23.2's resolver mishandles duplicated extras: upgrade it first
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev,bench]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/copydesk extract examples/article.html --format markdown

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check copydesk tests models

bench: $(VENV)/.installed-bench
	$(BIN)/python -m copydesk.bench --shared $(SHARED) --out BENCHMARKS.md

# One BLAS thread: the nets are small, and OpenBLAS threads only spin on them (several times slower here).
train: $(VENV)/.installed-bench
	$(BIN)/python -m pip install -q -e ".[train]"
	OPENBLAS_NUM_THREADS=1 $(BIN)/python models/train_blocks.py --shared $(SHARED)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python models/textmode_train.py --shared $(SHARED)

clean:
	rm -rf $(VENV) build *.egg-info
