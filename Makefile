# Two commands on a fresh machine: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= data/salesdash.duckdb

.PHONY: run test setup chromium demo bench clean

setup: $(STAMP)

$(STAMP): requirements.txt tests/requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (set PYTHON=...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r tests/requirements.txt
	touch $(STAMP)

# Debian's Chromium drives the end-to-end tests (Playwright cannot download its own browser here);
# Noto CJK lets it draw Chinese.
chromium:
	@{ command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium fonts-noto-cjk; }

$(DB): | $(STAMP)
	$(PY) -m salesdash demo --db $(DB)

demo: $(STAMP)
	$(PY) -m salesdash demo --db $(DB)

run: $(STAMP) $(DB)
	SALESDASH_DB=$(DB) $(PY) -m salesdash serve

test: $(STAMP) chromium
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m salesdash bench

clean:
	rm -rf $(VENV) .pytest_cache
