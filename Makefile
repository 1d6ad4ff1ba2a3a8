# Quick start: `make run` serves the demo tour, `make test` runs the whole suite.
VENV   := .venv
PYTHON := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app app
PYBABEL := $(VENV)/bin/pybabel

.PHONY: run test lint format translations extract-messages system-libraries chromium \
	calendar-clients accessibility-tools clean

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

# One job consumer runs beside the server (jobs/: the mail outbox, reminders, programmes),
# its queue in instance/jobs.sqlite3; in development mails are .eml files in instance/mail/
# (set MAIL_SERVER to send over SMTP instead).
run: $(VENV)/.installed translations system-libraries
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Mails to participants: instance/mail/*.eml"
	$(VENV)/bin/huey_consumer jobs.worker.huey --workers 2 --worker-type thread --quiet & \
		trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
		$(FLASK) run --host 127.0.0.1 --port 5000

# WeasyPrint needs Pango and a font; on a bare Debian they come from its packages.
system-libraries:
	@ldconfig -p | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi dejavu || { \
		echo "Installing Pango and fonts for the PDF programmes…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fontconfig >/dev/null; }

# The browser tests drive Debian's Chromium (a browser downloaded by a test tool cannot be
# fetched here); install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The calendar tests read feeds and invitations with the parsers of the calendar clients too:
# libical (Evolution, CalDAV servers), from Debian's libical-dev and compiled with cc, and
# ical.js (Thunderbird), from npm at the version tests/calendar/clients/package-lock.json pins.
# npm for the tests that run JavaScript tools (ical.js, axe-core), from Debian when missing.
NODE_AND_NPM = command -v npm >/dev/null 2>&1 || { \
	echo "Installing Node.js and npm for the tests…"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		nodejs npm >/dev/null; }

CLIENTS := tests/calendar/clients
calendar-clients: $(CLIENTS)/node_modules/.package-lock.json
	@pkg-config --exists libical && command -v cc >/dev/null 2>&1 || { \
		echo "Installing libical-dev and gcc for the calendar tests…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libical-dev gcc pkg-config >/dev/null; }

$(CLIENTS)/node_modules/.package-lock.json: $(CLIENTS)/package.json $(CLIENTS)/package-lock.json
	@$(NODE_AND_NPM)
	npm ci --prefix $(CLIENTS) --no-audit --no-fund --loglevel=error
	touch $@

# The accessibility tests inject axe-core (npm, version pinned by tests/a11y/package-lock.json)
# into Debian's Chromium.
A11Y := tests/a11y
accessibility-tools: $(A11Y)/node_modules/.package-lock.json
$(A11Y)/node_modules/.package-lock.json: $(A11Y)/package.json $(A11Y)/package-lock.json
	@$(NODE_AND_NPM)
	npm ci --prefix $(A11Y) --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed-dev translations system-libraries chromium calendar-clients \
		accessibility-tools
	$(VENV)/bin/pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

extract-messages: $(VENV)/.installed
	$(PYBABEL) extract --mapping babel.cfg --keywords _l --keywords lazy_gettext --no-location \
		--sort-output --project "French Impact Tour" --output translations/messages.pot .
	$(PYBABEL) update --input-file translations/messages.pot --output-dir translations \
		--no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
