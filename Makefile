# cdo: top-level build.  `make` builds libcdo, the tools and their man
# pages into build/, `make check` runs every user-space test, `make
# check-kernel` the kernel suite, `make demo` diffs a bundled example pair,
# `make install` installs (PREFIX, LIBDIR, DESTDIR, ...; see README.md).
#
# Only `make deps`, `make check*` and `make demo` install missing Debian
# packages; every other goal only says what is missing.

CC      ?= cc
CXX     ?= c++
AR      ?= ar
LD      ?= ld
OBJCOPY ?= objcopy
SCDOC   ?= scdoc
INSTALL ?= install

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
DATADIR     ?= $(PREFIX)/share
MANDIR      ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
DESTDIR     ?=

# The one place the version lives; cdo/version.h, libcdo.pc, the shared
# library's file name and every tool's --version come from it.
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
# what a program linking libcdo needs besides it (libcdo.pc says the same)
LIB_LIBS := -ldwarf
# The tools take libdwarf (and its libelf and zlib) from their archives:
# kpatch-build starts create-diff-object once per changed object, and
# loading three shared libraries, only for the debug-info options, cost
# each start about a millisecond, a tenth of a small object's whole run.
TOOL_LIBS_STATIC := -Wl,-Bstatic -ldwarf -lelf -lz -Wl,-Bdynamic
TOOL_LIBS := $(if $(wildcard /usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/libdwarf.a),\
	$(TOOL_LIBS_STATIC),$(LIB_LIBS))

CLI_COMMON := $(sort $(wildcard cdo-cli/common/*.c))
CLI_COMMON_OBJS := $(CLI_COMMON:%.c=$(BUILD)/obj/%.o)
# an archive, so that each tool links only the shared code it calls
CLI_COMMON_LIB := $(BUILD)/obj/cdo-cli/common/libcommon.a
CLI_MAINS := $(sort $(wildcard cdo-cli/*.c))
CLI_OBJS  := $(CLI_MAINS:%.c=$(BUILD)/obj/%.o)
CLI_BINS  := $(patsubst cdo-cli/%.c,$(BUILD)/bin/%,$(CLI_MAINS))
KLP_CONFLICTS := $(BUILD)/bin/klp-conflicts
KLPCTL        := $(BUILD)/bin/klpctl

# kbuild-cache: its own sources, one concern per file; main.c is the tool
KBC_SRCS := $(sort $(wildcard kbuild-cache/src/*.c))
KBC_OBJS := $(KBC_SRCS:%.c=$(BUILD)/obj/%.o)
KBC_LIB  := $(BUILD)/obj/kbuild-cache/libkbc.a
KBC_BIN  := $(BUILD)/bin/kbuild-cache
KBC_LIBS := -lzstd -lcurl -lxxhash -luring
KBC_UNIT_SRCS := $(sort $(wildcard kbuild-cache/tests/unit/test_*.c))
KBC_UNIT_BINS := $(patsubst kbuild-cache/tests/unit/test_%.c,$(BUILD)/tests/test_kbc_%,$(KBC_UNIT_SRCS))

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

MAN_SRCS  := $(sort $(wildcard man/*.scd))
MAN_PAGES := $(patsubst man/%.scd,$(BUILD)/man/%,$(MAN_SRCS))

# The public archive is one relocatable object whose internal (hidden)
# symbols were made local, so it exports only cdo_* names, like the
# shared library.  Unit tests of internal code link the plain archive.
STATIC_LIB   := $(BUILD)/lib/libcdo.a
STATIC_OBJ   := $(BUILD)/obj/libcdo-static.o
INTERNAL_LIB := $(BUILD)/obj/libcdo-internal.a
SHARED_REAL  := libcdo.so.$(VERSION)
SHARED_LIB   := $(BUILD)/lib/$(SHARED_REAL)

.SECONDARY:
.DELETE_ON_ERROR:

.PHONY: all deps deps-build check check-unit check-cases check-cli check-kbc check-upstream \
	check-kernel demo install uninstall install-kpatch uninstall-kpatch clean bench bench-kbuild bench-klp \
	man klp-conflicts

all: $(STATIC_LIB) $(SHARED_LIB) $(CLI_BINS) $(KBC_BIN) klp-conflicts man

# The pre-load conflict check and the loader live with the kernel series
# they drive.
klp-conflicts: | deps-build
	@$(MAKE) --no-print-directory -s -C klp-kernel BUILD=$(abspath $(BUILD)) \
		CC="$(CC)" CFLAGS="$(SANFLAGS) $(CFLAGS)" LDFLAGS="$(SANFLAGS) $(LDFLAGS)"

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
		-o $@ $(LIB_OBJS) $(LIB_LIBS) $(LDFLAGS_ALL)
	ln -sf $(SHARED_REAL) $(BUILD)/lib/libcdo.so.$(SOVERSION)
	ln -sf libcdo.so.$(SOVERSION) $(BUILD)/lib/libcdo.so

# The tools link the public static archive: a drop-in create-diff-object
# must run from kpatch-build's libexec folder without an installed libcdo.
$(BUILD)/bin/%: $(BUILD)/obj/cdo-cli/%.o $(CLI_COMMON_LIB) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(TOOL_LIBS) $(LDFLAGS_ALL)

$(BUILD)/obj/kbuild-cache/%.o: kbuild-cache/%.c | deps-build $(VERSION_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LIB_INC) -Ikbuild-cache/src -MMD -MP -c $< -o $@

# everything but main.o, so that the unit tests link the same code
$(KBC_LIB): $(filter-out %/main.o,$(KBC_OBJS))
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(KBC_BIN): $(BUILD)/obj/kbuild-cache/src/main.o $(KBC_LIB) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(KBC_LIBS) $(LIB_LIBS) -lelf -lz $(LDFLAGS_ALL)

$(BUILD)/tests/test_kbc_%: kbuild-cache/tests/unit/test_%.c $(KBC_LIB) | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-unused-parameter -Ilibcdo/include -I$(BUILD)/include -Ikbuild-cache/src -o $@ $< $(KBC_LIB) -lcmocka $(KBC_LIBS) $(LDFLAGS_ALL)

$(CLI_COMMON_LIB): $(CLI_COMMON_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(INTERNAL_LIB) | deps-build $(VERSION_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-unused-parameter $(LIB_INC) -Itests/unit -MMD -MP -o $@ $< \
		$(INTERNAL_LIB) -lcmocka $(LIB_LIBS) $(LDFLAGS_ALL)

man: $(MAN_PAGES)

$(BUILD)/man/%: man/%.scd VERSION | deps-build
	@mkdir -p $(dir $@)
	sed 's/@VERSION@/$(VERSION)/g' $< | $(SCDOC) >$@

-include $(LIB_OBJS:.o=.d) $(CLI_COMMON_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_BINS:=.d) \
	$(KBC_OBJS:.o=.d)

# ---- tests ---------------------------------------------------------------
# The test scripts run sub-makes (test-objects, klp-kernel), so they are
# marked recursive ('+') to share the user's -j through the jobserver.

include tests/fuzz/fuzz.mk

# klp-kernel's unit tests link libklp.a, built with these (run-checks.sh)
export CDO_SANFLAGS := $(SANFLAGS)

check: all $(UNIT_BINS) $(KBC_UNIT_BINS)
	+@scripts/run-checks.sh "$(BUILD)"

check-unit: all $(UNIT_BINS) $(KBC_UNIT_BINS)
	+@scripts/run-checks.sh "$(BUILD)" unit

check-cli: all
	+@scripts/run-checks.sh "$(BUILD)" cli

check-cases: all
	+@scripts/run-checks.sh "$(BUILD)" cases

check-kbc: all $(KBC_UNIT_BINS)
	+@scripts/run-checks.sh "$(BUILD)" kbc

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

# ---- demo, bench ---------------------------------------------------------

demo: all
	@scripts/demo.sh "$(BUILD)"

bench: all
	+@$(MAKE) --no-print-directory -C bench BUILD=$(abspath $(BUILD))

# The kernel build with and without kbuild-cache (bench/kbuild/run.sh for
# the knobs: KPATCH_BUILD=, JOBS=, WORK=, STEPS=, FRESH=1); hours, not in CI.
bench-kbuild: all
	BUILD=$(abspath $(BUILD)) bench/kbuild/run.sh

# The livepatch consistency models' stop windows in one qemu boot of the 6.1
# series (bench/klp/run.sh for the knobs; KLP_SERIES= another directory of
# patches); builds a kernel, not in CI.
bench-klp:
	BUILD=$(abspath $(BUILD)) KLP_SERIES=$(KLP_SERIES) bench/klp/run.sh

# ---- install -------------------------------------------------------------

MAN1 := $(filter %.1,$(MAN_PAGES))
MAN3 := $(filter %.3,$(MAN_PAGES))
TOOLS := $(notdir $(CLI_BINS) $(KLP_CONFLICTS) $(KLPCTL) $(KBC_BIN))
HEADERS := libcdo/include/cdo/cdo.h libcdo/include/cdo/elf.h $(VERSION_H)

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/cdo $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0755 $(CLI_BINS) $(KLP_CONFLICTS) $(KLPCTL) $(KBC_BIN) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 0755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(SHARED_REAL) $(DESTDIR)$(LIBDIR)/libcdo.so.$(SOVERSION)
	ln -sf libcdo.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libcdo.so
	$(INSTALL) -m 0644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/cdo/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
		libcdo/libcdo.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/libcdo.pc
	chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/libcdo.pc
	$(INSTALL) -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 0644 $(MAN3) $(DESTDIR)$(MANDIR)/man3/
	$(INSTALL) -m 0644 completion/cdo.bash $(DESTDIR)$(BASHCOMPDIR)/create-diff-object
	ln -sf create-diff-object $(DESTDIR)$(BASHCOMPDIR)/cdo-objcmp
	ln -sf create-diff-object $(DESTDIR)$(BASHCOMPDIR)/klp-conflicts
	ln -sf create-diff-object $(DESTDIR)$(BASHCOMPDIR)/klpctl
	ln -sf create-diff-object $(DESTDIR)$(BASHCOMPDIR)/kbuild-cache

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(TOOLS))
	rm -f $(DESTDIR)$(LIBDIR)/libcdo.a $(DESTDIR)$(LIBDIR)/$(SHARED_REAL) \
		$(DESTDIR)$(LIBDIR)/libcdo.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libcdo.so \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libcdo.pc
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/cdo/,$(notdir $(HEADERS)))
	rmdir $(DESTDIR)$(INCLUDEDIR)/cdo 2>/dev/null || true
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(MAN3)))
	rm -f $(addprefix $(DESTDIR)$(BASHCOMPDIR)/,$(TOOLS))

# Put our create-diff-object where kpatch-build runs it, keeping the one
# that was there as create-diff-object.upstream (uninstall-kpatch puts it
# back).  KPATCH_LIBEXEC is kpatch's libexec folder, e.g. /usr/libexec/kpatch.
install-kpatch: $(BUILD)/bin/create-diff-object
	@scripts/install-kpatch.sh install "$(DESTDIR)$(KPATCH_LIBEXEC)" $<

uninstall-kpatch:
	@scripts/install-kpatch.sh uninstall "$(DESTDIR)$(KPATCH_LIBEXEC)"

clean:
	rm -rf $(BUILD)
