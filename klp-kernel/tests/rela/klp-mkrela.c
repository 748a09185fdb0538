/* SPDX-License-Identifier: GPL-2.0 */
/*
 * klp-mkrela: turn references of a built livepatch module to symbols of a
 * target module into livepatch relocations, the way a kpatch-build module
 * carries them (Documentation/livepatch/module-elf-format.rst):
 *
 *   - each named symbol, undefined in the module, becomes the livepatch
 *     symbol ".klp.sym.<object>.<name>,<pos>" with section index
 *     SHN_LIVEPATCH, which the module loader leaves alone;
 *   - every relocation against one of them moves from its ".rela<sec>"
 *     section into ".klp.rela.<object>.<sec>", flagged SHF_ALLOC (kept in
 *     module memory) and SHF_RELA_LIVEPATCH (written by the livepatch core
 *     when <object> is loaded, not by the module loader).
 *
 * The module is built with KBUILD_MODPOST_WARN=1, as kpatch-build builds
 * its modules, so that modpost lets the symbols be undefined; the loader
 * never sees them once converted.
 *
 *   klp-mkrela IN.ko OUT.ko OBJECT NAME[,POS]...
 *
 * Exit 0 when every name was converted and referenced, 1 on any error.
 */

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SHN_LIVEPATCH
#define SHN_LIVEPATCH 0xff20
#endif
#ifndef SHF_RELA_LIVEPATCH
#define SHF_RELA_LIVEPATCH 0x00100000
#endif

/* the kernel parses ".klp.sym.%55[^.].%511[^,],%lu" */
#define KLP_OBJNAME_MAX 55
#define KLP_SYMNAME_MAX 511

static const char *prog = "klp-mkrela";

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void die_elf(const char *what)
{
	die("%s: %s", what, elf_errmsg(-1));
}

/*
 * Buffers handed to libelf as section data: it does not own them, so they
 * are freed after elf_end().
 */
static void **buffers;
static size_t nbuffers;

static void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	void **grown = realloc(buffers, (nbuffers + 1) * sizeof(*buffers));

	if (!p || !grown)
		die("out of memory");
	buffers = grown;
	buffers[nbuffers++] = p;
	return p;
}

static void free_buffers(void)
{
	while (nbuffers)
		free(buffers[--nbuffers]);
	free(buffers);
	buffers = NULL;
}

/* A string table being extended: the old contents, then the new names. */
struct strtab {
	Elf_Data *data;
	char *buf;
	size_t size, cap;
};

static void strtab_open(struct strtab *st, Elf_Scn *scn)
{
	Elf_Data *data = elf_getdata(scn, NULL);

	if (!data || elf_getdata(scn, data))
		die("a string table is not one block of data");
	st->data = data;
	st->size = data->d_size;
	st->cap = st->size + 4096;
	st->buf = xmalloc(st->cap);
	memcpy(st->buf, data->d_buf, st->size);
}

static size_t strtab_add(struct strtab *st, const char *s)
{
	size_t len = strlen(s) + 1, off = st->size;

	if (st->size + len > st->cap) {
		char *grown;

		st->cap = (st->size + len) * 2;
		grown = xmalloc(st->cap);
		memcpy(grown, st->buf, st->size);
		st->buf = grown;
	}
	memcpy(st->buf + off, s, len);
	st->size += len;
	return off;
}

static void strtab_close(struct strtab *st)
{
	st->data->d_buf = st->buf;
	st->data->d_size = st->size;
	elf_flagdata(st->data, ELF_C_SET, ELF_F_DIRTY);
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open(from, O_RDONLY);
	if (in < 0)
		die("%s: %s", from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		die("%s: %s", to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n)
			die("%s: %s", to, strerror(errno));
	}
	if (n < 0)
		die("%s: %s", from, strerror(errno));
	close(in);
	if (close(out))
		die("%s: %s", to, strerror(errno));
}

int main(int argc, char **argv)
{
	const char *object, *name;
	struct strtab names, secnames;
	size_t shstrndx, nsyms, i;
	Elf_Scn *scn, *symscn = NULL;
	GElf_Shdr shdr, symshdr = { 0 };
	Elf_Data *symdata;
	bool *converted;
	GElf_Ehdr ehdr;
	Elf *elf;
	int fd, arg;

	if (argc < 5) {
		fprintf(stderr, "usage: %s IN.ko OUT.ko OBJECT NAME[,POS]...\n", prog);
		return 1;
	}
	object = argv[3];
	if (!*object || strlen(object) > KLP_OBJNAME_MAX || strchr(object, '.'))
		die("bad object name '%s'", object);

	copy_file(argv[1], argv[2]);
	if (elf_version(EV_CURRENT) == EV_NONE)
		die_elf("libelf");
	fd = open(argv[2], O_RDWR);
	if (fd < 0)
		die("%s: %s", argv[2], strerror(errno));
	elf = elf_begin(fd, ELF_C_RDWR, NULL);
	if (!elf)
		die_elf(argv[2]);
	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr) ||
	    ehdr.e_type != ET_REL)
		die("%s: not a relocatable ELF object", argv[1]);
	if (elf_getshdrstrndx(elf, &shstrndx))
		die_elf("section names");

	scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr))
			die_elf("section header");
		if (shdr.sh_type == SHT_SYMTAB) {
			if (symscn)
				die("%s: two symbol tables", argv[1]);
			symscn = scn;
			symshdr = shdr;
		}
	}
	if (!symscn)
		die("%s: no symbol table", argv[1]);
	if (symshdr.sh_link == shstrndx)
		die("%s: symbol and section names share a table", argv[1]);
	symdata = elf_getdata(symscn, NULL);
	if (!symdata || !symshdr.sh_entsize)
		die_elf("symbol table");
	nsyms = symshdr.sh_size / symshdr.sh_entsize;
	converted = calloc(nsyms, sizeof(*converted));
	if (!converted)
		die("out of memory");

	/* The symbols: new names, SHN_LIVEPATCH. */
	strtab_open(&names, elf_getscn(elf, symshdr.sh_link));
	for (arg = 4; arg < argc; arg++) {
		char want[KLP_SYMNAME_MAX + 1], klpname[KLP_OBJNAME_MAX + KLP_SYMNAME_MAX + 64];
		const char *comma = strchr(argv[arg], ',');
		unsigned long pos = 0;
		size_t len = comma ? (size_t)(comma - argv[arg]) : strlen(argv[arg]);
		char *end;
		bool hit = false;

		if (!len || len > KLP_SYMNAME_MAX)
			die("bad symbol name '%s'", argv[arg]);
		memcpy(want, argv[arg], len);
		want[len] = '\0';
		if (comma) {
			errno = 0;
			pos = strtoul(comma + 1, &end, 10);
			if (errno || end == comma + 1 || *end)
				die("bad position in '%s'", argv[arg]);
		}
		snprintf(klpname, sizeof(klpname), ".klp.sym.%s.%s,%lu", object, want, pos);

		for (i = 1; i < nsyms; i++) {
			GElf_Sym sym;

			if (!gelf_getsym(symdata, (int)i, &sym))
				die_elf("symbol");
			name = elf_strptr(elf, symshdr.sh_link, sym.st_name);
			if (!name || strcmp(name, want))
				continue;
			if (sym.st_shndx != SHN_UNDEF)
				die("symbol '%s' is defined in %s; only undefined symbols can be resolved by livepatch",
				    want, argv[1]);
			sym.st_name = (Elf64_Word)strtab_add(&names, klpname);
			sym.st_shndx = SHN_LIVEPATCH;
			if (!gelf_update_sym(symdata, (int)i, &sym))
				die_elf("symbol update");
			converted[i] = true;
			hit = true;
		}
		if (!hit)
			die("no undefined symbol '%s' in %s", want, argv[1]);
	}
	strtab_close(&names);
	elf_flagdata(symdata, ELF_C_SET, ELF_F_DIRTY);

	/*
	 * The relocations.  New sections are appended while walking, so the
	 * walk stops at the section count it started with.
	 */
	strtab_open(&secnames, elf_getscn(elf, shstrndx));
	{
		size_t nsec, idx;

		if (elf_getshdrnum(elf, &nsec))
			die_elf("section count");
		for (idx = 1; idx < nsec; idx++) {
			GElf_Rela rela;
			GElf_Shdr target, klpshdr;
			Elf_Data *data, *klpdata;
			Elf_Scn *klpscn;
			size_t n, keep = 0, moved = 0, entsize;
			unsigned char *keepbuf, *movebuf;
			char secname[KLP_OBJNAME_MAX + 512];
			const char *tname;

			scn = elf_getscn(elf, idx);
			if (!scn || !gelf_getshdr(scn, &shdr))
				die_elf("section header");
			if (shdr.sh_type == SHT_REL && shdr.sh_link == elf_ndxscn(symscn)) {
				/* no REL on the architectures livepatch supports */
				data = elf_getdata(scn, NULL);
				for (n = 0; data && n < shdr.sh_size / shdr.sh_entsize; n++) {
					GElf_Rel rel;

					if (gelf_getrel(data, (int)n, &rel) &&
					    converted[GELF_R_SYM(rel.r_info)])
						die("SHT_REL relocations are not supported");
				}
				continue;
			}
			if (shdr.sh_type != SHT_RELA || shdr.sh_link != elf_ndxscn(symscn) ||
			    (shdr.sh_flags & SHF_RELA_LIVEPATCH))
				continue;
			data = elf_getdata(scn, NULL);
			if (!data || !shdr.sh_entsize)
				die_elf("relocations");
			entsize = shdr.sh_entsize;
			n = shdr.sh_size / entsize;
			/*
			 * The data is in memory format, whose entries have the
			 * size of the file's for Elf32_Rela and Elf64_Rela.
			 */
			keepbuf = xmalloc(n * entsize);
			movebuf = xmalloc(n * entsize);
			for (i = 0; i < n; i++) {
				if (!gelf_getrela(data, (int)i, &rela))
					die_elf("relocation");
				if (converted[GELF_R_SYM(rela.r_info)])
					memcpy(movebuf + moved++ * entsize,
					       (char *)data->d_buf + i * entsize, entsize);
				else
					memcpy(keepbuf + keep++ * entsize,
					       (char *)data->d_buf + i * entsize, entsize);
			}
			if (!moved)
				continue;
			if (!gelf_getshdr(elf_getscn(elf, shdr.sh_info), &target))
				die_elf("relocated section");
			tname = elf_strptr(elf, shstrndx, target.sh_name);
			if (!tname)
				die_elf("section name");
			if (!(target.sh_flags & SHF_ALLOC))
				die("relocations of '%s' in %s, a section not loaded, %s",
				    tname, argv[1], "name a livepatch symbol");

			data->d_buf = keepbuf;
			data->d_size = keep * entsize;
			elf_flagdata(data, ELF_C_SET, ELF_F_DIRTY);

			klpscn = elf_newscn(elf);
			if (!klpscn || !gelf_getshdr(klpscn, &klpshdr))
				die_elf("new section");
			snprintf(secname, sizeof(secname), ".klp.rela.%s.%s", object, tname);
			klpshdr.sh_name = (Elf64_Word)strtab_add(&secnames, secname);
			klpshdr.sh_type = SHT_RELA;
			klpshdr.sh_flags = SHF_ALLOC | SHF_RELA_LIVEPATCH;
			klpshdr.sh_link = shdr.sh_link;
			klpshdr.sh_info = shdr.sh_info;
			klpshdr.sh_addralign = shdr.sh_addralign ? shdr.sh_addralign : 8;
			klpshdr.sh_entsize = entsize;
			if (!gelf_update_shdr(klpscn, &klpshdr))
				die_elf("new section header");
			klpdata = elf_newdata(klpscn);
			if (!klpdata)
				die_elf("new section data");
			klpdata->d_type = ELF_T_RELA;
			klpdata->d_buf = movebuf;
			klpdata->d_size = moved * entsize;
			klpdata->d_align = klpshdr.sh_addralign;
			klpdata->d_version = EV_CURRENT;
			printf("%s: %zu relocation(s) of %s moved to %s\n",
			       argv[2], moved, tname, secname);
		}
	}
	strtab_close(&secnames);

	/* Every symbol must be used, or the name was wrong. */
	for (i = 1; i < nsyms; i++) {
		bool used = false;
		size_t idx, nsec;
		GElf_Sym sym;

		if (!converted[i])
			continue;
		if (elf_getshdrnum(elf, &nsec))
			die_elf("section count");
		for (idx = 1; idx < nsec && !used; idx++) {
			Elf_Data *data;
			GElf_Rela rela;
			size_t n;

			scn = elf_getscn(elf, idx);
			if (!gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_RELA_LIVEPATCH))
				continue;
			data = elf_getdata(scn, NULL);
			for (n = 0; data && n < data->d_size / shdr.sh_entsize; n++) {
				if (gelf_getrela(data, (int)n, &rela) &&
				    GELF_R_SYM(rela.r_info) == i)
					used = true;
			}
		}
		if (!used) {
			gelf_getsym(symdata, (int)i, &sym);
			die("no relocation names '%s'",
			    names.buf + sym.st_name);
		}
	}

	if (elf_update(elf, ELF_C_WRITE) < 0)
		die_elf(argv[2]);
	elf_end(elf);
	if (close(fd))
		die("%s: %s", argv[2], strerror(errno));
	free(converted);
	free_buffers();
	return 0;
}
