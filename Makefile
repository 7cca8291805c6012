# Two commands for a fresh machine: `make run` and `make test`.
# Everything else here is what those two need.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
VENDOR := static/vendor

# The demo users' password: DEMO_PASSWORD if given, else one generated on the first
# `make run` and kept in .demo-password (ignored by git) so later runs print the same.
DEMO_PASSWORD ?= $(shell test -s .demo-password || $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(9))" > .demo-password; cat .demo-password)
export DEMO_PASSWORD

.PHONY: run setup venv lock assets sysdeps sysdeps-test migrate seed test test-fast lint format bench backup restore worker beat clean

# Served with DEBUG off, as people will see it: the Persian 404/403/500 pages rather than
# Django's English debug page, static files from whitenoise. Plain http on 127.0.0.1, so no
# HTTPS redirect and no secure-only cookies; the key is generated once into .secret-key.
# `DEBUG=1 make run` brings back the debug pages for development.
run: setup migrate seed
	@echo ""
	@echo "  سامانه آماده است:  http://127.0.0.1:$(PORT)/   (ورود: /accounts/login/ ، مدیریت: /admin/)"
	@echo "  کاربران نمایشی: admin (مدیر) ، official (مقام استانی) ، staff (کارشناس اتاق)"
	@echo "  گذرواژه: $(DEMO_PASSWORD)"
	@echo ""
	@test -s .secret-key || $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > .secret-key
	DEBUG=$${DEBUG:-0} SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} SECURE_COOKIES=$${SECURE_COOKIES:-0} \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

setup: sysdeps venv assets

# requirements.txt is what production installs, requirements-dev.txt adds the tests' and
# tools' packages (it starts with `-r requirements.txt`); both are locked, every package
# pinned. The venv is brought up to date whenever either file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# After editing requirements.in or requirements-dev.in: pin what they name and everything
# that needs, keeping every pin already in the .txt files (no silent upgrades). To move a
# package on purpose: make lock LOCK_ARGS="--upgrade-package NAME".
LOCK := $(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: venv
	$(LOCK) --output-file requirements.txt requirements.in
	$(LOCK) --output-file requirements-dev.txt requirements-dev.in
	printf -- '-r requirements.txt\n' | cat - requirements-dev.txt > requirements-dev.txt.new
	mv requirements-dev.txt.new requirements-dev.txt

# Vazirmatn and the Jalali date picker come from the npm registry and are served by
# the site itself. Without npm the pages still work, in the system's fallback font.
assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json
	@if command -v npm >/dev/null 2>&1; then \
		npm install --no-audit --no-fund --loglevel=error && \
		mkdir -p $(VENDOR)/vazirmatn $(VENDOR)/jalalidatepicker && \
		cp node_modules/vazirmatn/fonts/webfonts/Vazirmatn-*.woff2 $(VENDOR)/vazirmatn/ && \
		cp node_modules/vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf node_modules/vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf $(VENDOR)/vazirmatn/ && \
		cp node_modules/vazirmatn/OFL.txt $(VENDOR)/vazirmatn/ && \
		cp node_modules/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.js node_modules/@majidh1/jalalidatepicker/dist/jalalidatepicker.min.css $(VENDOR)/jalalidatepicker/ && \
		touch $@; \
	else \
		echo "npm پیدا نشد: قلم وزیرمتن و تقویم شمسی نصب نشدند؛ صفحه‌ها با قلم پیش‌فرض کار می‌کنند."; \
	fi

# Debian libraries WeasyPrint needs (installed only where missing, and only as root).
SYSDEPS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TESTDEPS := chromium poppler-utils nginx
sysdeps:
	@$(MAKE) --no-print-directory _apt PKGS="$(SYSDEPS)"

sysdeps-test:
	@$(MAKE) --no-print-directory _apt PKGS="$(SYSDEPS) $(TESTDEPS)"

_apt:
	@missing=""; for p in $(PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "نصب بسته‌های دبیان:$$missing"; \
			(apt-get install -y -q $$missing >/dev/null 2>&1 || (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null)); \
		else \
			echo "این بسته‌های دبیان لازم‌اند و نصب نیستند:$$missing (با sudo apt-get install نصب کنید)"; \
		fi; \
	fi

migrate: venv
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

seed: venv
	$(PY) manage.py seed_kerman --demo-users

# The whole suite. With DATABASE_URL/REDIS_URL set it runs on PostgreSQL and Redis
# (CI does that); with neither, on SQLite with in-process tasks.
test: sysdeps-test venv assets
	$(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The benchmark needs PostgreSQL: its own database, built once and reused.
# SCALE=0.05 for a quick run; BENCH_ARGS="--skip-load" and the like pass through.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kerman_jobs_bench
SCALE ?= 1.0
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/2
bench: setup
	@$(MAKE) --no-print-directory _apt PKGS="wrk"
	@psql "$(BENCH_DATABASE_URL:/kerman_jobs_bench=/postgres)" -tc "SELECT 1 FROM pg_database WHERE datname='kerman_jobs_bench'" | grep -q 1 \
		|| psql "$(BENCH_DATABASE_URL:/kerman_jobs_bench=/postgres)" -c "CREATE DATABASE kerman_jobs_bench"
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py bench --scale $(SCALE) $(BENCH_ARGS)

backup: venv
	$(PY) manage.py backup_data

restore: venv
	@test -n "$(FILE)" || (echo "FILE=… را بدهید: make restore FILE=backups/kerman_jobs-….tar.gz" && exit 2)
	$(PY) manage.py restore_data "$(FILE)"

worker: venv
	$(VENV)/bin/celery -A kerman_jobs worker -l info

beat: venv
	$(VENV)/bin/celery -A kerman_jobs beat -l info

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
