// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdlib.h>

#include "names.h"
#include "hashidx.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "." followed by digits (possibly none) up to the end of the string */
static bool is_digit_tail(const char *s)
{
	if (*s != '.')
		return false;
	s++;
	while (is_digit(*s))
		s++;
	return *s == '\0';
}

static bool unique_id_equal(const char *a, const char *b)
{
	while (*a == *b) {
		if (!*a)
			return true;
		a++;
		b++;
	}
	while (is_digit(*a))
		a++;
	while (is_digit(*b))
		b++;
	return (!*a || is_digit_tail(a)) && (!*b || is_digit_tail(b));
}

static bool is_unique_id(const char *s)
{
	return has_prefix(s, "__UNIQUE_ID_") || strstr(s, "__UNIQUE_ID_ddebug");
}

bool names_mangled_equal(const char *a, const char *b)
{
	if (strstr(a, ".str1."))
		return !strcmp(a, b);
	if (is_unique_id(a))
		return unique_id_equal(a, b);

	while (*a == *b) {
		if (!*a)
			return true;
		if (*a == '.' && is_digit(a[1])) {
			if (!is_digit(b[1]))
				return false;
			a++;
			b++;
			while (is_digit(*a))
				a++;
			while (is_digit(*b))
				b++;
		} else {
			a++;
			b++;
		}
	}
	return (!*a && is_digit_tail(b)) || (!*b && is_digit_tail(a));
}

/*
 * The key drops everything the comparison may ignore, and possibly more
 * (that only puts more candidates in one chain): for __UNIQUE_ID_ names
 * every trailing digit and '.', for the rest every ".<digits>" run and
 * then the trailing dots.  Exact-equal names trivially share a key, which
 * covers the ".str1." rule.
 */
uint64_t names_mangled_key(const char *name)
{
	size_t n = strlen(name), o = 0, i;
	char stackbuf[256];
	char *buf = n < sizeof(stackbuf) ? stackbuf : malloc(n + 1);
	uint64_t key;

	if (!buf)
		return hash_bytes(name, 0);	/* degrade to one bucket, stay correct */
	if (is_unique_id(name)) {
		o = n;
		while (o > 0 && (is_digit(name[o - 1]) || name[o - 1] == '.'))
			o--;
		memcpy(buf, name, o);
	} else {
		for (i = 0; i < n; i++) {
			if (name[i] == '.' && is_digit(name[i + 1])) {
				i++;
				while (i + 1 < n && is_digit(name[i + 1]))
					i++;
				continue;
			}
			buf[o++] = name[i];
		}
		while (o > 0 && buf[o - 1] == '.')
			o--;
	}
	key = hash_bytes(buf, o);
	if (buf != stackbuf)
		free(buf);
	return key;
}

bool names_is_ubsan(const char *name)
{
	/* every ubsan name starts with '.' and contains "Lubsan" */
	if (name[0] != '.' || !strstr(name, "Lubsan"))
		return false;
	return has_prefix(name, ".data.rel.local..Lubsan_data") ||
	       has_prefix(name, ".data..Lubsan_type") ||
	       has_prefix(name, ".Lubsan_data") ||
	       has_prefix(name, ".data..Lubsan_data") ||
	       has_prefix(name, ".rela.data..Lubsan_data") ||
	       has_prefix(name, ".rela.data.rel.local..Lubsan_data");
}

bool names_is_string_literal_section(const char *name)
{
	return has_prefix(name, ".rodata.") && strstr(name, ".str");
}

bool names_is_clang_unnamed_data(const char *name)
{
	return has_prefix(name, ".data..L__unnamed_") || has_prefix(name, ".data.__unnamed_");
}

bool names_is_debug_section(const char *name)
{
	return has_prefix(name, ".debug_") || has_prefix(name, ".eh_frame");
}
