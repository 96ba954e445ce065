# Two entry points: `make demo` (train + evaluate on sample_data/) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BUILD := build

.PHONY: install demo test lint clean bench-peers

$(BIN)/captcha-cnn: setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/captcha-cnn

demo: install
	$(BIN)/captcha-cnn train sample_data/train --model $(BUILD)/demo.keras
	$(BIN)/captcha-cnn evaluate --model $(BUILD)/demo.keras sample_data/test \
		--json $(BUILD)/demo-scores.json --overlays $(BUILD)/demo-failures \
		--plots $(BUILD)/demo-plots
	$(BIN)/captcha-cnn segment sample_data/test --model $(BUILD)/demo.keras \
		--output-dir $(BUILD)/demo-overlays --quiet > /dev/null
	@echo "overlays: $(BUILD)/demo-overlays/  failures: $(BUILD)/demo-failures/index.html  plots: $(BUILD)/demo-plots/"

# The benchmarks' peers: ddddocr and rapidocr (rapidocr without its opencv-python requirement).
bench-peers: install
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/pip install --quiet --no-deps rapidocr_onnxruntime==1.4.4

lint: install
	$(BIN)/ruff check charseg classifier pipeline tests benchmarks
	$(BIN)/ruff format --check charseg classifier pipeline tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest charseg classifier pipeline tests

clean:
	rm -rf $(BUILD) .pytest_cache
