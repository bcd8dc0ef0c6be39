# Two commands on a fresh machine with Python >= 3.11:
#   make run    set up .venv and fix the bundled sample photo into out/
#   make test   set up .venv, lint, run every test (the ../shared suite too when that folder exists)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	mkdir -p out
	$(BIN)/photocheck photo fix resources/samples/grace_hopper.jpg -o out/报名照片.jpg --original out/高分辨率原图.jpg

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(STAMP)
	for f in benchmarks/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) out build dist
