# RLFSeg Studio: the two Quick start commands (`make run`, `make test`) and the rest.
# Every target installs what is missing first (Debian 12, as root or with sudo).

BUILD_DIR   ?= build
BUILD_TYPE  ?= Release
JOBS        ?= $(shell nproc)
PACKAGES    := $(shell grep -v '^\s*\#' deps/debian-packages.txt | grep -v '^\s*$$')
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CMAKE_FLAGS ?=

# ccache with precompiled headers needs these sloppiness settings to hit.
export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_MAXSIZE ?= 5G
# Paths relative to the checkout, so a fresh clone (CI) hits the cache of an earlier one.
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: all deps configure build run test bench default-model clean help

all: build

help:
	@echo "make run    install what is missing, build, open RLFSeg Studio on the sample images"
	@echo "make test   install what is missing, build, run every test"
	@echo "make bench  build, run the benchmarks, write docs/BENCHMARKS.md and $(BUILD_DIR)/benchmarks.json"
	@echo "make deps   install the missing Debian packages listed in deps/debian-packages.txt"
	@echo "make default-model  generate the shapes data and train resources/models/default (resumable)"

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing missing Debian packages:" $$missing; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	else \
		echo "All Debian packages in deps/debian-packages.txt are installed."; \
	fi

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
			--screenshot $(BUILD_DIR)/rlfseg-studio-screenshot.png resources/samples \
			&& echo "Screenshot: $(BUILD_DIR)/rlfseg-studio-screenshot.png"; \
	fi

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	$(BUILD_DIR)/bench/rlfseg-bench --out $(BUILD_DIR)/benchmarks.json --markdown docs/BENCHMARKS.md

# The default model, from an empty folder: the shapes data, then resources/models/default-recipe.json.
# Stopped (Ctrl-C, a closed session), the same command resumes from the newest checkpoint.
SHAPES_DIR    ?= $(BUILD_DIR)/shapes-default
MODEL_RUN_DIR ?= $(BUILD_DIR)/default-run
default-model: build
	@[ -f $(SHAPES_DIR)/refs.json ] || $(BUILD_DIR)/app/cli/rlfseg generate-shapes --out $(SHAPES_DIR) \
		--images 8000 --seed 7 --expressions 4 --style-images 500 --quiet
	$(BUILD_DIR)/app/cli/rlfseg train --config resources/models/default-recipe.json --out $(MODEL_RUN_DIR)
	rm -rf resources/models/default && cp -r $(MODEL_RUN_DIR)/model resources/models/default
	@echo "resources/models/default updated; evaluate it with: $(BUILD_DIR)/app/cli/rlfseg eval --data $(SHAPES_DIR) --split test --report $(BUILD_DIR)/eval-test.json"

clean:
	rm -rf $(BUILD_DIR)
