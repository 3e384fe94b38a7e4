# The README's two commands are `make run` and `make test`; each sets up what it needs by itself.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE ?= corpora/drafts/nimbusdesk_saas_subscription.txt

.PHONY: setup chromium run review-sample test lint typecheck eval clause-model clean

# Re-installs only when pyproject.toml changes, so a second run starts at once.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

# The main job: the service on its embedded default (SQLite and local files under var/), with the sample
# library, one demo user per role (passwords printed at the first start) and sample contracts in the queue.
run: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/vetted serve --demo

# A one-off review of a sample vendor draft in the terminal.
review-sample: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/vetted review $(SAMPLE) --type saas --value 48000

# The browser tests drive Debian's Chromium (Playwright never downloads a browser); install it when missing.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

test: $(STAMP) chromium
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check review_service api eval tests

typecheck: $(STAMP)
	$(BIN)/mypy

# Evaluations on the public data in ../shared/data (each also runs on another folder: see eval/).
eval: $(STAMP)
	$(BIN)/python -m eval.pdf_extraction
	$(BIN)/python -m eval.segmentation
	$(BIN)/python -m eval.cuad_terms
	$(BIN)/python -m eval.cuad_clauses
	$(BIN)/python -m eval.corpus
	$(BIN)/python -m eval.acord
	$(BIN)/python -m eval.review_speed
	$(BIN)/python -m eval.measured

# The clause model (models/clause_classifier/, see its README) from the CUAD development contracts in
# ../shared/data/cuad (DATA=... for another folder), from the train contracts listed beside it (CONTRACTS= to
# change). One BLAS thread, so the same data give the same file. Clause vectors are cached under var/cache/.
CONTRACTS ?= models/clause_classifier/train_contracts.txt
# fp32 vectors on every machine (bf16 ones differ in the fourth decimal), so the same data give the same file.
clause-model: $(STAMP)
	HF_HUB_OFFLINE=1 VETTED_EMBED_PRECISION=fp32 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
		$(BIN)/python -m eval.train_clause_classifier $(DATA) --contracts $(CONTRACTS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
