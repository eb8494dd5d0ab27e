# Bootstrap .venv from pyproject.toml, then run the app or the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-suite bench clean schemas screenshots translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/flowdesk --workspace .

# The whole suite, then the frozen bundle's smoke test (CI runs both through .ci/run).
test: test-suite bundle-test

# Then the HTTP API suite again with its run store on PostgreSQL (an embedded server per xdist worker, a database
# per test; the store, queue and run service tests already run on both databases in the first pass).
test-suite: $(STAMP)
	QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox $(BIN)/python -m pytest -n 2 -q
	FLOWDESK_TEST_DATABASE=postgresql QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 -q tests/core/listener

bench: $(STAMP)
	$(BIN)/python bench/engine.py --write
	$(BIN)/python bench/serve.py --write
	$(BIN)/python bench/desktop.py --write

# A PNG of every view of the app (offscreen) into docs/screenshots/, shown in the README.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox $(BIN)/python docs/make_screenshots.py
	QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox $(BIN)/python docs/make_daily_screenshots.py
	QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox $(BIN)/python docs/make_cluster_screenshot.py

# resources/i18n/*.ts from the sources (new strings added, vanished ones dropped), then the .qm the app loads.
# The .ts is committed; the .qm is built (here, by the bundle build, or by the app from source when missing).
translations: $(STAMP)
	$(BIN)/python -m flowdesk.i18n.extract

schemas: $(STAMP)
	$(BIN)/python -m flowdesk.core.config.schema_export resources/schemas

clean:
	rm -rf $(VENV) build dist *.egg-info

# -- Bundle (PyInstaller, one folder): see README "Bundle" -----------------------------------
.PHONY: bundle bundle-test
BUNDLE_STAMP := $(VENV)/.bundle-installed

$(BUNDLE_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bundle]'
	touch $(BUNDLE_STAMP)

# dist/flowdesk/ + dist/flowdesk-<version>-linux-x86_64.tar.xz; fails when a size target is missed.
bundle: $(BUNDLE_STAMP)
	$(BIN)/python bundle/build.py --archive

# Builds dist/flowdesk/ (no archive: xz -9 adds ~3 min), then smoke-tests the FROZEN binary.
bundle-test: $(BUNDLE_STAMP)
	$(BIN)/python bundle/build.py
	QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox $(BIN)/python bundle/smoke_test.py
