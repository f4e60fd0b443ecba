# Two commands for a newcomer: `make run` and `make test`. Everything else helps them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-deps browser-deps messages makemessages migrate demo units lint format worker beat check-deploy bench bench-ci clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  echo "Python's venv module is missing. Please run:  sudo apt-get install -y python3-venv"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# The suite's page checks (tests/support/pagecheck.py): axe-core and the Nu HTML Checker
# (vnu.jar), pinned in package.json and package-lock.json; nothing in node_modules is served.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing. Please run:  sudo apt-get install -y npm"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP)

# gettext compiles the translation catalogue; Pango and fonts let WeasyPrint write PDFs.
# Official documents are set in Liberation Serif 2.x (fonts-liberation2: Times metrics with
# every Vietnamese letter and ₫); where Chromium pulls in the 1.07 package under the same
# family name, fontconfig takes the higher version (core/documents.py). HarfBuzz's subsetter
# (libharfbuzz-subset0) cuts the fonts into each PDF four times faster than WeasyPrint's
# fallback (fontTools).
# Each check names its package; whatever is missing is installed with apt when we are root,
# otherwise the message gives the one apt-get line to run (README, "Prerequisites").
define need_packages
	@missing=""; for check in $(1); do \
	  package=$${check%%:*}; test=$${check#*:}; eval "$$test" >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing system packages. Please run:  sudo apt-get install -y$$missing"; exit 1; fi; \
	fi
endef
SYSTEM_CHECKS := \
	'gettext:command -v msgfmt' \
	'libpango-1.0-0:/sbin/ldconfig -p | grep -q libpango-1.0.so' \
	'libpangoft2-1.0-0:/sbin/ldconfig -p | grep -q libpangoft2-1.0' \
	'libharfbuzz-subset0:/sbin/ldconfig -p | grep -q libharfbuzz-subset' \
	'fonts-dejavu-core:test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' \
	'fonts-liberation2:test -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf'
# Browser tests drive Debian's Chromium with Playwright, never a downloaded browser;
# pdftoppm (poppler-utils): the allocation journey renders the decision it downloads.
# Java 17 runs the Nu HTML Checker (vnu.jar) over every page the journeys visit.
BROWSER_CHECKS := 'chromium:command -v chromium' 'poppler-utils:command -v pdftoppm' \
	'openjdk-17-jre-headless:java -version 2>&1 | grep -Eq "version \"(1[7-9]|[2-9][0-9])"'

system-deps:
	$(call need_packages,$(SYSTEM_CHECKS))

browser-deps: system-deps
	$(call need_packages,$(BROWSER_CHECKS))

messages: install system-deps
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0

makemessages: install system-deps
	$(BIN)/python manage.py makemessages -l vi --ignore=.venv --ignore=staticfiles --no-obsolete
	$(BIN)/python manage.py makemessages -l vi -d djangojs --ignore=.venv --ignore=staticfiles --ignore=static/vendor --no-obsolete

migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py seed_demo

# The official current map (34 provinces, 3,321 communes) over whatever the database holds.
units: migrate
	$(BIN)/python manage.py load_units

run: messages demo
	@echo "Serving http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: messages browser-deps $(NODE_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install
	$(BIN)/celery -A config worker --loglevel=info

beat: install
	$(BIN)/celery -A config beat --loglevel=info

# The production profile must pass Django's deployment checks with no warning.
check-deploy: install
	DJANGO_DEBUG=0 SECRET_KEY=ci-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP \
	  ALLOWED_HOSTS=dieuuocchoem.example.vn $(BIN)/python manage.py check --deploy --fail-level WARNING

# Load benchmark: the portal under gunicorn (production profile) on DATABASE_URL (PostgreSQL)
# and REDIS_URL, driven by locust on loopback; writes bench-results/report.md and .json.
# Works on whatever data the database holds; on the demo: BENCH_ARGS="--password demo12345".
# Other options: python manage.py bench --help.
bench: messages
	$(BIN)/python manage.py bench $(BENCH_ARGS)

# The same benchmark CI-sized (4 users, a few seconds a phase, one step of the open-loop
# capacity search, a short pledge phase); fails on any failed request or lost pledge.
bench-ci: messages
	$(BIN)/python manage.py bench --ci $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
