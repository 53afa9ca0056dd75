# Townsquare: `make run` serves the platform with demo data; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCALE_DIR := server/locale

.PHONY: run test lint messages compile-messages serve clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

compile-messages: $(STAMP)
	@$(BIN)/pybabel compile --statistics -d $(LOCALE_DIR) -D messages 2>&1 | grep -v "^$$" || true

run: $(STAMP) compile-messages
	@$(BIN)/townsquare run

serve: $(STAMP) compile-messages
	@$(BIN)/townsquare serve

lint: $(STAMP)
	$(BIN)/ruff check .

# Six pytest processes side by side (tests/run_groups.py says why); PYTEST_ARGS goes to each.
test: $(STAMP) compile-messages lint
	$(BIN)/python tests/run_groups.py $(PYTEST_ARGS)

# Extract every translatable string and merge it into the Spanish and Arabic catalogs.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -o $(LOCALE_DIR)/messages.pot --no-location --sort-output --width 120 .
	$(BIN)/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages --no-fuzzy-matching --width 120 --ignore-obsolete

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
