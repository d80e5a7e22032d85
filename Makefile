# lfdesktop: the two commands a new user needs are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt --config-settings editable_mode=compat
DEMO_DATA ?= .sandbox-data
# Qt's offscreen platform still loads these (Debian / Ubuntu package names).
QT_DEBS := libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0
QT_LIBS := libGL.so.1 libEGL.so.1 libfontconfig.so.1 libxkbcommon.so.0 libdbus-1.so.3 libglib-2.0.so.0

.PHONY: demo sandbox test lint bench screenshots xdisplay package sysdeps constraints clean

# The desktop app on a built-in demo server with sample data (your real accounts and keyring are untouched).
demo: sysdeps $(VENV)/.installed
	$(BIN)/lfdesktop --sandbox --sandbox-data $(DEMO_DATA)

# Only the demo server, for curl or the command line.
sandbox: $(VENV)/.installed
	$(BIN)/lfdesktop-sandbox --demo --port 0 --data-dir $(DEMO_DATA)/server

test: sysdeps $(VENV)/.installed-test
	@# Two runs: asyncio tests (pytest-asyncio) and Qt tests (pytest-qt on a qasync loop) must not share a process.
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest tests/ui

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check lfdesktop tests bench docs packaging resources
	$(BIN)/mypy lfdesktop

bench: $(VENV)/.installed
	$(BIN)/python bench/sandbox_upload.py
	$(BIN)/python bench/upload.py --parallel 1
	$(BIN)/python bench/upload.py --parallel 3
	$(BIN)/python bench/ui_responsiveness.py

# The frozen app (dist/lfdesktop/) and this OS's package (Linux: dist/lfdesktop-VERSION-linux-ARCH.tar.gz),
# smoke-tested; see packaging/README.md. Linux needs dbus and gnome-keyring to check the keyring in the bundle.
package: sysdeps $(VENV)/.installed-dev
	$(BIN)/python packaging/build.py freeze smoke package

$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "lfdesktop needs Python 3.11 or newer as '$(PYTHON)'. Install one (Debian/Ubuntu: apt-get install python3;" \
	       "macOS: brew install python@3.12) or run: make PYTHON=python3.12 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==26.3
	@touch $@

$(VENV)/.installed: $(VENV)/.python pyproject.toml constraints.txt
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.python pyproject.toml constraints.txt
	$(PIP) -e '.[test]'
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.python pyproject.toml constraints.txt
	$(PIP) -e '.[test,dev]'
	@touch $@

# Installs Qt's system libraries when run as root on Debian/Ubuntu; otherwise names them.
sysdeps:
	@if [ "$$(uname -s)" = Linux ]; then \
	  missing=""; for lib in $(QT_LIBS); do ldconfig -p | grep -q "$$lib" || missing="$$missing $$lib"; done; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      echo "Installing Qt's system libraries ($$missing)"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(QT_DEBS) >/dev/null; \
	    else \
	      echo "Qt needs system libraries that are missing:$$missing" >&2; \
	      echo "On Debian/Ubuntu run: sudo apt-get install $(QT_DEBS)" >&2; exit 1; \
	    fi; \
	  fi; \
	fi

constraints: $(VENV)/.installed-dev
	{ head -n 2 constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e'; } > constraints.new
	mv constraints.new constraints.txt

clean:
	rm -rf $(VENV) $(DEMO_DATA) build dist *.egg-info

# docs/screenshots/*.png from a real window under Xvfb (Qt's xcb platform needs these libraries too), and the tray's
# from a real tray host (trayer). tests/ui/test_tray_host.py needs the same: CI runs 'make xdisplay' first.
XVFB_DEBS := xvfb xauth trayer libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
             libxcb-randr0 libxcb-render-util0 libxcb-image0 libxkbcommon-x11-0
xdisplay:
	@if ! command -v xvfb-run >/dev/null || ! command -v trayer >/dev/null || ! ldconfig -p | grep -q libxcb-cursor.so.0; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(XVFB_DEBS) >/dev/null; \
	  else echo "Needs Xvfb, trayer and Qt's X11 libraries: sudo apt-get install $(XVFB_DEBS)" >&2; exit 1; fi; \
	fi

screenshots: sysdeps xdisplay $(VENV)/.installed
	xvfb-run -a -s "-screen 0 1440x900x24" $(BIN)/python docs/screenshots/take.py
	xvfb-run -a -s "-screen 0 1440x900x24" $(BIN)/python docs/screenshots/tray.py
