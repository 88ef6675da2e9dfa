# The two set-up commands of the README: `make demo` and `make test`. Both install what is missing
# (scripts/install-deps.sh), configure and build first.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=
DEMO_ARGS ?=
JOBS ?= 2

.PHONY: all deps configure build test unit demo bench format format-check clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Every test: unit tests, then the integration scenarios (root; they run one at a time).
test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

unit: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

demo: build
	@$(BUILD)/chainlab demo $(DEMO_ARGS)

bench: build
	@bash bench/run.sh $(BUILD)

format:
	@clang-format -i $$(git ls-files --cached --others --exclude-standard '*.cc' '*.h')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files --cached --others --exclude-standard '*.cc' '*.h')

clean:
	@rm -rf $(BUILD)
