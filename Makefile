# One command to run, one to test. Both first check the system packages they need (installing
# them as root on Debian/Ubuntu, else stopping with the command to run), then create .venv and
# install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PYTEST_ARGS ?=

.PHONY: run test setup deps dev-deps lint clean system-packages-run system-packages-test
# Prerequisites run in the order written: the system check comes before anything else.
.NOTPARALLEL:

system-packages-run:
	@PYTHON=$(PYTHON) tools/system_packages.sh run

system-packages-test:
	@PYTHON=$(PYTHON) tools/system_packages.sh test

$(BIN)/python:
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info < (3, 11))" || { echo "Python 3.11+ is required ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Runtime dependencies (torch CPU build first, see requirements.txt).
deps: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

dev-deps: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

# Database schema, reference data and the offline Whisper model under instance/.
setup: system-packages-run deps
	$(FLASK) setup
	$(FLASK) prepare-models

# Sets up, then runs web server + worker on the embedded defaults and places demo calls.
run: system-packages-run setup
	$(FLASK) serve --demo

test: system-packages-test dev-deps
	$(FLASK) prepare-models
	@# pytest's exit code 5 (nothing collected) is a broken suite, never a pass.
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; fi; exit $$rc

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache test-artifacts
