/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_NAMES_H
#define CDO_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * String prefix test without hand-counted lengths.  Inline and stopping
 * at the first mismatch: it runs for every name in several stages, and
 * most names differ from the prefix in their first bytes.
 */
static inline bool has_prefix(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

/**
 * names_mangled_equal() - do two names denote the same thing across builds?
 * @orig:    name in the original object (the rules depend on its shape)
 * @patched: name in the patched object
 *
 * gcc numbers clones and static locals (foo.constprop.0, bar.12) and the
 * numbers shift when unrelated code changes.  Names are equal when they
 * differ only in such numbering: any ".<digits>" run, a trailing
 * ".<digits>" on one side, and the counter of __UNIQUE_ID_ names.
 * Names containing ".str1." are string-literal sections and compare
 * exactly.
 */
bool names_mangled_equal(const char *orig, const char *patched);

/**
 * names_mangled_key() - hash under which mangled-equal names meet
 *
 * names_mangled_equal(a, b) implies names_mangled_key(a) ==
 * names_mangled_key(b), so correlation can look candidates up in a hash
 * index and confirm with names_mangled_equal().
 */
uint64_t names_mangled_key(const char *name);

bool names_is_ubsan(const char *name);
bool names_is_string_literal_section(const char *name);
bool names_is_clang_unnamed_data(const char *name);
bool names_is_debug_section(const char *name);

#endif
