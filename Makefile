# One command to run the service on embedded defaults, one to run the tests.
# Both create .venv/ in the repository root and install into it from the requirements files.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install migrate run test lint compose-check bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

## run: web on http://127.0.0.1:8000, a Celery worker and beat, in this terminal (Ctrl-C stops all)
run: migrate
	@$(PY) manage.py adduser demo --role editor | tail -n 1 > var/demo-token
	@echo "Demo editor 'demo', API token: $$(cat var/demo-token)"
	@echo "Try: curl -H \"Authorization: Token $$(cat var/demo-token)\" http://127.0.0.1:8000/api/v1/articles/"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile

## test: the whole suite (PostgreSQL + Redis when DATABASE_URL / CELERY_BROKER_URL point at them)
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

## bench: the service benchmarks on PostgreSQL + Redis (needs wrk); figures go to benchmarks/results/
BENCH_TEXTS ?= ../shared/datasets/polnear/dev/text
bench: install
	$(PY) -m benchmarks.api_load
	$(PY) -m benchmarks.e2e_latency $$(test -d $(BENCH_TEXTS) && echo --texts $(BENCH_TEXTS))
	$(PY) -m benchmarks.scale_queries

## compose-check: validate docker-compose.yml (needs docker-compose or `docker compose`)
compose-check: export DJANGO_SECRET_KEY ?= validate-only
compose-check:
	@if command -v docker-compose >/dev/null 2>&1; then docker-compose -f docker-compose.yml config -q; \
	elif docker compose version >/dev/null 2>&1; then docker compose -f docker-compose.yml config -q; \
	else echo "docker-compose is not installed; cannot validate docker-compose.yml" >&2; exit 1; fi
	@echo "docker-compose.yml is valid"

clean:
	rm -rf var/db.sqlite3* var/test_db.sqlite3* var/broker var/celerybeat-schedule* var/static
