# Set-up and checks. Only python3 and make are assumed on the machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The lowest versions pyproject.toml allows for every direct dependency, for test-lowest.
LOWEST := .venv-lowest
LOWEST_STAMP := $(LOWEST)/.installed
DEMO_DIR := demo
DEMO_DB := $(DEMO_DIR)/opconsole.db
DEMO_CONFIG := $(DEMO_DIR)/config.toml
DEMO_CLIENTS ?= 5000

.PHONY: all venv demo demo-data test test-lowest check lint format typecheck layers pytest bench browser clean

all: test

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m pip install --quiet -c constraints.txt uv
	touch $(STAMP)

# uv resolves "lowest-direct": each direct dependency at the lowest version its bound allows
# (what a fresh install could get), everything they pull in at its newest.
$(LOWEST_STAMP): pyproject.toml $(STAMP)
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct -e '.[dev]'
	touch $(LOWEST_STAMP)

$(DEMO_CONFIG): $(STAMP) config.example.toml
	mkdir -p $(DEMO_DIR)
	$(BIN)/python -m console.demo_config --database $(DEMO_DB) --output $(DEMO_CONFIG)

# Order-only: a newer config (after a pull) is rewritten, but a seeded database is kept.
$(DEMO_DB): | $(DEMO_CONFIG)
	$(BIN)/opconsole --config $(DEMO_CONFIG) db upgrade
	$(BIN)/opconsole --config $(DEMO_CONFIG) db seed --clients $(DEMO_CLIENTS)

demo-data: $(DEMO_DB)

## make demo: set up everything, seed a SQLite database, run the console against the built-in PBX simulator
demo: $(DEMO_CONFIG) $(DEMO_DB)
	$(BIN)/opconsole --config $(DEMO_CONFIG) demo

## make test: lint, types, layer contracts and the whole test suite
test: check pytest

check: lint typecheck layers

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make browser: Debian's chromium for the wallboard's browser test (apt, as root; nothing to do
## when it is there). Without it that test is skipped, saying why.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "make browser: run as root, or: sudo apt-get install chromium" >&2; exit 1; fi; \
		apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

## make test-lowest: the test suite on the lowest allowed versions of the direct dependencies
test-lowest: $(LOWEST_STAMP)
	$(LOWEST)/bin/python -m pip list --format=freeze 2>/dev/null | grep -iE '^(sqlalchemy|aiosqlite|asyncpg|alembic|openpyxl|phonenumbers|panoramisk|platformdirs|textual|pytest)=' || true
	$(LOWEST)/bin/python -m pytest $(PYTEST_ARGS)

## make bench: the speed and memory figures of docs/performance.md (storage needs minutes to seed)
bench: $(STAMP)
	$(BIN)/python -m bench.ami_bench
	$(BIN)/python -m bench.storage_bench
	$(BIN)/python -m bench.xlsx_bench
	$(BIN)/python -m bench.console_bench
	$(BIN)/python -m bench.board_bench
	@if [ -n "$$OPCONSOLE_TEST_PG_URL" ]; then $(BIN)/python -m bench.seats_bench; \
	else echo "bench.seats_bench skipped: needs OPCONSOLE_TEST_PG_URL (PostgreSQL)"; fi

clean:
	rm -rf $(VENV) $(LOWEST) $(DEMO_DIR) .mypy_cache .ruff_cache .pytest_cache
