# cdo: top-level build.  `make` builds libcdo and the tools into build/,
# `make check` runs every user-space test, `make check-kernel` the kernel
# suite, `make demo` diffs a bundled example pair.

CC      ?= cc
AR      ?= ar
PREFIX  ?= /usr/local
DESTDIR ?=
LIBDIR  ?= $(PREFIX)/lib
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

VERSION       := 0.1.0
SOVERSION     := 0

# Sanitizer builds live in their own tree so they never mix with the
# normal objects: SANITIZE=1 (ASan+UBSan) or TSAN=1.
ifeq ($(SANITIZE),1)
BUILD    ?= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(TSAN),1)
BUILD    ?= build/tsan
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
else
BUILD    ?= build
SANFLAGS :=
endif

WERROR  ?= -Werror
OPT     ?= -O2 -g
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE $(OPT) -Wall -Wextra $(WERROR) \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
	-fno-strict-aliasing -pthread $(SANFLAGS) $(CFLAGS)
LDFLAGS_ALL := -pthread $(SANFLAGS) $(LDFLAGS)

DEPS_BUILD := gcc make libc6-dev libelf-dev libdwarf-dev libxxhash-dev libcmocka-dev pkg-config binutils \
	libzstd-dev libcurl4-openssl-dev
# kbuild-cache's HTTP test probes its nginx with curl; it installs nginx
# itself, so that a missing nginx skips that test instead of failing make
DEPS_CHECK := $(DEPS_BUILD) curl

LIB_SRCS := $(sort $(wildcard libcdo/src/*.c libcdo/src/x86/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB_INC  := -Ilibcdo/include -Ilibcdo/src

CLI_COMMON := $(sort $(wildcard cdo-cli/common/*.c))
CLI_COMMON_OBJS := $(CLI_COMMON:%.c=$(BUILD)/obj/%.o)
# an archive, so that each tool links only the shared code it calls
CLI_COMMON_LIB := $(BUILD)/obj/cdo-cli/common/libcommon.a
CLI_MAINS := $(sort $(wildcard cdo-cli/*.c))
CLI_BINS  := $(patsubst cdo-cli/%.c,$(BUILD)/bin/%,$(CLI_MAINS))

# kbuild-cache: its own sources, one concern per file; main.c is the tool
KBC_SRCS := $(sort $(wildcard kbuild-cache/src/*.c))
KBC_OBJS := $(KBC_SRCS:%.c=$(BUILD)/obj/%.o)
KBC_LIB  := $(BUILD)/obj/kbuild-cache/libkbc.a
KBC_BIN  := $(BUILD)/bin/kbuild-cache
KBC_LIBS := -lzstd -lcurl -lxxhash
KBC_UNIT_SRCS := $(sort $(wildcard kbuild-cache/tests/unit/test_*.c))
KBC_UNIT_BINS := $(patsubst kbuild-cache/tests/unit/test_%.c,$(BUILD)/tests/test_kbc_%,$(KBC_UNIT_SRCS))

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

STATIC_LIB := $(BUILD)/lib/libcdo.a
SHARED_LIB := $(BUILD)/lib/libcdo.so.$(SOVERSION)
PC_FILE    := $(BUILD)/lib/pkgconfig/libcdo.pc

.SECONDARY:

.PHONY: all deps check check-unit check-cases check-kbc check-headers check-symbols \
	check-upstream check-kernel demo install clean bench

all: deps-build $(STATIC_LIB) $(SHARED_LIB) $(PC_FILE) $(CLI_BINS) $(KBC_BIN) klp-conflicts

# The pre-load conflict check lives with the kernel series it mirrors.
.PHONY: klp-conflicts
klp-conflicts: deps-build
	@$(MAKE) --no-print-directory -s -C klp-kernel BUILD=$(abspath $(BUILD)) CFLAGS="$(SANFLAGS)" LDFLAGS="$(SANFLAGS)"

# Installing packages is the first thing every entry point does, so a
# fresh Debian machine needs nothing but `make`.
.PHONY: deps-build
deps-build:
	@scripts/deps.sh $(DEPS_BUILD)

$(BUILD)/obj/libcdo/%.o: libcdo/%.c | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fPIC -fvisibility=hidden -DCDO_BUILDING_LIBRARY $(LIB_INC) -MMD -MP -c $< -o $@

$(BUILD)/obj/cdo-cli/%.o: cdo-cli/%.c | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LIB_INC) -Icdo-cli -MMD -MP -c $< -o $@

$(STATIC_LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS) libcdo/libcdo.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libcdo.so.$(SOVERSION) \
		-Wl,--version-script=libcdo/libcdo.map -Wl,--no-undefined \
		-o $@ $(LIB_OBJS) $(LDFLAGS_ALL)
	ln -sf libcdo.so.$(SOVERSION) $(BUILD)/lib/libcdo.so

$(PC_FILE): libcdo/libcdo.pc.in Makefile
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@VERSION@|$(VERSION)|g' $< > $@

# The tools link the static library: a drop-in create-diff-object must run
# from kpatch-build's libexec folder without an installed libcdo.
$(BUILD)/bin/%: $(BUILD)/obj/cdo-cli/%.o $(CLI_COMMON_LIB) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(LDFLAGS_ALL)

$(BUILD)/obj/kbuild-cache/%.o: kbuild-cache/%.c | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LIB_INC) -Ikbuild-cache/src -MMD -MP -c $< -o $@

# everything but main.o, so that the unit tests link the same code
$(KBC_LIB): $(filter-out %/main.o,$(KBC_OBJS))
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(KBC_BIN): $(BUILD)/obj/kbuild-cache/src/main.o $(KBC_LIB) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(KBC_LIBS) -lelf -lz $(LDFLAGS_ALL)

$(BUILD)/tests/test_kbc_%: kbuild-cache/tests/unit/test_%.c $(KBC_LIB) | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-unused-parameter -Ikbuild-cache/src -o $@ $< $(KBC_LIB) -lcmocka $(KBC_LIBS) $(LDFLAGS_ALL)

$(CLI_COMMON_LIB): $(CLI_COMMON_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(STATIC_LIB) | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-unused-parameter $(LIB_INC) -Itests/unit -o $@ $< $(STATIC_LIB) -lcmocka $(LDFLAGS_ALL)

-include $(LIB_OBJS:.o=.d) $(CLI_COMMON_OBJS:.o=.d) $(KBC_OBJS:.o=.d)

# ---- tests ---------------------------------------------------------------

check: all $(UNIT_BINS) $(KBC_UNIT_BINS) deps-check
	@scripts/run-checks.sh "$(BUILD)"

.PHONY: deps-check
deps-check:
	@scripts/deps.sh $(DEPS_CHECK)

check-unit: all $(UNIT_BINS) $(KBC_UNIT_BINS)
	@scripts/run-checks.sh "$(BUILD)" unit

check-cases: all
	@scripts/run-checks.sh "$(BUILD)" cases

check-kbc: all $(KBC_UNIT_BINS) deps-check
	@scripts/run-checks.sh "$(BUILD)" kbc

# Compares our output with an installed upstream binary on upstream's unit
# objects; skips with a message when either path is not given.
check-upstream: all
	@scripts/run-checks.sh "$(BUILD)" upstream

# The kernel suite: klp-kernel's qemu tests, then the real-kernel cases
# (6.1 always, 5.15 with KERNEL_SRC_515=, upstream compared with
# UPSTREAM_CDO=).  Kernel trees are cached in /var/cache/cdo-kernel.
check-kernel: all
	@UPSTREAM_CDO=$(UPSTREAM_CDO) KERNEL_SRC_515=$(KERNEL_SRC_515) \
		CDO=$(abspath $(BUILD))/bin/create-diff-object OBJCMP=$(abspath $(BUILD))/bin/cdo-objcmp \
		scripts/run-kernel-checks.sh

# ---- demo, install -------------------------------------------------------

demo: all
	@scripts/demo.sh "$(BUILD)"

bench: all
	@$(MAKE) --no-print-directory -C bench BUILD=$(abspath $(BUILD))

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/cdo
	install -m 0755 $(CLI_BINS) $(BUILD)/bin/klp-conflicts $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libcdo.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libcdo.so
	install -m 0644 libcdo/include/cdo/*.h $(DESTDIR)$(PREFIX)/include/cdo/
	install -m 0644 $(PC_FILE) $(DESTDIR)$(LIBDIR)/pkgconfig/

clean:
	rm -rf build
