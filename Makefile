# Backgrone: make serve | build | test | test-unit | test-e2e | bench | models | clean
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup serve build test test-unit test-e2e lint browser bench models clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: setup.cfg
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

build: setup
	$(BIN)/python build/build.py

# Fetches RMBG-1.4 (Balanced) where the network allows, records its sha256, and rebuilds.
models: setup
	$(BIN)/python build/build.py --fetch-models

serve: build
	$(BIN)/python build/serve.py --port $(PORT)

# The browsers the tests drive, from Debian; installed here only when we may (root).
# Chromium with its driver; Firefox ESR (driven over Marionette, no geckodriver needed);
# WebKitGTK's WebDriver, whose MiniBrowser needs a display: Xvfb.
BROWSER_PACKAGES := chromium chromium-driver firefox-esr webkit2gtk-driver xvfb
MINIBROWSER := $(firstword $(wildcard /usr/lib/*/webkit2gtk-4.1/MiniBrowser))
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null \
		&& command -v firefox-esr >/dev/null && command -v WebKitWebDriver >/dev/null \
		&& [ -x "$(MINIBROWSER)" ] && command -v Xvfb >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES); \
	else \
		echo "Please install the browsers the tests drive: sudo apt-get install $(BROWSER_PACKAGES)"; exit 1; \
	fi

lint: setup
	$(BIN)/mypy --strict frontend_py build
	$(BIN)/ruff check frontend_py build tests

# Everything: lint, the unit and parity tests, then the browsers. BROWSER=chromium|firefox|webkit
# keeps the e2e tests of that engine only (tests/e2e/conftest.py reads it); PYTEST_ARGS passes
# options, e.g. PYTEST_ARGS='-m "not slow"' to leave out the 50-file queue.
test: build browser lint
	$(BIN)/pytest $(PYTEST_ARGS)

# CPython unit tests and the Python/JavaScript parity (Node): no build, no browser, no npm.
test-unit: $(VENV)/.installed
	$(BIN)/pytest tests/unit tests/parity $(PYTEST_ARGS)

test-e2e: build browser
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

# Ours vs the peer vs native onnxruntime (speed), then quality when an eval folder exists
# (BENCH_EVAL, default ../shared/eval), then peak memory at 12/24/48 MP (bench/memory.py), then the
# GPU section (bench/gpu.py: each engine on the CPU and on the WebGPU adapter, and the peer).
# Minutes; results in bench/results/. BENCH_ARGS, MEMORY_ARGS to pass options.
bench: build browser
	$(BIN)/python bench/bench.py $(BENCH_ARGS)
	$(BIN)/python bench/memory.py $(MEMORY_ARGS)
	$(BIN)/python bench/gpu.py

clean:
	rm -rf build/.cache public/assets public/models public/ort public/ort-gpu .mypy_cache .pytest_cache .ruff_cache
