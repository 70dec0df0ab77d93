# The two commands: `make run` and `make test`. Everything else is what they stand on.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-requirements

.PHONY: setup run test test-fast bench-smoke cluster-test faults load lint format messages static makemessages migrate db-stop db-upgrade clean-db browser pdf-libs

## setup: virtualenv, pinned packages, front-end assets, database, migrations, translations,
## the PDF CV's system libraries and fonts
setup: $(STAMP) pdf-libs messages static migrate

$(STAMP): requirements.txt build-constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing Python packages into $(VENV) ..."
	@PIP_CONSTRAINT=build-constraints.txt $(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

messages: $(STAMP)
	@$(PY) -m portfolio_site.compile_translations

## static: gather the site's and Bootstrap's files into var/static (what production serves)
static: $(STAMP)
	@$(PY) manage.py collectstatic --noinput -v0

migrate: $(STAMP)
	@$(PY) manage.py migrate --noinput -v0

## run: set up, add demo data on the first run, serve on 127.0.0.1:$(PORT)
run: setup
	@$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	@$(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: set up, then the whole suite (browser tests included)
test: setup browser
	@E2E_REQUIRED=1 $(PY) -m pytest $(PYTEST_ARGS)

## test-fast: the suite without the browser tests
test-fast: setup
	@$(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

## bench-smoke: every benchmark at its small size, each in a fresh database of its own on
## DATABASE_URL's server (dropped at the end); fails on any error (a schema change that
## breaks a benchmark's seeding fails the build)
BENCHES := public_page write_paths comments journal_search search search_relevance analytics experiments recommendations redis_outage transfer_jobs backup cv_pdf leap2a
bench-smoke: setup
	@set -e; for bench in $(BENCHES); do \
	  echo "==> bench/$$bench.py --smoke"; \
	  BENCH_SIZE=smoke $(PY) bench/$$bench.py --smoke; \
	done

## cluster-test: the Procfile's processes as production runs them (two web servers, a
## worker, beat) on shared PostgreSQL, Redis and S3 (moto), driven over HTTP; in a database
## of its own on DATABASE_URL's server (dropped at the end) and Redis database 9 (emptied)
cluster-test: setup
	@$(PY) tests/cluster/run.py

## faults: the site under failures (PostgreSQL and Redis stopped under load, the worker and
## a web server killed mid-task), each on a PostgreSQL, Redis and SMTP sink of the run's own;
## FAULTS_ARGS=--short is the shorter form CI runs
faults: setup
	@$(PY) tests/faults/run.py $(FAULTS_ARGS)

## load: the real mix of users (locust, bench/load/) against two app servers; LOAD_ARGS=--soak
## for 15 minutes at 50 users, --short for a quick check. Locust lives in a virtualenv of its
## own ($(VENV)-load), so the site's packages stay as they are.
LOAD_VENV := $(VENV)-load
$(LOAD_VENV)/.installed: bench/load/requirements.txt
	@test -x $(LOAD_VENV)/bin/python || $(PYTHON) -m venv $(LOAD_VENV)
	@$(LOAD_VENV)/bin/python -m pip install --disable-pip-version-check -q -r bench/load/requirements.txt
	@touch $@

load: setup $(LOAD_VENV)/.installed
	@$(PY) bench/load/run.py --locust $(LOAD_VENV)/bin/locust $(LOAD_ARGS)

## browser: Debian's Chromium for the browser tests (installed when running as root)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests ..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	  else \
	    echo "chromium is missing: install it (apt-get install chromium) for the browser tests."; \
	  fi; }

## pdf-libs: what WeasyPrint (the PDF CV, pages/cv.py) needs from the system: Pango,
## HarfBuzz (with its subsetter), fontconfig, and the DejaVu fonts the CV names (Latin,
## Cyrillic and the Kyrgyz ң ө ү); installed with apt-get when missing and running as root
PDF_PACKAGES := fonts-dejavu-core fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1
pdf-libs:
	@command -v dpkg-query >/dev/null 2>&1 || exit 0; \
	missing=$$(for package in $(PDF_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$package 2>/dev/null | grep -q "ok installed" || echo $$package; \
	done | xargs); \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing the PDF CV's libraries and fonts: $$missing ..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null); \
	else \
	  echo "The PDF CV needs $$missing: install them (apt-get install $$missing)."; \
	fi

## lint: ruff, and the import layers (ARCHITECTURE.md) with import-linter
lint: $(STAMP)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-logo --no-cache

format: $(STAMP)
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

## makemessages: collect new strings into locale/ (needs GNU gettext)
makemessages: $(STAMP)
	@$(PY) manage.py makemessages -l ru -l ky --no-obsolete --no-wrap --ignore='.venv*' --ignore='var*' --ignore=tests --ignore=bench

# --- Embedded PostgreSQL (DATABASE_URL unset): its folder is $VAR_DIR/pgdata (var/pgdata) ---

## db-stop: stop the embedded PostgreSQL (it keeps running between commands)
db-stop: $(STAMP)
	@$(PY) -c "import os; from pathlib import Path; from portfolio_site import embedded_db; print('stopped' if embedded_db.stop(Path(os.environ.get('VAR_DIR') or 'var')) else 'not running')"

## db-upgrade: move a data folder of the old embedded server (PostgreSQL 16) to PostgreSQL 18,
## keeping the old folder as var/pgdata-pg16-<date>-<time> until you delete it
db-upgrade: $(STAMP)
	@$(PY) -m portfolio_site.embedded_db_upgrade

## clean-db: stop the embedded PostgreSQL and delete its data
clean-db: db-stop
	rm -rf "$${VAR_DIR:-var}/pgdata"
