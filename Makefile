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
# The service and client suites run twice: on SQLite (with everything else), then on the tests'
# private PostgreSQL cluster (tests/support/postgres.py). The second run leaves out what runs
# once already: tests that cover both databases themselves (the job runners, the team server),
# SQLite's own (two processes on one file), and those whose subject is not the database (codecs
# and hostile audio, blob stores and scratch folders, neural models, fuzzing and load), which
# keeps `make test` within CI's 20 minutes on 2 cores.
PG_SUITES := tests/server tests/api
PG_ONCE   := $(addprefix --ignore=tests/server/,test_server_jobs.py test_team_server.py test_task_engine.py \
	test_sqlite_two_processes.py test_audio_worker_crash.py test_hostile_audio.py \
	test_media_blobs.py test_media_encode.py test_media_probe.py test_upload_json_stream.py \
	test_blob_stores.py test_scratch.py test_server_s3.py test_server_temporaries.py \
	test_storage_full.py test_neural_missing.py test_noise_reduction.py test_transcripts.py \
	test_tts.py test_accents.py test_schemathesis.py test_server_load.py test_server_curl.py) \
	--ignore=tests/api/test_transcripts.py

# Both runs spread the test files over worker processes (pytest-xdist; each starts its own
# servers, virtual microphone, Xvfb and PostgreSQL cluster), one more than the cores: two
# workers on CI's 2 cores kept them 75 % busy (a test waiting on its server leaves a core idle).
WORKERS := $(shell n=$$(nproc); echo $$(( n + 1 < 5 ? n + 1 : 5 )))
XDIST := -n $(WORKERS) --dist loadfile

# The playback and capture tests need the CPU in real time (an underrun is a failure), so they
# run on their own after the parallel part rather than beside a busy worker.
REALTIME := tests/audio

test: lint
	$(PY) -m pytest -p no:cacheprovider --durations=15 $(XDIST) --ignore=$(REALTIME) tests
	$(PY) -m pytest -p no:cacheprovider --durations=5 $(REALTIME)
	VOXBOOTH_TEST_DATABASE=postgresql $(PY) -m pytest -p no:cacheprovider --durations=15 \
		$(XDIST) $(PG_SUITES) $(PG_ONCE)

# The loop of work: the same checks without the end-to-end and slow tests.
test-fast: lint
	$(PY) -m pytest -p no:cacheprovider -q -x $(XDIST) -m "not e2e and not slow" tests

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
