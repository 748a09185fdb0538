// SPDX-License-Identifier: GPL-2.0
/*
 * elfpoke: set one field of one section header or symbol of an ELF64
 * object, to make the broken inputs of the regression tests from objects
 * compiled at test time.
 *
 *   elfpoke IN OUT section NAME FIELD VALUE   (type flags addralign entsize size info link)
 *   elfpoke IN OUT symbol NAME FIELD VALUE    (shndx info type bind value size)
 *   elfpoke IN OUT symbol NAME rename OTHER   (NAME takes OTHER's name: two of one name)
 *
 * NAME is the first section or symbol of that name; VALUE is read with
 * strtoull (0x... for hex).  Exit 0, or 2 with a message.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "elfpoke: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	unsigned char *b;
	uint64_t v;
	long n;
	unsigned int i;
	FILE *f;

	if (argc != 7)
		die("%s", "usage: elfpoke IN OUT section|symbol NAME FIELD VALUE");
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < (long)sizeof(*eh))
		die("%s: cannot read", argv[1]);
	b = malloc((size_t)n);
	rewind(f);
	if (!b || fread(b, 1, (size_t)n, f) != (size_t)n)
		die("%s: cannot read", argv[1]);
	fclose(f);
	eh = (Elf64_Ehdr *)b;
	sh = (Elf64_Shdr *)(b + eh->e_shoff);
	v = strtoull(argv[6], NULL, 0);

	if (!strcmp(argv[3], "section")) {
		const char *names = (const char *)b + sh[eh->e_shstrndx].sh_offset;
		Elf64_Shdr *s = NULL;

		for (i = 1; i < eh->e_shnum && !s; i++)
			if (!strcmp(names + sh[i].sh_name, argv[4]))
				s = &sh[i];
		if (!s)
			die("no section %s", argv[4]);
		if (!strcmp(argv[5], "type")) s->sh_type = (uint32_t)v;
		else if (!strcmp(argv[5], "flags")) s->sh_flags = v;
		else if (!strcmp(argv[5], "addralign")) s->sh_addralign = v;
		else if (!strcmp(argv[5], "entsize")) s->sh_entsize = v;
		else if (!strcmp(argv[5], "size")) s->sh_size = v;
		else if (!strcmp(argv[5], "info")) s->sh_info = (uint32_t)v;
		else if (!strcmp(argv[5], "link")) s->sh_link = (uint32_t)v;
		else die("unknown section field %s", argv[5]);
	} else if (!strcmp(argv[3], "symbol")) {
		Elf64_Shdr *st = NULL;
		Elf64_Sym *sym = NULL, *syms;
		const char *names;
		size_t k, count;

		for (i = 1; i < eh->e_shnum && !st; i++)
			if (sh[i].sh_type == SHT_SYMTAB)
				st = &sh[i];
		if (!st)
			die("%s", "no symbol table");
		syms = (Elf64_Sym *)(b + st->sh_offset);
		names = (const char *)b + sh[st->sh_link].sh_offset;
		count = st->sh_size / sizeof(Elf64_Sym);
		for (k = 1; k < count && !sym; k++)
			if (!strcmp(names + syms[k].st_name, argv[4]))
				sym = &syms[k];
		if (!sym)
			die("no symbol %s", argv[4]);
		if (!strcmp(argv[5], "shndx")) sym->st_shndx = (uint16_t)v;
		else if (!strcmp(argv[5], "info")) sym->st_info = (unsigned char)v;
		else if (!strcmp(argv[5], "type")) sym->st_info = ELF64_ST_INFO(ELF64_ST_BIND(sym->st_info), v);
		else if (!strcmp(argv[5], "bind")) sym->st_info = ELF64_ST_INFO(v, ELF64_ST_TYPE(sym->st_info));
		else if (!strcmp(argv[5], "value")) sym->st_value = v;
		else if (!strcmp(argv[5], "size")) sym->st_size = v;
		else if (!strcmp(argv[5], "rename")) {
			for (k = 1; k < count; k++)
				if (!strcmp(names + syms[k].st_name, argv[6]))
					break;
			if (k == count)
				die("no symbol %s", argv[6]);
			sym->st_name = syms[k].st_name;
		} else die("unknown symbol field %s", argv[5]);
	} else {
		die("%s: neither section nor symbol", argv[3]);
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(b, 1, (size_t)n, f) != (size_t)n || fclose(f))
		die("%s: cannot write", argv[2]);
	free(b);
	return 0;
}
