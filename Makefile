# DigitLab: `make run` launches the app, `make test` runs the whole test suite.
# Both create .venv and install the project into it first (once; again when pyproject changes).
# `make run` also installs the system libraries Qt needs to open an X11 window (Linux: as root
# or through `sudo -n`), or stops with one line naming the packages (app/system_check.py).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.digitlab-installed

.PHONY: run test lint bench clean bundled-onnx

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python -m app.system_check --install
	$(BIN)/digitlab-gui

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

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
