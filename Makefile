# Proficio — `make run` and `make test` work on a fresh machine: every tool they need is
# installed here, idempotently, and quickly skipped when already present.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
BINARYEN_VERSION := 132
SCHEMATHESIS_VERSION := 4.32.5
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ {getline; gsub(/[^0-9.]/, "", $$0); print; exit}' Cargo.lock)
TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Chromium's own download is impossible here; Playwright drives Debian's.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

E2E_PORT ?= 3100
# The browser tests' OpenID provider (npm oidc-provider, started by tests/sso.spec.ts);
# the e2e server is configured for it and fetches its discovery document on first use.
E2E_OIDC_PORT ?= 3190
PG_URL ?= $(or $(PROFICIO_TEST_POSTGRES_URL),postgres://postgres@127.0.0.1:5432/postgres)
PG_STATUS := target/postgres-tests.status
# Integration tests at once: each mostly waits (for its database, or for a template another
# test is building), so more than the 2 cores' default keeps both cores busy.
TEST_THREADS ?= 4
# PostgreSQL tests wait longer on the server's disk than on the cores: 6 at once measured
# 45 s against 51 s with 4 (2 cores, quiet machine).
PG_TEST_THREADS ?= 6

.PHONY: help run build dev test tools release-tools test-tools lint unit integration integration-sqlite integration-postgres e2e e2e-build size bench-hydration api-fuzz api-fuzz-short api-fuzz-tools fuzz bench-imports bench-learning crash-test load-test bench-pages

help:
	@echo "make run    build (release) and serve http://127.0.0.1:3000 on ./data/proficio.db with the demo organisation"
	@echo "make test   formatting, clippy (server and WASM), unit, integration (SQLite + PostgreSQL) and browser tests"
	@echo "make build  release build: target/release/proficio and target/site"
	@echo "make dev    cargo leptos watch"
	@echo "make fuzz   run every import parser's fuzz target for FUZZ_SECONDS (default 60) each"
	@echo "make api-fuzz       schemathesis on /api/v1, API_FUZZ_EXAMPLES (default 1000) cases per operation, both backends"
	@echo "make size           bytes of code each route downloads on a first visit, against the budget"
	@echo "make bench-hydration time from navigation to a hydrated page per route (release build)"
	@echo "make bench-imports   time the CASE, ESCO and Moodle imports on both backends"
	@echo "make bench-learning  time close my gap over a 2,000-activity catalogue"
	@echo "make crash-test      SIGKILL the release server mid-write ROUNDS (default 20) times; 0 lost writes expected (both backends)"
	@echo "make load-test       CLIENTS (default 200) signed-in clients for SECONDS (default 60); 0 errors expected (both backends)"
	@echo "make bench-pages     the main pages to 32 clients on a generated organisation of PEOPLE (default 100000), beside their data alone (both backends)"

## ---- tools ---------------------------------------------------------------------------

tools:
	@rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown \
	  || ../shared/toolchain/install-wasm32-std
	@cargo leptos --version 2>/dev/null | grep -q " $(CARGO_LEPTOS_VERSION)$$" \
	  || cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked
	@# cargo-leptos would download wasm-bindgen; it uses one on PATH first. Must match Cargo.lock.
	@wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)$$" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force

# Release builds run wasm-opt; Debian's binaryen 108 silently breaks hydration, npm's 132 works.
release-tools: tools
	@wasm-opt --version 2>/dev/null | grep -q "version $(BINARYEN_VERSION)" \
	  || npm install --silent --no-audit --no-fund --prefix $(TOOLS) binaryen@$(BINARYEN_VERSION)

# Schemathesis (from PyPI) in its own virtual environment, for `make api-fuzz`.
api-fuzz-tools:
	@$(TOOLS)/venv/bin/schemathesis --version 2>/dev/null | grep -q "$(SCHEMATHESIS_VERSION)" \
	  || { python3 -m venv $(TOOLS)/venv && $(TOOLS)/venv/bin/pip install -q --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION); }

test-tools: release-tools api-fuzz-tools
	@command -v chromium >/dev/null \
	  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@[ -x end2end/node_modules/.bin/playwright ] && [ end2end/node_modules/.package-lock.json -nt end2end/package-lock.json ] \
	  || (cd end2end && npm ci --silent --no-audit --no-fund)

## ---- run and build -----------------------------------------------------------------

# The demo organisation (with its published passwords) is loaded only because this asks
# for it; `proficio serve` on an empty production database never does.
run: release-tools
	PROFICIO_DEMO=true cargo leptos serve --release --precompress

build: release-tools
	cargo leptos build --release --precompress

dev: tools
	cargo leptos watch

## ---- tests -------------------------------------------------------------------------

test: test-tools lint unit integration e2e api-fuzz-short
	@echo "make test: all passed ($$(cat $(PG_STATUS)) PostgreSQL integration tests)"

lint: tools
	cargo fmt --all --check
	cargo clippy -p app --features ssr --all-targets -- -D warnings
	cargo clippy -p server --all-targets -- -D warnings
	cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

unit:
	cargo test -p app --features ssr --lib
	cargo test -p server --lib --bins

integration: integration-sqlite integration-postgres

integration-sqlite:
	PROFICIO_TEST_BACKEND=sqlite RUST_TEST_THREADS=$(TEST_THREADS) cargo test -p server --test integration --test queries

# Runs every integration test against PostgreSQL too. Starts the local server if it is down;
# where none is reachable the tests are skipped loudly, and under CI that is a failure.
integration-postgres:
	@mkdir -p target
	@if ! pg_isready -q -d "$(PG_URL)" 2>/dev/null; then \
	  command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1 \
	    && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start 2>/dev/null || true; \
	  sleep 2; \
	fi
	@if pg_isready -q -d "$(PG_URL)" 2>/dev/null; then \
	  PROFICIO_TEST_BACKEND=postgres PROFICIO_TEST_POSTGRES_URL="$(PG_URL)" RUST_TEST_THREADS=$(PG_TEST_THREADS) cargo test -p server --test integration --test queries \
	    && echo ran > $(PG_STATUS); \
	else \
	  echo skipped > $(PG_STATUS); \
	  echo "!!! PostgreSQL is not reachable at $(PG_URL): PostgreSQL integration tests were SKIPPED !!!"; \
	  if [ -n "$${CI:-}" ]; then echo "CI is set: skipping PostgreSQL tests is a failure"; exit 1; fi; \
	fi

# Browser tests run against the release build, exactly what `make run` serves (a release
# that does not build fails `make test`), on a fresh SQLite file with the demo (port
# $(E2E_PORT), so that a `make run` on 3000 can keep running), driven by Playwright in
# Debian's Chromium with JavaScript on and off. `make size` and `make bench-hydration` use
# the same build. Its site goes to its own folder, so it never replaces `make run`'s files.
e2e-build: test-tools
	LEPTOS_SITE_ROOT=target/e2e-site cargo leptos build --release --precompress

# Single sign-on for the e2e server: the provider tests/sso.spec.ts starts, its client
# `proficio`, the demo's domain, new people created as employees.
E2E_SSO = PROFICIO_PUBLIC_URL=http://127.0.0.1:$(E2E_PORT) PROFICIO_OIDC_ISSUER=http://127.0.0.1:$(E2E_OIDC_PORT) \
  PROFICIO_OIDC_CLIENT_ID=proficio PROFICIO_OIDC_CLIENT_SECRET=proficio-e2e-secret \
  PROFICIO_OIDC_ALLOWED_DOMAINS=northwind.example PROFICIO_OIDC_CREATE_ROLE=employee PROFICIO_OIDC_LABEL="Northwind ID"

# $(call with-e2e-server,COMMAND): serves that build on a throwaway database with the demo
# organisation at E2E_PORT, runs COMMAND with PROFICIO_E2E_URL set, and stops the server
# whatever happens (printing its log's tail if COMMAND fails).
define with-e2e-server
	@dir=$$(mktemp -d); \
	  LEPTOS_SITE_ROOT=target/e2e-site RUST_LOG=warn PROFICIO_UPLOAD_DIR=$$dir/uploads $(E2E_SSO) target/release/proficio --database "sqlite://$$dir/e2e.db" serve --demo true --addr 127.0.0.1:$(E2E_PORT) > $$dir/server.log 2>&1 & \
	  pid=$$!; \
	  trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null; rm -rf '"$$dir" EXIT; \
	  for i in $$(seq 1 100); do curl -sf http://127.0.0.1:$(E2E_PORT)/healthz >/dev/null && break; sleep 0.2; done; \
	  curl -sf http://127.0.0.1:$(E2E_PORT)/healthz >/dev/null || { cat $$dir/server.log; exit 1; }; \
	  cd end2end && PROFICIO_E2E_URL=http://127.0.0.1:$(E2E_PORT) PROFICIO_E2E_OIDC_PORT=$(E2E_OIDC_PORT) $(1) || { tail -50 $$dir/server.log; exit 1; }
endef

e2e: e2e-build
	$(call with-e2e-server,npx playwright test)

# Schemathesis against the OpenAPI document the release server serves, every check, on both
# backends: 0 server errors and 0 answers that break the document expected. `make test`
# runs a short pass (API_FUZZ_SHORT cases per operation) on the build the browser tests used.
API_FUZZ_EXAMPLES ?= 1000
API_FUZZ_SHORT ?= 100

api-fuzz: api-fuzz-tools
	cargo build --release -p server --bin proficio
	end2end/api-fuzz.sh sqlite $(API_FUZZ_EXAMPLES)
	end2end/api-fuzz.sh postgres $(API_FUZZ_EXAMPLES)

api-fuzz-short: api-fuzz-tools e2e-build
	end2end/api-fuzz.sh sqlite $(API_FUZZ_SHORT)
	end2end/api-fuzz.sh postgres $(API_FUZZ_SHORT)

# What a first visit to each route downloads (JavaScript + WebAssembly, raw and as sent);
# fails when an employee route is over 250 KB as sent or one file is over 600 KB.
size: e2e-build
	$(call with-e2e-server,node perf.mjs size)

# Time from navigation to a hydrated page per route, median of RUNS (default 5) first visits.
bench-hydration: e2e-build
	$(call with-e2e-server,node perf.mjs hydration)

## ---- fuzzing and import benchmarks -------------------------------------------------------

FUZZ_SECONDS ?= 60
FUZZ_TARGETS := case moodle_csv esco progression_yaml people_csv
DATA := ../shared/data

# libFuzzer needs nightly-only flags; RUSTC_BOOTSTRAP lets the one stable toolchain here
# accept them. Seeds come from the real files in ../shared/data (not committed here).
fuzz: tools
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
	@mkdir -p fuzz/seeds/case fuzz/seeds/moodle_csv fuzz/seeds/esco fuzz/seeds/progression_yaml fuzz/seeds/people_csv
	@cp $(DATA)/case/[A-Z]*.json fuzz/seeds/case/ && cp $(DATA)/case/what-standards-could-be.json fuzz/seeds/case/
	@cp $(DATA)/moodle/*.csv fuzz/seeds/moodle_csv/
	@head -c 3000 $(DATA)/esco/ict_skills.json > fuzz/seeds/esco/skills.json; head -n 20 $(DATA)/esco/skills.csv > fuzz/seeds/esco/skills.csv; head -c 3000 $(DATA)/esco/ict_occupations.json > fuzz/seeds/esco/occupations.json
	@cp $(DATA)/progression/ft-engineering.yml fuzz/seeds/progression_yaml/
	@printf 'email,name,job title,role,unit,manager,position\nada@example.org,Ada,Engineer,admin,Labs / Engineering,,Engineer\nbob@example.org,Bob,,,Labs,ada@example.org,\n' > fuzz/seeds/people_csv/people.csv
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p corpus/$$t; \
	  RUSTC_BOOTSTRAP=1 cargo fuzz run $$t corpus/$$t seeds/$$t -- -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=4096 || exit 1; \
	done
	@echo "make fuzz: every target ran $(FUZZ_SECONDS) s without a crash"

# "Close my gap" over a generated 2,000-activity catalogue (goal: under 10 ms), release build.
bench-learning: tools
	cargo build --release -p server --bin proficio
	target/release/proficio bench-learning

# The import speed goals: a 1,189-item CASE package, the 13,939 ESCO skills, the OECD
# Moodle file; release build, fresh database per run, both backends.
bench-imports: tools
	cargo build --release -p server --bin proficio
	target/release/proficio bench-imports --data $(DATA)
	@if pg_isready -q -d "$(PG_URL)" 2>/dev/null; then \
	  psql -q "$(PG_URL)" -c "drop database if exists proficio_bench_imports" -c "create database proficio_bench_imports" \
	  && target/release/proficio --database "$$(echo "$(PG_URL)" | sed 's#/[^/]*$$#/proficio_bench_imports#')" bench-imports --data $(DATA); \
	  status=$$?; psql -q "$(PG_URL)" -c "drop database if exists proficio_bench_imports"; exit $$status; \
	else echo "PostgreSQL is not reachable at $(PG_URL): SQLite figures only"; fi

## ---- durability and load ------------------------------------------------------------

ROUNDS ?= 20
CLIENTS ?= 200
SECONDS ?= 60
PROFICIO_RELEASE := $(or $(CARGO_TARGET_DIR),target)/release/proficio

# $(call on-throwaway-pg,DB,ARGS): runs the release binary with ARGS on a new PostgreSQL
# database DB next to $(PG_URL), dropped afterwards whatever the outcome.
on-throwaway-pg = if ! pg_isready -q -d "$(PG_URL)" 2>/dev/null; then \
	  echo "!!! PostgreSQL is not reachable at $(PG_URL) !!!"; exit 1; fi; \
	psql -q "$(PG_URL)" -c "drop database if exists $(1) with (force)" -c "create database $(1)"; \
	status=0; \
	$(PROFICIO_RELEASE) --database "$$(echo "$(PG_URL)" | sed 's|/[^/]*$$|/$(1)|')" $(2) || status=$$?; \
	psql -q "$(PG_URL)" -c "drop database if exists $(1) with (force)"; \
	exit $$status

# Starts the release server on a fresh database, fires concurrent manager ratings over HTTP,
# SIGKILLs it mid-stream, restarts it and counts acknowledged writes that are missing, then
# checks integrity; ROUNDS rounds on a temporary SQLite file, then on a throwaway PostgreSQL
# database. Fails on any lost write, integrity problem or failed request.
crash-test:
	cargo build --release -p server --bin proficio
	$(PROFICIO_RELEASE) crash-test --rounds $(ROUNDS)
	@$(call on-throwaway-pg,proficio_crash_test,crash-test --rounds $(ROUNDS))

# The main pages through the real router to 32 clients on a generated organisation of
# PEOPLE (default 100,000), beside each page's data alone; SQLite, then PostgreSQL.
PEOPLE ?= 100000
bench-pages:
	cargo build --release -p server --bin proficio
	$(PROFICIO_RELEASE) bench-pages --people $(PEOPLE)
	@$(call on-throwaway-pg,proficio_bench_pages,bench-pages --people $(PEOPLE))

# CLIENTS signed-in clients for SECONDS reading pages and writing ratings against the release
# server; requests, errors and p50/p99 per kind, on SQLite then PostgreSQL. Fails on any error.
load-test:
	cargo build --release -p server --bin proficio
	$(PROFICIO_RELEASE) load-test --clients $(CLIENTS) --seconds $(SECONDS)
	@$(call on-throwaway-pg,proficio_load_test,load-test --clients $(CLIENTS) --seconds $(SECONDS))
