# rootguard: the two commands a user needs are `make run` and `make test`.
# Both install what is missing (Debian packages), build, and do their job.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build
TEST_BUILD ?= build-asan
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all deps build run test test-release bench bench-audit bench-files bench-live bench-s3 bench-sqs fuzz clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Release -DRG_TESTS=OFF >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The main job on the bundled sample data: no AWS account, no network needed.
# Exit status 1 means "findings were found", which is what the samples are for.
run: build
	@bash scripts/run-examples.sh $(BUILD)/rootguard

# The whole suite, built with AddressSanitizer and UndefinedBehaviorSanitizer.
test: deps
	@cmake -S . -B $(TEST_BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug -DRG_SANITIZE=ON >/dev/null
	@cmake --build $(TEST_BUILD) -j $(JOBS)
	@cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Release -DRG_TESTS=OFF >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@cd $(TEST_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

bench: build
	@bash bench/run.sh $(BUILD)

bench-audit: build
	@bash bench/audit.sh $(BUILD)

bench-files: build
	@bash bench/files.sh $(BUILD)

bench-live: build
	@bash bench/live.sh $(BUILD)

bench-s3: build
	@bash bench/s3.sh $(BUILD)

bench-sqs: build
	@bash bench/sqs.sh $(BUILD)

fuzz: deps
	@bash fuzz/run.sh

clean:
	rm -rf $(BUILD) $(TEST_BUILD) build-fuzz build-bench
