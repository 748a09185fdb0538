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
