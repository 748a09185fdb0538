// SPDX-License-Identifier: GPL-2.0
#include "sizes.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* DW_AT_byte_size of the structure type @name in @obj's debug info; 0 if none. */
static uint32_t struct_size(const char *src, const char *obj, const char *name)
{
	char *path = xasprintf("%s/%s", src, obj);
	char *argv[] = { "readelf", "--debug-dump=info", "--dwarf-depth=2", path, NULL };
	char *out = NULL, *line, *save = NULL;
	bool in_struct = false, named = false;
	size_t nlen = strlen(name);
	uint32_t size = 0;

	if (!is_file(path) || run_cmd(argv, NULL, &out, "/dev/null") != 0) {
		free(out);
		free(path);
		return 0;
	}
	for (line = strtok_r(out, "\n", &save); line && !size; line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);

		if (strstr(line, "Abbrev Number")) {
			in_struct = strstr(line, "(DW_TAG_structure_type)") != NULL;
			named = false;
		} else if (in_struct && strstr(line, "DW_AT_name") && len > nlen + 2 &&
			   !strcmp(line + len - nlen, name) && line[len - nlen - 1] == ' ' &&
			   line[len - nlen - 2] == ':') {
			named = true;
		} else if (in_struct && named && strstr(line, "DW_AT_byte_size")) {
			const char *c = strrchr(line, ':');

			size = c ? (uint32_t)strtoul(c + 1, NULL, 0) : 0;
		}
	}
	free(out);
	free(path);
	return size;
}

static const struct {
	const char *name;
	const char *const objs[3];
	size_t off;
} table[] = {
	{ "bug_entry", { "lib/bug.o" }, offsetof(struct cdo_struct_sizes, bug) },
	{ "exception_table_entry", { "arch/x86/mm/extable.o", "kernel/extable.o" },
	  offsetof(struct cdo_struct_sizes, ex) },
	{ "jump_entry", { "kernel/jump_label.o" }, offsetof(struct cdo_struct_sizes, jump) },
	{ "alt_instr", { "arch/x86/kernel/alternative.o" }, offsetof(struct cdo_struct_sizes, alt) },
	{ "paravirt_patch_site", { "arch/x86/kernel/alternative.o", "arch/x86/kernel/paravirt.o" },
	  offsetof(struct cdo_struct_sizes, para) },
	{ "orc_entry", { "arch/x86/kernel/unwind_orc.o" }, offsetof(struct cdo_struct_sizes, orc) },
	{ "static_call_site", { "kernel/static_call_inline.o", "kernel/static_call.o" },
	  offsetof(struct cdo_struct_sizes, static_call) },
	{ "pi_entry", { "kernel/printk/index.o" }, offsetof(struct cdo_struct_sizes, printk_index) },
};

bool sizes_reads(const char *path)
{
	size_t i, j;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		for (j = 0; j < 3 && table[i].objs[j]; j++)
			if (!strcmp(table[i].objs[j], path))
				return true;
	return false;
}

void sizes_from_build(const char *src, struct cdo_struct_sizes *s)
{
	size_t i, j;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		uint32_t v = 0;

		for (j = 0; j < 3 && table[i].objs[j] && !v; j++)
			v = struct_size(src, table[i].objs[j], table[i].name);
		*(uint32_t *)((char *)s + table[i].off) = v;
		kbc_debug("struct %s: %u bytes", table[i].name, v);
	}
}

/* "name size" per line, in the table's order: what sizes_from_build() found. */
static char *sizes_text(const struct cdo_struct_sizes *s)
{
	char *text = xmalloc(64 * (sizeof(table) / sizeof(table[0])) + 1), *p = text;
	size_t i;

	*p = 0;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		p += sprintf(p, "%s %u\n", table[i].name,
			     *(const uint32_t *)((const char *)s + table[i].off));
	return text;
}

/* 0 when @text names every table entry once, in order, with a number. */
static int sizes_parse(char *text, struct cdo_struct_sizes *s)
{
	char *line, *save = NULL, *end;
	size_t i = 0;

	memset(s, 0, sizeof(*s));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		size_t nlen;
		unsigned long v;

		if (i == sizeof(table) / sizeof(table[0]))
			return -1;
		nlen = strlen(table[i].name);
		if (strncmp(line, table[i].name, nlen) || line[nlen] != ' ')
			return -1;
		v = strtoul(line + nlen + 1, &end, 10);
		if (end == line + nlen + 1 || *end || v > 4096)
			return -1;
		*(uint32_t *)((char *)s + table[i].off) = (uint32_t)v;
	}
	return i == sizeof(table) / sizeof(table[0]) ? 0 : -1;
}

void sizes_from_build_kept(const char *src, const char *kept, struct cdo_struct_sizes *s)
{
	char *text = read_file(kept, NULL);

	if (text && !sizes_parse(text, s)) {
		free(text);
		return;
	}
	free(text);
	kbc_err_clear();
	sizes_from_build(src, s);
	text = sizes_text(s);
	/* only costs the next diff its time when it cannot be kept */
	if (mkdir_parent(kept) || write_file_atomic(kept, text, strlen(text)))
		kbc_err_clear();
	free(text);
}
