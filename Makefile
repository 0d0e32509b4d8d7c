# Two commands on a fresh machine:  make report  (data, every notebook and report, annex tables)
#                                    make test    (pytest + nbval)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: install lock data report test browser notebooks bench clean

# The exact versions of requirements.lock, then the project itself (no dependency resolution).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Refresh the lock on purpose: the newest versions pyproject.toml allows, resolved in a new venv.
# Then pin environment.yml's direct dependencies to the same versions (tests/test_packaging.py checks).
LOCK_VENV = .lock-venv
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install -q --upgrade pip
	$(LOCK_VENV)/bin/pip install -q ".[dev]"
	{ sed -n '/^#/p' requirements.lock; $(LOCK_VENV)/bin/pip freeze --exclude-editable | grep -iv '^wijkmonitor'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf $(LOCK_VENV)

data: install
	$(BIN)/python -m analysis build

report: data
	$(BIN)/python -m analysis run
	$(BIN)/python -m analysis tabellen

# Headless Chromium (browser tests) and pdftotext (print test), from Debian when missing.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || \
	  (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq >/dev/null && \
	   apt-get install -y -qq --no-install-recommends chromium poppler-utils >/dev/null)

test: data browser
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

# Re-execute the committed notebooks in place (their outputs are what nbval checks).
notebooks: data
	$(BIN)/python -m analysis.run --refresh-committed

bench: data
	$(BIN)/python benchmarks/bench_run.py

clean:
	rm -rf reports data/processed/GM*
