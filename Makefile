# Bootstrap .venv from pyproject.toml, then run the app or the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean schemas

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/flowdesk --workspace .

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox $(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python bench/engine.py

schemas: $(STAMP)
	$(BIN)/python -m flowdesk.core.config.schema_export resources/schemas

clean:
	rm -rf $(VENV) build dist *.egg-info
