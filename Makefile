# RLFSeg Studio: the two Quick start commands (`make run`, `make test`) and the rest.
# Every target installs what is missing first (Debian 12, as root or with sudo).

BUILD_DIR   ?= build
BUILD_TYPE  ?= Release
JOBS        ?= $(shell nproc)
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CMAKE_FLAGS ?=

# ccache with precompiled headers needs these sloppiness settings to hit.
export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_MAXSIZE ?= 5G
# Paths relative to the checkout, so a fresh clone (CI) hits the cache of an earlier one.
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: all deps configure build run test bench fuzz package default-model clean help

all: build

help:
	@echo "make run    install what is missing, build, open RLFSeg Studio on the sample images"
	@echo "make test   install what is missing, build, run every test"
	@echo "make bench  build, run the benchmarks, write docs/BENCHMARKS.md, docs/STUDIO-BENCHMARKS.md and their JSON in $(BUILD_DIR)"
	@echo "make deps   install the missing Debian packages listed in deps/debian-packages.txt"
	@echo "make fuzz   build the libFuzzer targets (clang, ASan, UBSan) and run each for FUZZ_SECONDS (60)"
	@echo "make package  build the Debian package (CPack) into $(BUILD_DIR)/packages"
	@echo "make default-model  generate the shapes data and train resources/models/default (resumable)"

# $(call install-missing,LIST FILE): apt-get install whatever the list names that is not installed.
define install-missing
	@missing=$$(for p in $$(grep -v '^\s*#' $(1) | grep -v '^\s*$$'); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing missing Debian packages:" $$missing; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	else \
		echo "All Debian packages in $(1) are installed."; \
	fi
endef

deps:
	$(call install-missing,deps/debian-packages.txt)

configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Opens the app on the sample images with the default model. Without a display (a server, CI),
# it runs under a virtual X server, takes a screenshot and quits, so the command still proves the app starts.
run: build
	@if [ -n "$$DISPLAY" ] || [ -n "$$WAYLAND_DISPLAY" ]; then \
		$(BUILD_DIR)/app/studio/rlfseg-studio resources/samples; \
	else \
		echo "No display found: starting RLFSeg Studio under a virtual X server and saving a screenshot."; \
		xvfb-run -a -s "-screen 0 1280x800x24" $(BUILD_DIR)/app/studio/rlfseg-studio \
			--screenshot $(BUILD_DIR)/rlfseg-studio-screenshot.png --prompt "the orange square" resources/samples \
			&& echo "Screenshot: $(BUILD_DIR)/rlfseg-studio-screenshot.png"; \
	fi

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

# The Debian package (CPack), in $(BUILD_DIR)/packages.
package: build
	cd $(BUILD_DIR) && cpack -G DEB -B packages
	@ls -l $(BUILD_DIR)/packages/*.deb

bench: build
	$(BUILD_DIR)/bench/rlfseg-bench --out $(BUILD_DIR)/benchmarks.json --markdown docs/BENCHMARKS.md
	$(BUILD_DIR)/bench/rlfseg-studio-bench --out $(BUILD_DIR)/studio-benchmarks.json --markdown docs/STUDIO-BENCHMARKS.md
	$(BUILD_DIR)/bench/rlfseg-distributed-bench --out $(BUILD_DIR)/distributed-benchmarks.json --markdown docs/DISTRIBUTED-BENCHMARKS.md

# Fuzzing: the readers of untrusted files (COCO JSON, COCO RLE, RefCOCO pickles), each for
# FUZZ_SECONDS, starting from the test files. A finding stops with its input saved under
# $(FUZZ_BUILD_DIR) (crash-*, leak-*, timeout-*); replay it with `$(FUZZ_BUILD_DIR)/fuzz/fuzz-NAME FILE`.
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS   ?= 60
FUZZ_TARGETS   := coco-reader:tests/data/coco rle-decoder:fuzz/seeds/rle pickle-reader:tests/data/pickle \
                  journal:fuzz/seeds/journal
fuzz:
	$(call install-missing,deps/debian-packages-fuzz.txt)
	cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRLFSEG_FUZZ=ON
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS)
	@for entry in $(FUZZ_TARGETS); do \
		name=$${entry%%:*}; seeds=$${entry#*:}; corpus=$(FUZZ_BUILD_DIR)/corpus/$$name; mkdir -p $$corpus; \
		echo "== fuzz-$$name for $(FUZZ_SECONDS) s (seeds: $$seeds)"; \
		dict=; [ -f fuzz/$$name.dict ] && dict=-dict=fuzz/$$name.dict; \
		$(FUZZ_BUILD_DIR)/fuzz/fuzz-$$name -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=65536 \
			-timeout=10 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD_DIR)/ $$dict $$corpus $$seeds || exit 1; \
	done

# The default model, from an empty folder: the shapes data, then resources/models/default-recipe.json.
# Stopped (Ctrl-C, a closed session), the same command resumes from the newest checkpoint.
# The recipe reads build/shapes-default, then build/shapes-varied (the same data with half of the
# train images in the varied style), build/shapes-gpu (40,000 other images, half varied; a stage
# of 808 batches of 256, which a GPU trains in two minutes and the CPU in hours),
# build/shapes-more (16,000 images of another seed, half varied), build/shapes-gpu2 (48,000 more,
# half varied; two stages of batches of 256: 7 minutes on a GPU, about 20 h here),
# build/shapes-dark2 (8,000 more, half varied, 40 % of those dark; 1 h 26 min here), and last
# build/shapes-decoder (4,000 more, for the decoder stage in which the UNet learns through the
# decoder; 45 min here).
SHAPES_DIR    ?= $(BUILD_DIR)/shapes-default
MODEL_RUN_DIR ?= $(BUILD_DIR)/default-run
default-model: build
	@[ -f $(SHAPES_DIR)/refs.json ] || $(BUILD_DIR)/app/cli/rlfseg generate-shapes --out $(SHAPES_DIR) \
		--images 8000 --seed 7 --expressions 4 --style-images 500 --quiet
	@[ -f $(BUILD_DIR)/shapes-varied/refs.json ] || $(BUILD_DIR)/app/cli/rlfseg generate-shapes --out $(BUILD_DIR)/shapes-varied \
		--images 8000 --seed 7 --expressions 4 --style-images 500 --varied-train 0.5 --quiet
	@[ -f $(BUILD_DIR)/shapes-gpu/refs.json ] || $(BUILD_DIR)/app/cli/rlfseg generate-shapes --out $(BUILD_DIR)/shapes-gpu \
		--images 40000 --seed 9 --val 0.01 --test 0 --unseen-fraction 0 --expressions 4 --varied-train 0.5 --quiet
	@[ -f $(BUILD_DIR)/shapes-more/refs.json ] || $(BUILD_DIR)/app/cli/rlfseg generate-shapes --out $(BUILD_DIR)/shapes-more \
		--images 16000 --seed 8 --val 0.03 --test 0 --unseen-fraction 0 --expressions 4 --varied-train 0.5 --quiet
	@[ -f $(BUILD_DIR)/shapes-gpu2/refs.json ] || $(BUILD_DIR)/app/cli/rlfseg generate-shapes --out $(BUILD_DIR)/shapes-gpu2 \
		--images 48000 --seed 10 --val 0.01 --test 0 --unseen-fraction 0 --expressions 4 --varied-train 0.5 --quiet
	@[ -f $(BUILD_DIR)/shapes-dark2/refs.json ] || $(BUILD_DIR)/app/cli/rlfseg generate-shapes --out $(BUILD_DIR)/shapes-dark2 \
		--images 8000 --seed 12 --val 0.03 --test 0 --unseen-fraction 0 --expressions 4 --varied-train 0.5 \
		--varied-dark 0.4 --quiet
	@[ -f $(BUILD_DIR)/shapes-decoder/refs.json ] || $(BUILD_DIR)/app/cli/rlfseg generate-shapes --out $(BUILD_DIR)/shapes-decoder \
		--images 4000 --seed 13 --val 0.03 --test 0 --unseen-fraction 0 --expressions 3 --varied-train 0.5 \
		--varied-dark 0.3 --quiet
	$(BUILD_DIR)/app/cli/rlfseg train --config resources/models/default-recipe.json --out $(MODEL_RUN_DIR)
	$(BUILD_DIR)/app/cli/rlfseg calibrate --model $(MODEL_RUN_DIR)/model --data $(SHAPES_DIR) --split val --limit 800
	rm -rf resources/models/default && cp -r $(MODEL_RUN_DIR)/model resources/models/default
	@echo "resources/models/default updated; evaluate it with: $(BUILD_DIR)/app/cli/rlfseg eval --data $(SHAPES_DIR) --split test --report $(BUILD_DIR)/eval-test.json"

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_BUILD_DIR)
