# Two commands on a fresh machine with Python >= 3.11:
#   make run    set up .venv and fix the bundled sample photo into out/
#   make test   set up .venv, lint, type-check (mypy --strict), run every test (the ../shared suite too when that
#               folder exists), then install the built wheel into a fresh venv and fix the sample
# For the inner loop: make check (lint and the fast tests: none marked slow or shared; about 1 min quiet).
# make fuzz: the loaders, the PDF layer and the material entry points under a long fuzzing budget.
# Installers: make installer (PyInstaller onedir in dist/photocheck + the frozen smoke test), then
#   make linux-packages (dist/photocheck-<version>-linux-x86_64.tar.xz and the .deb).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The pinned set (see constraints.txt); CONSTRAINTS=/dev/null installs the newest releases pyproject allows.
CONSTRAINTS ?= constraints.txt

.PHONY: run gui test check lint typecheck pytest-all wheel-check bench fuzz installer frozen-smoke linux-packages clean i18n i18n-update

$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	mkdir -p out
	$(BIN)/photocheck photo fix resources/samples/grace_hopper.jpg -o out/报名照片.jpg --original out/高分辨率原图.jpg --overwrite

gui: $(STAMP)
	$(BIN)/photocheck-gui

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	for f in .ci/run scripts/*.sh installer/*/*.sh; do bash -n "$$f" || exit 1; done

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest-xdist workers, one per core of the 2-core machines the suite is timed on. loadgroup: the
# tests marked xdist_group(<a costly module fixture>) share one worker, which builds it once.
PYTEST_WORKERS ?= 2
PYTEST := QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup

# mypy and the wheel check run beside pytest, in the time its workers leave a core idle (Qt event
# loops, subprocesses, the last worker's tail) and the wheel check waits on the disk; any of the
# three failing fails the target.
test: lint
	$(MAKE) --no-print-directory -j3 typecheck pytest-all wheel-check

pytest-all: $(STAMP)
	$(PYTEST)

check: lint
	$(PYTEST) -m "not slow and not shared"

# A non-editable install finds its profiles and models: build the wheel, install it into a fresh
# venv, and fix the bundled sample from another directory. The .venv's pip installs it (the fresh
# venv needs no pip of its own) without byte-compiling the dependencies: half of the check's CPU.
wheel-check: $(STAMP)
	rm -rf build/wheel-check && mkdir -p build/wheel-check
	$(BIN)/python -m pip wheel --quiet --no-deps -w build/wheel-check .
	$(PYTHON) -m venv --without-pip build/wheel-check/venv
	$(BIN)/python -m pip --python build/wheel-check/venv/bin/python install --quiet --no-compile -c $(CONSTRAINTS) build/wheel-check/photocheck-*.whl
	cd build/wheel-check && venv/bin/photocheck photo fix "$(CURDIR)/resources/samples/grace_hopper.jpg" -o 报名照片.jpg
	@echo "wheel-check: a fresh wheel install fixed the sample"

# The fuzz tests with a long budget (the normal run does 40 seeded cases per target).
FUZZ_EXAMPLES ?= 3000
fuzz: $(STAMP)
	PHOTOCHECK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -s tests/test_fuzz.py

# The frozen build: PyInstaller and pi-heif come with the `build` extra (not runtime dependencies).
BUILD_STAMP := $(VENV)/.installed-build
$(BUILD_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[test,build]"
	touch $(BUILD_STAMP)

installer: $(BUILD_STAMP)
	rm -rf build/pyinstaller dist/photocheck dist/PhotoCheck.app
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller build_installer.spec
	$(MAKE) frozen-smoke

frozen-smoke:
	scripts/frozen_smoke.sh dist/photocheck

linux-packages:
	PYTHON=$(BIN)/python installer/linux/make_packages.sh dist/photocheck

bench: $(STAMP)
	for f in benchmarks/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) out build dist

# Translations: ui/i18n/photocheck_en.ts is the source (English for the Chinese UI strings).
# `make i18n-update` collects new tr("...") strings from ui/ into it; `make i18n` compiles the .qm
# the window loads (committed; tests/gui/test_i18n.py checks that it matches a fresh build).
I18N_SOURCES = $(sort $(shell find ui -name '*.py'))

i18n-update: $(STAMP)
	$(BIN)/pyside6-lupdate -no-obsolete -locations none $(I18N_SOURCES) -ts ui/i18n/photocheck_en.ts

i18n: $(STAMP)
	$(BIN)/pyside6-lrelease -silent ui/i18n/photocheck_en.ts -qm ui/i18n/photocheck_en.qm
