// SPDX-License-Identifier: GPL-2.0
/*
 * cdo-floor: the least any object differ must do.  Open each object with
 * libelf and read every section (header, name and every byte), every
 * symbol (with its name) and every relocation, and nothing else.  The
 * benchmark takes this as the floor that create-diff-object is measured
 * against.
 *
 *   cdo-floor [-c] [-t] FILE...
 *
 * -c	print per file: sections, symbols, relocations and bytes
 * -t	print the time spent after exec (open to close, all files)
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct counts {
	size_t sections, symbols, relocations, bytes;
};

/* Folded into the output so the reads cannot be optimized away. */
static uint64_t sink;

static void fold_bytes(const Elf_Data *d)
{
	const unsigned char *p = d->d_buf;
	uint64_t acc = 0, w;
	size_t i = 0;

	if (!p)
		return;
	for (; i + 8 <= d->d_size; i += 8) {
		memcpy(&w, p + i, 8);
		acc += w;
	}
	for (; i < d->d_size; i++)
		acc += p[i];
	sink ^= acc;
}

static int read_object(const char *path, struct counts *c)
{
	size_t shstrndx, i, n;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	GElf_Rela rela;
	GElf_Rel rel;
	Elf_Data *d;
	const char *name;
	Elf *elf;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "cdo-floor: %s: %s\n", path, strerror(errno));
		return -1;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		fprintf(stderr, "cdo-floor: %s: not an ELF object\n", path);
		goto fail;
	}
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		fprintf(stderr, "cdo-floor: %s: %s\n", path, elf_errmsg(-1));
		goto fail;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh)) {
			fprintf(stderr, "cdo-floor: %s: %s\n", path, elf_errmsg(-1));
			goto fail;
		}
		c->sections++;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name)
			sink += (unsigned char)name[0];
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		c->bytes += d->d_size;
		fold_bytes(d);
		n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		switch (sh.sh_type) {
		case SHT_SYMTAB:
			for (i = 0; i < n && gelf_getsym(d, (int)i, &sym); i++) {
				name = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (name)
					sink += (unsigned char)name[0];
				sink += sym.st_value + sym.st_shndx;
			}
			c->symbols += i;
			break;
		case SHT_RELA:
			for (i = 0; i < n && gelf_getrela(d, (int)i, &rela); i++)
				sink += rela.r_offset + rela.r_info + (uint64_t)rela.r_addend;
			c->relocations += i;
			break;
		case SHT_REL:
			for (i = 0; i < n && gelf_getrel(d, (int)i, &rel); i++)
				sink += rel.r_offset + rel.r_info;
			c->relocations += i;
			break;
		default:
			break;
		}
	}
	elf_end(elf);
	close(fd);
	return 0;
fail:
	if (elf)
		elf_end(elf);
	close(fd);
	return -1;
}

int main(int argc, char **argv)
{
	struct counts c;
	struct timespec t0, t1;
	int opt, print_counts = 0, print_time = 0, i, rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((opt = getopt(argc, argv, "ct")) != -1) {
		switch (opt) {
		case 'c':
			print_counts = 1;
			break;
		case 't':
			print_time = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: cdo-floor [-c] [-t] FILE...\n");
		return 2;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "cdo-floor: libelf: %s\n", elf_errmsg(-1));
		return 1;
	}
	for (i = optind; i < argc; i++) {
		memset(&c, 0, sizeof(c));
		if (read_object(argv[i], &c)) {
			rc = 1;
			continue;
		}
		if (print_counts)
			printf("%s sections=%zu symbols=%zu relocations=%zu bytes=%zu\n",
			       argv[i], c.sections + 1, c.symbols, c.relocations, c.bytes);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (print_time)
		printf("time=%.6f\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	/* Never true in practice; keeps the folded value live. */
	if (sink == 0x5eed)
		printf("sink\n");
	return rc;
}
