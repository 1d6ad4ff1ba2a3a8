# Quick start: `make run` serves the demo tour, `make test` runs the whole suite.
VENV   := .venv
PYTHON := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app app
PYBABEL := $(VENV)/bin/pybabel

.PHONY: run test lint format translations extract-messages db-upgrade seed clean

$(VENV)/.installed: requirements.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(PYBABEL) compile --use-fuzzy --directory translations --statistics 2>&1 | tail -n 1

run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-dev translations
	$(VENV)/bin/pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

extract-messages: $(VENV)/.installed
	$(PYBABEL) extract --mapping babel.cfg --keywords _l --keywords lazy_gettext \
		--project "French Impact Tour" --output translations/messages.pot .
	$(PYBABEL) update --input-file translations/messages.pot --directory translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
