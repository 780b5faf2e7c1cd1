# The two commands of the README:
#   make run    set up, ingest seeds/ into the default store and serve on http://127.0.0.1:8000/
#   make test   set up (test extras, npm packages, Debian's chromium) and run every check
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup setup-test npm chromium run test lint bench soak wheel clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

setup: $(BIN)/python npm
	$(BIN)/pip install --quiet -e .

setup-test: $(BIN)/python npm chromium
	$(BIN)/pip install --quiet -e '.[test,batch]'

npm: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Browser tests drive Debian's chromium; Playwright never downloads a browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "install Debian's chromium (sudo apt-get install chromium) for the browser tests" >&2; exit 1; fi; }

run: setup
	$(BIN)/eventgraph serve --load seeds/

lint:
	$(BIN)/ruff check service tests bench
	$(BIN)/ruff format --check service tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

test: setup-test
	$(BIN)/python -m pytest
	$(MAKE) lint

# The load generator is Debian's wrk: installed here when missing (as root), never vendored.
bench: $(BIN)/python npm
	$(BIN)/pip install --quiet -e '.[test,bench,batch]'
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "install Debian's wrk (sudo apt-get install wrk) for the benchmark" >&2; exit 1; fi; }
	$(BIN)/python -m bench $(BENCH_ARGS)

soak: setup-test
	$(BIN)/python -m bench.soak

# A wheel that runs from any folder: ontology/, queries/ and the npm files the pages use are
# copied into it (setup.py); install it with any pip, e.g. `pip install dist/eventgraph-*.whl`.
wheel: $(BIN)/python npm
	rm -rf dist
	$(BIN)/pip wheel . --no-deps --quiet -w dist
	@ls dist/*.whl

clean:
	rm -rf $(VENV) node_modules dist

# Maintainers only: rebuild the shipped syntax model (service/extract/parser/model) from UD English EWT.
# TREEBANK is a clone of https://github.com/UniversalDependencies/UD_English-EWT (checkout or git
# directory); the pinned commit is read from it, the checkout is left as it is. About 40 minutes.
TREEBANK ?= ../UD_English-EWT
.PHONY: model
model: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	OMP_NUM_THREADS=1 $(BIN)/python -m service.extract.parser.build --treebank $(TREEBANK)
