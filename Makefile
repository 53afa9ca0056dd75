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

# The browser tests (a live server and Chromium; the whole-cycle walks spend minutes waiting for
# their ballots to close) run beside the rest of the suite instead of after it. Their output follows
# the rest's; exit status 5 (nothing selected, e.g. PYTEST_ARGS=tests/unit) is not a failure.
test: $(STAMP) compile-messages lint
	@mkdir -p var
	@$(BIN)/python -m pytest -m browser $(PYTEST_ARGS) > var/browser-tests.log 2>&1 & browser=$$!; \
	trap 'kill $$browser 2>/dev/null' INT TERM; \
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS); rest=$$?; \
	echo "--- browser tests (also in var/browser-tests.log) ---"; \
	wait $$browser; browser_status=$$?; cat var/browser-tests.log; \
	for status in $$rest $$browser_status; do [ $$status -eq 0 ] || [ $$status -eq 5 ] || exit 1; done

# Extract every translatable string and merge it into the Spanish and Arabic catalogs.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext -o $(LOCALE_DIR)/messages.pot --no-location --sort-output --width 120 .
	$(BIN)/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages --no-fuzzy-matching --width 120 --ignore-obsolete

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
