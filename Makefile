# Keiretsu — the two commands a newcomer runs are `make up` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
UV          := $(VENV)/bin/uv
ANVIL_DIR   := node_modules/@foundry-rs/anvil-linux-amd64/bin
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/$(ANVIL_DIR):$(PATH)
export PYTHONPATH := $(CURDIR)

UV_VERSION  := 0.13.8
# The chain `make console` reaches: make up's defaults, or what its banner says.
KEIRETSU_CHAIN_PORT ?= 8545

.PHONY: help install install-frontend install-browser install-postgres up console test test-contracts test-production test-frontend test-legacy bench fuzz load clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# --- installation: every step is skipped when its stamp is newer than its lock file ---

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	@test -x $(UV) || $(VENV)/bin/pip install --quiet uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(PY) -r requirements.lock
	@touch $@

# Byte-compiled once, not on every start: with PYTHONDONTWRITEBYTECODE (or a read-only venv) each
# `ape run` compiled Ape's modules from source again, about two thirds of its time.
$(VENV)/.compiled: $(VENV)/.installed
	-$(PY) -m compileall -qq -j 0 $(VENV)/lib
	@touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

# Debian's chromium drives the end-to-end tests; no browser is ever downloaded by a test tool.
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# Debian's PostgreSQL server for the index's tests, which start a throwaway one of their own
# (tests/fixtures/postgres.py): only the binaries are needed, so no main cluster is created.
install-postgres:  ## install Debian's PostgreSQL server for the index's tests (needs root)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  mkdir -p /etc/postgresql-common/createcluster.d && \
	  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/keiretsu-tests.conf && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

install: $(VENV)/.installed $(VENV)/.compiled node_modules/.installed  ## install the pinned Python and chain dependencies

install-frontend: frontend/node_modules/.installed  ## install the dApp's packages

install-browser: /usr/bin/chromium  ## install Debian's chromium for the end-to-end tests (needs root)

# --- the two commands ---

up: install install-frontend  ## start the local chain (state on disk), deploy, seed a demo market, serve the dApp
	$(PY) -m keiretsu.up $(UP_FLAGS)

console: install  ## ape console on the running `make up` chain (KEIRETSU_CHAIN_PORT, KEIRETSU_DEPLOYMENTS: as its banner says)
	APE_FOUNDRY_HOST=http://127.0.0.1:$(KEIRETSU_CHAIN_PORT) $(VENV)/bin/ape console

test: install test-contracts test-frontend  ## install what is missing and run every test

# Two groups of test files run side by side, each on an anvil of its own (tests/parallel.py says why).
test-contracts: install install-postgres frontend/node_modules/.installed  # tests/test_up.py builds the dApp; the index's tests start PostgreSQL
	$(PY) -m tests.parallel $(TEST_FLAGS)

test-frontend: install install-frontend install-browser
	ape compile
	cd frontend && npm run gen -- --allow-missing-deployment && npm run build && npm test && npm run e2e

# The scripts, the console, the reports and the index through a locked-down production node (issue 15):
# about 7 minutes, mostly waiting on one-second blocks. make test-contracts runs them in a lane of their own.
test-production: install  ## the tests through a production-like node (QBFT extraData, no tracing, capped logs, 1 s blocks)
	APE_FOUNDRY_HOST=http://127.0.0.1:8569 $(VENV)/bin/ape test tests/test_production_*.py -p no:cacheprovider $(TEST_FLAGS)

# Venom (SecurityToken, Dividends) is experimental: the same tests must pass on the default pipeline's build.
test-legacy: install  ## the contract tests on every contract built by Vyper's default pipeline (no venom), size limit lifted
	$(PY) -m tests.legacy $(LEGACY_FLAGS)

fuzz: install  ## the invariant fuzzing with many more examples (HYPOTHESIS_PROFILE=fuzz), then make test-legacy
	HYPOTHESIS_PROFILE=fuzz ape test tests/test_invariants.py -p no:cacheprovider
	$(MAKE) --no-print-directory test-legacy

load: install  ## 20 traders, thousands of random orders on a chain of its own; reconciles and prints throughput
	$(PY) -m keiretsu.load $(LOAD_FLAGS)

bench: install  ## measure gas and the index's speed on a fresh chain and write bench/results.json
	$(PY) -m bench.run

clean:  ## remove build output (keeps installed dependencies and chain state)
	rm -rf .build bench/__pycache__
