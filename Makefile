# cdo: top-level build.  `make` builds libcdo and the tools into build/,
# `make check` runs every user-space test, `make check-kernel` the kernel
# suite, `make demo` diffs a bundled example pair.
#
# Only `make deps`, `make check*` and `make demo` install missing Debian
# packages; every other goal only says what is missing.

CC      ?= cc
CXX     ?= c++
AR      ?= ar
LD      ?= ld
OBJCOPY ?= objcopy
SCDOC   ?= scdoc
PREFIX  ?= /usr/local
DESTDIR ?=
LIBDIR  ?= $(PREFIX)/lib

# The one place the version lives; cdo/version.h, libcdo.pc and every
# tool's --version come from it.
VERSION   := $(shell cat VERSION)
VERSION_WORDS := $(subst ., ,$(VERSION))
SOVERSION := 0

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

# Goals the user runs to test or try the project may install packages.
INSTALLING_GOALS := deps demo check check-%
ifneq ($(filter $(INSTALLING_GOALS),$(MAKECMDGOALS)),)
DEPS_MODE := --install
else
DEPS_MODE := --probe
endif
ifneq ($(filter check check-% demo bench,$(MAKECMDGOALS)),)
DEPS_GROUPS := build check
else
DEPS_GROUPS := build
endif

VERSION_H := $(BUILD)/include/cdo/version.h

LIB_SRCS := $(sort $(wildcard libcdo/src/*.c libcdo/src/x86/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB_INC  := -Ilibcdo/include -I$(BUILD)/include -Ilibcdo/src

CLI_COMMON := $(sort $(wildcard cdo-cli/common/*.c))
CLI_COMMON_OBJS := $(CLI_COMMON:%.c=$(BUILD)/obj/%.o)
# an archive, so that each tool links only the shared code it calls
CLI_COMMON_LIB := $(BUILD)/obj/cdo-cli/common/libcommon.a
CLI_MAINS := $(sort $(wildcard cdo-cli/*.c))
CLI_OBJS  := $(CLI_MAINS:%.c=$(BUILD)/obj/%.o)
CLI_BINS  := $(patsubst cdo-cli/%.c,$(BUILD)/bin/%,$(CLI_MAINS))

MAN_SRCS  := $(sort $(wildcard man/*.scd))
MAN_PAGES := $(patsubst man/%.scd,$(BUILD)/man/%,$(MAN_SRCS))

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

# The public archive is one relocatable object whose internal (hidden)
# symbols were made local, so it exports only cdo_* names, like the
# shared library.  Unit tests of internal code link the plain archive.
STATIC_LIB   := $(BUILD)/lib/libcdo.a
STATIC_OBJ   := $(BUILD)/obj/libcdo-static.o
INTERNAL_LIB := $(BUILD)/obj/libcdo-internal.a
SHARED_LIB := $(BUILD)/lib/libcdo.so.$(SOVERSION)
PC_FILE    := $(BUILD)/lib/pkgconfig/libcdo.pc

.SECONDARY:
.DELETE_ON_ERROR:

.PHONY: all man deps deps-build check check-unit check-cli check-cases check-headers check-symbols \
	check-upstream check-kernel demo install clean bench

all: deps-build $(STATIC_LIB) $(SHARED_LIB) $(PC_FILE) $(CLI_BINS) klp-conflicts man

# The pre-load conflict check lives with the kernel series it mirrors.
.PHONY: klp-conflicts
klp-conflicts: deps-build
	@$(MAKE) --no-print-directory -s -C klp-kernel BUILD=$(abspath $(BUILD)) CFLAGS="$(SANFLAGS)" LDFLAGS="$(SANFLAGS)"

deps:
	@scripts/deps.sh --install build check

deps-build:
	@CC="$(CC)" CXX="$(CXX)" scripts/deps.sh $(DEPS_MODE) $(DEPS_GROUPS)

$(VERSION_H): VERSION | deps-build
	@mkdir -p $(dir $@)
	@printf '%s\n' '/* Generated from VERSION by the Makefile; do not edit. */' \
		'#ifndef CDO_VERSION_H' '#define CDO_VERSION_H' \
		'#define CDO_VERSION_MAJOR $(word 1,$(VERSION_WORDS))' \
		'#define CDO_VERSION_MINOR $(word 2,$(VERSION_WORDS))' \
		'#define CDO_VERSION_PATCH $(word 3,$(VERSION_WORDS))' \
		'#define CDO_VERSION_STRING "$(VERSION)"' '#endif' >$@

$(BUILD)/obj/libcdo/%.o: libcdo/%.c | deps-build $(VERSION_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fPIC -fvisibility=hidden -DCDO_BUILDING_LIBRARY $(LIB_INC) -MMD -MP -c $< -o $@

$(BUILD)/obj/cdo-cli/%.o: cdo-cli/%.c | deps-build $(VERSION_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LIB_INC) -Icdo-cli -MMD -MP -c $< -o $@

$(INTERNAL_LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(STATIC_OBJ): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(LD) -r -o $@.tmp $^
	$(OBJCOPY) --localize-hidden $@.tmp $@
	rm -f $@.tmp

$(STATIC_LIB): $(STATIC_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS) libcdo/libcdo.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libcdo.so.$(SOVERSION) \
		-Wl,--version-script=libcdo/libcdo.map -Wl,--no-undefined \
		-o $@ $(LIB_OBJS) $(LDFLAGS_ALL)
	ln -sf libcdo.so.$(SOVERSION) $(BUILD)/lib/libcdo.so

$(PC_FILE): libcdo/libcdo.pc.in Makefile VERSION
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@VERSION@|$(VERSION)|g' $< > $@

# The tools link the public static archive: a drop-in create-diff-object must run
# from kpatch-build's libexec folder without an installed libcdo.
$(BUILD)/bin/%: $(BUILD)/obj/cdo-cli/%.o $(CLI_COMMON_LIB) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(LDFLAGS_ALL)

$(CLI_COMMON_LIB): $(CLI_COMMON_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(INTERNAL_LIB) | deps-build $(VERSION_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-unused-parameter $(LIB_INC) -Itests/unit -MMD -MP -o $@ $< \
		$(INTERNAL_LIB) -lcmocka $(LDFLAGS_ALL)

man: $(MAN_PAGES)

$(BUILD)/man/%: man/%.scd VERSION | deps-build
	@mkdir -p $(dir $@)
	sed 's/@VERSION@/$(VERSION)/g' $< | $(SCDOC) >$@

-include $(LIB_OBJS:.o=.d) $(CLI_COMMON_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_BINS:=.d)

# ---- tests ---------------------------------------------------------------
# The test scripts run sub-makes (test-objects, klp-kernel), so they are
# marked recursive ('+') to share the user's -j through the jobserver.

check: all $(UNIT_BINS)
	+@scripts/run-checks.sh "$(BUILD)"

check-unit: all $(UNIT_BINS)
	+@scripts/run-checks.sh "$(BUILD)" unit

check-cli: all
	+@scripts/run-checks.sh "$(BUILD)" cli

check-cases: all
	+@scripts/run-checks.sh "$(BUILD)" cases

# Compares our output with an installed upstream binary on upstream's unit
# objects; skips with a message when either path is not given.
check-upstream: all
	+@scripts/run-checks.sh "$(BUILD)" upstream

# The kernel suite: klp-kernel's qemu tests, then the real-kernel cases
# (6.1 always, 5.15 with KERNEL_SRC_515=, upstream compared with
# UPSTREAM_CDO=).  Kernel trees are cached in /var/cache/cdo-kernel.
check-kernel: all
	+@UPSTREAM_CDO=$(UPSTREAM_CDO) KERNEL_SRC_515=$(KERNEL_SRC_515) \
		CDO=$(abspath $(BUILD))/bin/create-diff-object OBJCMP=$(abspath $(BUILD))/bin/cdo-objcmp \
		scripts/run-kernel-checks.sh

# ---- demo, install -------------------------------------------------------

demo: all
	@scripts/demo.sh "$(BUILD)"

bench: all
	+@$(MAKE) --no-print-directory -C bench BUILD=$(abspath $(BUILD))

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/cdo
	install -m 0755 $(CLI_BINS) $(BUILD)/bin/klp-conflicts $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libcdo.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libcdo.so
	install -m 0644 libcdo/include/cdo/*.h $(VERSION_H) $(DESTDIR)$(PREFIX)/include/cdo/
	install -m 0644 $(PC_FILE) $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man3 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 $(filter %.1,$(MAN_PAGES)) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(filter %.3,$(MAN_PAGES)) $(DESTDIR)$(PREFIX)/share/man/man3/
	install -m 0644 completion/cdo.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/create-diff-object
	ln -sf create-diff-object $(DESTDIR)$(PREFIX)/share/bash-completion/completions/cdo-objcmp
	ln -sf create-diff-object $(DESTDIR)$(PREFIX)/share/bash-completion/completions/klp-conflicts

clean:
	rm -rf $(BUILD)
