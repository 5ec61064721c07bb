# picoagent developer and user targets.  `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian / Raspberry Pi OS packages.  What a run needs (runtime-deps, all `make demo`
# installs): the venv, Tk for pyautogui's mouseinfo and the demo app, Xvfb and xauth for
# headless use, X client libraries for mss/XTest, fonts.  xfonts-base: the X core fonts
# xmessage and xcalc draw with (Xvfb only recommends it; without it their labels render in
# a fallback font that OCR misreads).  The Wayland backend needs no package.
RUNTIME_APT := python3-venv python3-tk xvfb xauth libx11-6 libxrandr2 libxfixes3 libxtst6 \
	libxext6 libgl1 libglib2.0-0 fonts-dejavu-core xfonts-base
# What the tests add (system-deps installs both; .ci/run uses it): the real desktop programs
# they drive (zenity, yad, xcalc, galculator, xterm, geany, chromium, xdotool); a headless
# sway (tests/wayland_session.py) with XWayland, root admitted with xhost
# (x11-xserver-utils), checked against grim; weston and cage as compositors that lack
# protocols; libxkbcommon0 to compile our keymap; systemd for systemd-analyze, which
# verifies the units `picoagent service install` writes.
TEST_APT := x11-utils x11-apps xterm zenity yad geany galculator chromium xdotool sway swaybg \
	xwayland x11-xserver-utils grim wtype wayland-utils weston cage libxkbcommon0 systemd
APT_PACKAGES := $(RUNTIME_APT) $(TEST_APT)
DEMO_SCREEN := 1280x720x24

.PHONY: help system-deps runtime-deps apt-install setup demo test test-all bench soak arm64-check validate-examples clean \
	model train-deps model-data model-train model-eval model-harvest model-val-set text-model

help:
	@echo "make demo         install what a run needs and run the bundled demo (Xvfb if no display)"
	@echo "make test         install what the tests need, then run them (they start their own Xvfb and sway)"
	@echo "make system-deps  install the Debian packages picoagent and its tests need (apt)"
	@echo "make runtime-deps install only what a run needs (what make demo installs)"
	@echo "make setup        create $(VENV) and install picoagent into it"
	@echo "make bench        run the perception benchmark (benchmarks/perception.py)"
	@echo "make soak         500-iteration soak against the demo app (benchmarks/soak.py)"
	@echo "make arm64-check  install and test in an emulated aarch64 Debian (~10-20 min, root)"
	@echo "make model        regenerate data, train, export, quantise and evaluate the UI element model"
	@echo "make text-model   label, train and evaluate the small screening text recogniser (after make model-data)"

system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

runtime-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(RUNTIME_APT)"

apt-install:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
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

# the demo app is a Tk (X11) program: on a Wayland desktop it runs through XWayland's
# DISPLAY and picoagent drives it through Wayland; without DISPLAY, on a private Xvfb
demo: runtime-deps setup
	@if [ -n "$$DISPLAY" ]; then \
		$(VENV)/bin/picoagent run examples/demo.yaml --report reports/demo; \
	else \
		echo "no DISPLAY: running the demo on a private Xvfb ($(DEMO_SCREEN))"; \
		env -u WAYLAND_DISPLAY xvfb-run -a -s "-screen 0 $(DEMO_SCREEN)" \
			$(VENV)/bin/picoagent run examples/demo.yaml --report reports/demo; \
	fi

test: system-deps setup
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

# ---- the UI element model (training/; dev-only dependencies: torch, Qt, Chromium) ----
# `make model` rebuilds picoagent/models/ui-elements.onnx end to end on a CPU (~9 h here) from
# one recipe, training/recipe.toml (sets, seeds, training cycles, quantisation, evaluation);
# every stage resumes (re-run it after an interruption).  `training/recipe.py --dry-run`
# prints the commands.
RECIPE ?= training/recipe.toml

# real programs labelled from their accessibility tree (training/harvest_atspi.py, system python):
# the AT-SPI stack, xdotool, themes, fonts, and the GTK 3 / Qt 5 programs of its lists
HARVEST_APT := python3-pyatspi at-spi2-core dbus-x11 xdotool gnome-themes-extra papirus-icon-theme \
	elementary-xfce-icon-theme fonts-cantarell fonts-noto-core qt5ct qt5-style-plugins qtbase5-examples \
	evince ristretto xfce4-taskmanager catfish xarchiver l3afpad meld dconf-editor \
	gnome-system-monitor gedit gnome-disk-utility simple-scan font-manager parole lximage-qt \
	pavucontrol-qt qbittorrent keepassxc transmission-qt xfce4-settings xfce4-notifyd xfce4-screenshooter \
	gucharmap transmission-gtk file-roller speedcrunch qpdfview

# Chromium for gen_html.py; Debian's GTK 3 bindings and themes for gen_gtk.py (system python)
TRAIN_APT := chromium fonts-dejavu-core fonts-liberation2 fonts-urw-base35 fonts-noto-mono libegl1 libxkbcommon0 \
	libfontconfig1 python3-gi gir1.2-gtk-3.0 python3-pil xvfb xauth arc-theme greybird-gtk-theme \
	materia-gtk-theme adwaita-icon-theme $(HARVEST_APT)

train-deps: $(VENV)/.train-installed

$(VENV)/.train-installed: pyproject.toml | setup
	@missing=$$(for p in $(TRAIN_APT); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	[ -z "$$missing" ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; }
	$(VENV)/bin/pip install -q -e '.[test,train]'
	@touch $@

model-data: train-deps
	$(PY) training/recipe.py --recipe $(RECIPE) --stage data

model-train: model-data
	$(PY) training/recipe.py --recipe $(RECIPE) --stage train

model: model-train
	$(PY) training/recipe.py --recipe $(RECIPE) --stage quantize
	$(MAKE) model-eval

model-eval: train-deps
	$(PY) training/recipe.py --recipe $(RECIPE) --stage eval

# real labelled screens for training: build/elements/real_atspi (programs of
# harvest_atspi.py's PROGRAMS) and build/elements/real_dom (Debian's HTML documentation)
model-harvest: train-deps
	/usr/bin/python3 training/harvest_atspi.py
	$(PY) training/harvest_dom.py

# the small screening recogniser picoagent/models/ui-text-small.onnx (models/TEXT_MODEL_CARD.md):
# PP-OCR labels the fast path's text boxes of 1,500 training screens (make model-data's
# folders), then training (CTC, ~20 min on one core) and its evaluation on unseen screens
text-model: train-deps
	$(PY) training/rec_data.py --out build/rec/data.npz --screens 1500
	$(PY) training/rec_train.py --data build/rec/data.npz --out build/rec/run1 --iters 6000
	cp build/rec/run1/model.onnx picoagent/models/ui-text-small.onnx
	$(PY) training/rec_eval.py

# the committed validation set tests/data/elements_val (harvest_atspi.py's VAL_PROGRAMS)
model-val-set: train-deps
	/usr/bin/python3 training/harvest_atspi.py --val

clean:
	rm -rf $(VENV) reports .pytest_cache
