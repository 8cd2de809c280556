# Convenience targets for norotriage. CMake is the build system; this file only
# drives it. `make test` is what CI runs (.ci/run).
#
#   make setup    install the Debian 12 packages (scripts/setup.sh; a no-op when present)
#   make build    configure build/ once, then build
#   make run      the HTTP service on http://127.0.0.1:$(PORT) (SQLite default store; Ctrl-C stops it)
#   make interview  the interview in this terminal (ask, then advise)
#   make test     everything CI runs: unit tests (ctest), the shared acceptance
#                 vignettes, then the hardening stage (scripts/hardening.sh: property
#                 tests, malformed input, load and fault tests, fuzzers, ASan/UBSan and
#                 TSan builds; ~40 min on 2 cores)
#   make test-quick  unit tests and vignettes only (a few minutes)
#   make fuzz     each libFuzzer target for FUZZ_SECONDS (default 60) (scripts/fuzz.sh)
#   make sanitize the ASan+UBSan and TSan builds and their tests (scripts/sanitize.sh)
#   make test-browser  only the browser tests of the web page (ctest -L browser; tests/browser/)
#   make bench    all benchmarks (scripts/bench.sh) -> docs/performance.md; BENCH_ARGS=... for Google Benchmark
#   make lint-kb  validate knowledge/*.yaml
#   make review-pack  regenerate docs/clinical-review.md (norotriage kb review; a test checks it)
#   make clean    remove build/
#
# With CI=true (as set by most CI services) warnings are errors (-DNOROTRIAGE_WERROR=ON).

# `make test BUILD_DIR=/tmp/b` builds elsewhere.
BUILD_DIR  := build
BUILD_TYPE ?= RelWithDebInfo
SHARED     ?= ../shared
BENCH_ARGS ?=
PORT       ?= 8080
CMAKE_ARGS ?=

CONFIGURE_FLAGS := -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS)
ifeq ($(CI),true)
CONFIGURE_FLAGS += -DNOROTRIAGE_WERROR=ON
endif

.DEFAULT_GOAL := build
.PHONY: all setup configure build run interview test test-quick hardening fuzz sanitize test-browser bench lint-kb review-pack clean

all: build

setup:
	@bash scripts/setup.sh

# Configures only when build/ is not configured yet (or, under CI=true, when it
# was configured without -Werror), so an existing cache and its options are kept.
configure: setup
	@if [ ! -f $(BUILD_DIR)/CMakeCache.txt ] || \
	    { [ "$(CI)" = true ] && ! grep -q '^NOROTRIAGE_WERROR:BOOL=ON$$' $(BUILD_DIR)/CMakeCache.txt; }; then \
	  echo "cmake -S . -B $(BUILD_DIR) $(CONFIGURE_FLAGS)"; \
	  cmake -S . -B $(BUILD_DIR) $(CONFIGURE_FLAGS); \
	fi

build: configure
	cmake --build $(BUILD_DIR) -j$$(nproc)

# Listens on loopback only, with the default SQLite file (DefaultDatabasePath:
# $NOROTRIAGE_DB, else ~/.local/share/norotriage/norotriage.db).
run: build
	$(BUILD_DIR)/norotriage serve --host 127.0.0.1 --port $(PORT)

interview: build
	$(BUILD_DIR)/norotriage interview

# The quick suite leaves out the tests labelled "hardening" (load and
# faults); the hardening stage runs them verbosely, with the rest.
test-quick: build
	ctest --test-dir $(BUILD_DIR) -LE hardening --output-on-failure -j2
	@if [ -d $(SHARED)/tools ] && [ -f $(SHARED)/tools/check-vignettes.py ]; then \
	  echo "python3 $(SHARED)/tools/check-vignettes.py $(BUILD_DIR)/norotriage tests/vignettes"; \
	  python3 $(SHARED)/tools/check-vignettes.py $(BUILD_DIR)/norotriage tests/vignettes; \
	else \
	  echo "note: $(SHARED) not found; skipping check-vignettes.py (ctest already ran the vignettes)"; \
	fi

test: test-quick
	bash scripts/hardening.sh $(BUILD_DIR)

hardening: build
	bash scripts/hardening.sh $(BUILD_DIR)

fuzz: setup
	bash scripts/fuzz.sh

sanitize: setup
	bash scripts/sanitize.sh asan
	bash scripts/sanitize.sh tsan

# The web page in Debian's Chromium against build/norotriage; screenshots of
# every page state land in $(BUILD_DIR)/screenshots/.
test-browser: build
	ctest --test-dir $(BUILD_DIR) -L browser --output-on-failure

bench: build
	BENCH_ARGS="$(BENCH_ARGS)" bash scripts/bench.sh $(BUILD_DIR)

lint-kb: build
	$(BUILD_DIR)/norotriage kb lint knowledge

review-pack: configure
	cmake --build $(BUILD_DIR) -j$$(nproc) --target norotriage
	$(BUILD_DIR)/norotriage kb review -o docs/clinical-review.md

clean:
	rm -rf $(BUILD_DIR)
