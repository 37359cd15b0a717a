# One command checks everything: `make check` (formatter, linter, type check, tests). CI runs the same.
PY ?= .venv/bin/python

.PHONY: setup run demo check lint test bench

setup:
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q -r requirements-dev.txt

demo: setup
	test -f data/demo.duckdb || $(PY) -m analytics demo --db data/demo.duckdb

run: demo
	$(PY) -m streamlit run app.py

lint:
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy analytics
	$(dir $(PY))lint-imports --no-cache

test:
	$(PY) -m pytest -q

check: setup lint test

bench:
	$(PY) benchmarks/run_all.py
