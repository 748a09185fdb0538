# Fuzz targets (tests/fuzz/), included by the top-level Makefile.
#
# libFuzzer from Debian's clang (libclang-rt-14-dev): in-process, so one
# execution is a function call on a buffer, not a process start, and it
# takes our structure-aware mutator through LLVMFuzzerCustomMutator.  The
# library and the targets are compiled with clang, coverage
# instrumentation, ASan and UBSan into build/fuzz.
#
#   make fuzz [FUZZ_SECONDS=N | FUZZ_RUNS=N] [FUZZ_TARGETS="diff objcmp ..."]
#	run each target N seconds (default 60), or N executions, on a corpus seeded from
#	the test-objects cases; prints executions, coverage and findings
#   make check-fuzz
#	replay tests/fuzz/regressions and run each target briefly (in make check)

FUZZ_BUILD   := build/fuzz
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers \
	-fno-strict-aliasing -pthread $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_NAMES   := diff objcmp symtab symvers batch klp_conflicts
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SECONDS ?= 60
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_CLI_OBJS := $(CLI_COMMON:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_SHARED  := $(FUZZ_BUILD)/obj/tests/fuzz/fuzz-input.o $(FUZZ_BUILD)/obj/tests/fuzz/elf-mutator.o
# the library of the klp tools (klp-kernel/Makefile builds it for them)
FUZZ_KLP_OBJS := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,klp-kernel/tools/klp-util.c \
	klp-kernel/tools/klp-module.c klp-kernel/tools/klp-sysfs.c klp-kernel/tools/klp-order.c)
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/bin/fuzz_%)
FUZZ_DEPS    := clang libclang-rt-14-dev

.PHONY: fuzz fuzz-build check-fuzz deps-fuzz

deps-fuzz:
	@scripts/deps.sh $(FUZZ_DEPS)

$(FUZZ_BUILD)/obj/libcdo/%.o: libcdo/%.c | deps-fuzz $(VERSION_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DCDO_BUILDING_LIBRARY $(LIB_INC) -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/obj/cdo-cli/%.o: cdo-cli/%.c | deps-fuzz $(VERSION_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(LIB_INC) -Icdo-cli -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/obj/tests/fuzz/%.o: tests/fuzz/%.c | deps-fuzz $(VERSION_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(LIB_INC) -Icdo-cli -Itests/fuzz -Iklp-kernel/tools -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/obj/klp-kernel/%.o: klp-kernel/%.c | deps-fuzz
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Ilibcdo/include -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/lib/libcdo.a: $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/bin/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_SHARED) $(FUZZ_CLI_OBJS) $(FUZZ_BUILD)/lib/libcdo.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -pthread -o $@ $^ $(LIB_LIBS)

# the tools' own main() renamed, for the targets that run a whole tool
$(FUZZ_BUILD)/bin/fuzz_objcmp: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_objcmp_main.o
$(FUZZ_BUILD)/bin/fuzz_klp_conflicts: $(FUZZ_BUILD)/obj/tests/fuzz/klp_conflicts_main.o $(FUZZ_KLP_OBJS)

# the seed packer is a plain host tool
$(BUILD)/bin/fuzz-seed: tests/fuzz/fuzz-seed.c tests/fuzz/fuzz-input.c tests/fuzz/fuzz-input.h | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/fuzz -o $@ tests/fuzz/fuzz-seed.c tests/fuzz/fuzz-input.c $(LDFLAGS_ALL)

fuzz-build: $(FUZZ_BINS) $(BUILD)/bin/fuzz-seed

FUZZ_RUN = tests/fuzz/run.sh --build $(FUZZ_BUILD) --seed-tool $(BUILD)/bin/fuzz-seed \
	--cdo $(BUILD)/bin/create-diff-object --test-objects $(BUILD)/test-objects

fuzz: fuzz-build all
	@$(FUZZ_RUN) $(if $(FUZZ_RUNS),--runs $(FUZZ_RUNS),--seconds $(FUZZ_SECONDS)) $(FUZZ_TARGETS)

check-fuzz: fuzz-build all
	@$(FUZZ_RUN) --check $(FUZZ_NAMES)

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_CLI_OBJS:.o=.d) $(FUZZ_SHARED:.o=.d) \
	$(FUZZ_NAMES:%=$(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.d) \
	$(FUZZ_BUILD)/obj/tests/fuzz/fuzz_objcmp_main.d $(FUZZ_BUILD)/obj/tests/fuzz/klp_conflicts_main.d \
	$(FUZZ_KLP_OBJS:.o=.d)
