# CallFlow: the commands a user and CI run. `make help` lists them.

SWIFT ?= swift
APT_PACKAGES := libyaml-dev libcurl4-openssl-dev pkg-config python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup build run check test bench clean

help:
	@echo "make run    check the example flows in Flows/ (installs what is missing)"
	@echo "make test   build and run the test suite"
	@echo "make bench  measure the compiler against libyaml's bare parse"
	@echo "make setup  install the system packages (apt) the build needs"

# Installs the apt packages only when one is missing, so it is quick on a ready machine.
setup:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: setup
	$(SWIFT) build

# The main job: until the runner exists, check every example flow.
run: build
	$(SWIFT) run --skip-build flowc check Flows

check: run

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: setup
	python3 bench/check_speed.py

clean:
	rm -rf .build bench/out
