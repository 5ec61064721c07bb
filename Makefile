# picoagent developer and user targets.  `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian / Raspberry Pi OS packages: Xvfb for headless use, Tk for pyautogui's
# mouseinfo and the demo app, X client libraries for mss/XTest, and the real
# desktop programs the tests drive.
APT_PACKAGES := python3-venv python3-tk xvfb xauth x11-utils x11-apps xterm zenity \
	xdotool libx11-6 libxrandr2 libxfixes3 libxtst6 libxext6 libgl1 libglib2.0-0 \
	fonts-dejavu-core
DEMO_SCREEN := 1280x720x24

.PHONY: help system-deps setup demo test test-all bench soak arm64-check validate-examples clean

help:
	@echo "make demo         install everything and run the bundled demo (Xvfb if no display)"
	@echo "make test         run the test suite (starts its own Xvfb)"
	@echo "make system-deps  install the Debian packages picoagent needs (apt)"
	@echo "make setup        create $(VENV) and install picoagent into it"
	@echo "make bench        run the perception benchmark (benchmarks/perception.py)"
	@echo "make soak         500-iteration soak against the demo app (benchmarks/soak.py)"
	@echo "make arm64-check  install and test in an emulated aarch64 Debian (~10-20 min, root)"

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "system packages: all present"; fi

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	@touch $@

demo: system-deps setup
	@if [ -n "$$DISPLAY" ]; then \
		$(VENV)/bin/picoagent run examples/demo.yaml --report reports/demo; \
	else \
		echo "no DISPLAY: running the demo on a private Xvfb ($(DEMO_SCREEN))"; \
		xvfb-run -a -s "-screen 0 $(DEMO_SCREEN)" \
			$(VENV)/bin/picoagent run examples/demo.yaml --report reports/demo; \
	fi

test: setup
	$(PY) -m pytest -q

test-all: setup
	$(PY) -m pytest -q -m ""

validate-examples: setup
	$(VENV)/bin/picoagent validate examples/*.yaml

bench: setup
	$(PY) benchmarks/perception.py

soak: setup
	$(PY) benchmarks/soak.py --iterations 500 --every 50

arm64-check:
	bash scripts/arm64-check.sh

clean:
	rm -rf $(VENV) reports .pytest_cache
