# CallFlow: the commands a user and CI run. `make help` lists them.

SWIFT ?= swift
APT_PACKAGES := libyaml-dev libcurl4-openssl-dev libsqlite3-dev pkg-config python3 openssl
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup install build run check test golden bench clean

help:
	@echo "make run    check and run the example flows in Flows/ (installs what is missing)"
	@echo "make test   build and run the test suite"
	@echo "make golden accept new generated Swift as the golden files"
	@echo "make bench  measure the compiler against libyaml's bare parse, and HTTP calls against a C libcurl loop (installs nginx)"
	@echo "make setup  install the system packages (apt) the build needs"

# Installs the apt packages only when one is missing, so it is quick on a ready machine.
setup:
	@$(MAKE) --no-print-directory install PACKAGES="$(APT_PACKAGES)"

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
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Accept the emitter's new output as the golden files (review with git diff).
golden: setup
	CALLFLOW_UPDATE_GOLDEN=1 $(SWIFT) test --filter GoldenTests

# The HTTP benchmark needs nginx (run from a temporary folder, not as a service) and a C compiler.
bench: setup
	@$(MAKE) --no-print-directory install PACKAGES="nginx gcc"
	python3 bench/check_speed.py
	python3 bench/http_speed.py

clean:
	rm -rf .build bench/out demo/.api.log
