# `make run` starts VoxBooth; `make test` runs every check CI runs.
# Both install what is missing first and are safe to run again.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.voxbooth-installed

.PHONY: run serve test test-fast lint bench deps clean

deps: $(STAMP)

$(STAMP): pyproject.toml packaging/debian-packages.txt
	@bash packaging/install-debian-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m voxbooth

serve: $(STAMP)
	$(PY) -m voxbooth serve

lint: $(STAMP)
	$(VENV)/bin/ruff check app tests
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# pytest exits 5 when it collected no test: make treats that as failure like any non-zero code.
test: lint
	$(PY) -m pytest -p no:cacheprovider --durations=15 tests

# The loop of work: the same checks without the end-to-end and slow tests.
test-fast: lint
	$(PY) -m pytest -p no:cacheprovider -q -x -m "not e2e and not slow" tests

BENCH_STAMP := $(VENV)/.voxbooth-bench-installed

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) -m pytest -p no:cacheprovider -s tests/bench --override-ini addopts=

clean:
	rm -rf $(VENV) build *.egg-info app/*.egg-info

# The service and client suites again with every service on the S3 blob store (moto's server on
# loopback; README "Object storage"). Not part of `make test`: run it when storage code changes.
.PHONY: test-s3
test-s3: $(STAMP)
	VOXBOOTH_TEST_BLOB_STORE=s3 $(PY) -m pytest -p no:cacheprovider --durations=15 \
		tests/server tests/api
