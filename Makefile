# The front door. `make run` and `make test` work on a fresh Debian 12 machine: both first
# install what is missing through scripts/bootstrap.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
VECTORS ?= $(abspath ../shared/vectors)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all bootstrap build run test bench fuzz fuzz-build clean

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTL_VECTORS=$(VECTORS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# trustlaunchd on 127.0.0.1:$(PORT), SQLite in ./state; prints the URL and the admin token;
# a demo VM (swtpm + tl-agent attesting every minute) when the vectors are there.
PORT ?= 7443
run: build
	@scripts/run $(BUILD) $(PORT) $(VECTORS)

# The whole suite, built with AddressSanitizer + UndefinedBehaviorSanitizer.
test: bootstrap
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTL_SANITIZE=ON -DTL_VECTORS=$(VECTORS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j$(JOBS)

bench: build
	@$(BUILD)/bench/bench_tcglog $(VECTORS)
	@$(BUILD)/bench/bench_ima $(VECTORS)
	@$(BUILD)/bench/bench_windows $(VECTORS)
	@$(BUILD)/bench/bench_quote bench/data $(VECTORS)
	@$(BUILD)/bench/bench_pe
	@$(BUILD)/bench/bench_snp $(VECTORS)
	@bench/service.sh $(BUILD) $(VECTORS)
	@bench/agent.sh $(BUILD) $(VECTORS)
	@bench/fleet.sh $(BUILD)
	@bench/webhooks.sh $(BUILD)
	@bench/host.sh $(BUILD)
	@bench/host_states.py
	@bench/nvram.sh $(BUILD) $(VECTORS)

fuzz-build: bootstrap
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTL_FUZZ=ON -DTL_VECTORS=$(VECTORS) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS)

# Every libFuzzer target for FUZZ_SECONDS, seeded with the vectors; any crash fails.
fuzz: fuzz-build
	@scripts/fuzz-all $(FUZZ_BUILD) $(FUZZ_SECONDS) $(VECTORS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
