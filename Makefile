# CallFlow: the commands a user and CI run. `make help` lists them.

SWIFT ?= swift
APT_PACKAGES := libyaml-dev libcurl4-openssl-dev libsqlite3-dev libhiredis-dev libre-dev librem-dev flite1-dev libpocketsphinx-dev pocketsphinx-en-us pkg-config python3 python3-venv openssl baresip-core
# SIPp, the second SIP peer the tests call `flows serve` with (baresip, the first, is in
# APT_PACKAGES: `make run` makes a call with it), Kamailio, the proxy in front of several, and
# Redis, the state they share; Prometheus scrapes them.
TEST_PACKAGES := sip-tester kamailio redis-server prometheus
# Python tools of the tests (the JSON Schema validator), in a virtual environment of their own.
TOOLS := .build/tools
CHECK_JSONSCHEMA := check-jsonschema==0.39.0
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup install build run check test golden schema prompts bench clean

help:
	@echo "make run    check and run the example flows in Flows/ (installs what is missing)"
	@echo "make test   build and run the test suite"
	@echo "make golden accept new generated Swift as the golden files"
	@echo "make schema write schema/*.schema.json from the compiler's key tables"
	@echo "make prompts remake the example flows' audio files in Prompts/ with flite"
	@echo "make bench  measure check, build, compile and call speed against their baselines, one table (installs nginx)"
	@echo "make setup  install the system packages (apt) the build needs"

# Installs the apt packages only when one is missing, so it is quick on a ready machine.
setup:
	@$(MAKE) --no-print-directory install PACKAGES="$(APT_PACKAGES)"
	@[ -x $(TOOLS)/bin/check-jsonschema ] || { echo "installing $(CHECK_JSONSCHEMA) into $(TOOLS)"; \
		python3 -m venv $(TOOLS) && $(TOOLS)/bin/pip install -q --disable-pip-version-check $(CHECK_JSONSCHEMA); }

install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: setup
	$(SWIFT) build

# The main job: check the example flows, then run each one against the demo API on 127.0.0.1.
run: build
	$(SWIFT) run --skip-build flowc check Flows
	demo/run-examples.sh

check: run

test: setup
	@$(MAKE) --no-print-directory install PACKAGES="$(TEST_PACKAGES)"
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(SWIFT) run --skip-build callflow-examples test

# Accept the emitter's new output as the golden files (review with git diff).
golden: setup
	CALLFLOW_UPDATE_GOLDEN=1 $(SWIFT) test --filter GoldenTests

# The JSON Schemas editors use, written from the compiler's key tables (a test compares).
schema: build
	$(SWIFT) run --skip-build flowc schema flow > schema/flow.schema.json
	$(SWIFT) run --skip-build flowc schema workflow > schema/workflow.schema.json
	$(SWIFT) run --skip-build flowc schema scenario > schema/scenario.schema.json

# The example flows' audio files, spoken by flite's kal voice (the same as `flows serve`'s).
prompts: setup
	@$(MAKE) --no-print-directory install PACKAGES="gcc"
	mkdir -p .build && cc -O2 -o .build/make-prompts Prompts/make-prompts.c -lflite_cmu_us_kal -lflite_usenglish -lflite_cmulex -lflite -lm
	.build/make-prompts Prompts

# The HTTP benchmark needs nginx (run from a temporary folder, not as a service) and a C compiler.
bench: setup
	@$(MAKE) --no-print-directory install PACKAGES="nginx gcc sip-tester redis-server kamailio"
	python3 bench/bench.py

clean:
	rm -rf .build bench/out demo/.api.log
