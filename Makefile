# silkmeet: `make run` serves the demo, `make test` runs the whole suite.
# Needs only Python 3.11+ and make; everything else goes into .venv.

SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app silkmeet
HOST ?= 127.0.0.1
PORT ?= 5000
PG_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PG_TEST_DB ?= silkmeet_test

.PHONY: install messages run test lint test-sqlite test-postgres bench bench-http load clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "silkmeet needs Python 3.11 or newer: none found on PATH." >&2; exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Message catalogs: each .po compiles to the .mo Flask-Babel reads, whenever it changes.
PO_FILES := $(wildcard silkmeet/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

%.mo: %.po $(STAMP)
	@$(BIN)/pybabel -q compile -i $< -o $@

install: $(STAMP) $(MO_FILES)

# Re-extract the strings (babel.cfg) and bring every catalog up to date with them.
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k N_ --add-comments=Translators: --no-location --sort-output \
		--project silkmeet --copyright-holder "silkmeet contributors" -o silkmeet/translations/messages.pot .
	$(BIN)/pybabel -q update -i silkmeet/translations/messages.pot -d silkmeet/translations --no-wrap --no-fuzzy-matching --ignore-obsolete

run: install
	$(FLASK) db upgrade
	$(FLASK) load-demo --if-empty
	@echo
	@echo "silkmeet is starting on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@$(FLASK) demo-login
	@echo
	@# The mail worker runs beside the server and stops with it. Without
	@# SILKMEET_MAIL_URL it keeps mail in the outbox instead of sending it.
	@$(FLASK) mail worker --poll 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install lint test-sqlite test-postgres

test-sqlite: install
	@echo "== pytest on SQLite (in memory)"
	$(BIN)/python -m pytest

test-postgres: install
	@url=$$($(BIN)/python scripts/pg_scratch.py "$(PG_ADMIN_URL)" $(PG_TEST_DB)); rc=$$?; \
	if [ $$rc -eq 0 ]; then \
		echo "== pytest on PostgreSQL ($$url)"; \
		SILKMEET_TEST_DATABASE_URL="$$url" $(BIN)/python -m pytest -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_ADMIN_URL), and CI needs it: failing." >&2; exit 1; \
	else \
		echo "== SKIPPED: PostgreSQL is not reachable at $(PG_ADMIN_URL); only SQLite was tested."; \
	fi

bench: install
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_mail.py

bench-http: install
	$(BIN)/python scripts/http_load.py bench

load: install
	$(BIN)/python scripts/http_load.py soak

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
