# DigitLab: `make run` launches the app, `make test` runs the whole test suite.
# Both create .venv and install the project into it first (once; again when pyproject changes).
# `make run` also installs the system libraries Qt needs to open an X11 window (Linux: as root
# or through `sudo -n`), or stops with one line naming the packages (app/system_check.py).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.digitlab-installed

.PHONY: run test lint bench clean bundled-onnx translations

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python -m app.system_check --install
	$(BIN)/digitlab-gui

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# The Chinese UI: collect every tr() text of app/ (and Core.tr() text of cnn_core/, the
# core's messages the window shows) into the .ts file (translations already made
# are kept, texts gone from the source dropped), then compile it to the .qm the app loads.
# Translate new texts in the .ts (Qt Linguist: pyside6-linguist) and run it again.
TS := app/i18n/digitlab_zh_CN.ts
translations: $(STAMP)
	$(BIN)/pyside6-lupdate -no-obsolete -locations none $$(find app cnn_core -name '*.py' | sort) -ts $(TS)
	$(BIN)/pyside6-lrelease $(TS) -qm $(TS:.ts=.qm)

lint: $(STAMP)
	$(BIN)/ruff check cnn_core app tests benchmarks

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/train_throughput.py
	$(BIN)/python benchmarks/time_to_accuracy.py
	$(BIN)/python benchmarks/speedrun.py
	$(BIN)/python benchmarks/predict_latency.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/gui_responsiveness.py
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache

bundled-onnx: $(STAMP)
	$(BIN)/python -m cnn_core.recognition.bundled_onnx
