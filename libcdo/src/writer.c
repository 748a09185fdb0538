// SPDX-License-Identifier: GPL-2.0
/*
 * Writing the output object: final indexes, string and symbol tables,
 * relocation data, then the file itself.  The file goes to a temporary
 * name beside the target and is renamed into place only when complete,
 * so a failure never leaves a partial or stale output behind.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "writer.h"
#include "names.h"

struct outfile {
	struct diff *d;
	Elf64_Shdr *shdrs;	/* [0] is the null header */
	const uint8_t **data;	/* contents per output section */
	uint8_t **owned;	/* buffers built here, freed after writing */
	uint32_t nsecs;		/* including the null section */
	uint32_t symtab, strtab, shstrtab;	/* output indexes */
	uint64_t shoff;				/* where the header table goes */
};

static int nomem(struct outfile *of)
{
	return sink_fail(&of->d->sink, CDO_ERR_NOMEM, "out of memory");
}

static int assign_indexes(struct outfile *of)
{
	struct diff *d = of->d;
	struct object *p = &d->patched;
	uint32_t k;

	of->symtab = of->strtab = of->shstrtab = 0;
	for (k = 0; k < d->n_out_secs; k++) {
		struct section *s = &p->secs[d->out_secs[k]];

		s->out_index = k + 1;
		if (d->out_secs[k] == p->symtab)
			of->symtab = k + 1;
		else if (d->out_secs[k] == p->strtab)
			of->strtab = k + 1;
		else if (d->out_secs[k] == p->shstrtab)
			of->shstrtab = k + 1;
	}
	if (!of->symtab || !of->strtab)
		return sink_unsupported(&d->sink, "missing .symtab or .strtab in the output");
	if (!of->shstrtab)
		of->shstrtab = of->strtab;
	if (d->n_out_secs + 1 >= SHN_LORESERVE)
		return sink_unsupported(&d->sink, "output would have %u sections; extended section numbering is not supported",
					d->n_out_secs + 1);
	for (k = 0; k < d->n_out_syms; k++)
		p->syms[d->out_syms[k]].out_index = k;
	return 0;
}

static int append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s) + 1;

	if (*len + n > *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		char *nb;

		while (c < *len + n)
			c *= 2;
		nb = realloc(*buf, c);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	return 0;
}

static int build_symtab(struct outfile *of)
{
	struct diff *d = of->d;
	struct object *p = &d->patched;
	Elf64_Sym *syms = calloc(d->n_out_syms + 1, sizeof(*syms));
	char *str = NULL;
	size_t len = 0, cap = 0;
	uint32_t k, locals = 0;

	if (!syms)
		return nomem(of);
	of->owned[of->symtab] = (uint8_t *)syms;
	for (k = 0; k < d->n_out_syms; k++) {
		struct symbol *y = &p->syms[d->out_syms[k]];
		Elf64_Sym *o = &syms[k];

		*o = y->sym;
		o->st_info = ELF64_ST_INFO(y->bind, y->type);
		if (y->sec != NONE)
			o->st_shndx = (uint16_t)p->secs[y->sec].out_index;
		else if (y->sym.st_shndx != SHN_ABS && y->sym.st_shndx != CDO_SHN_LIVEPATCH)
			o->st_shndx = SHN_UNDEF;
		if (y->type == STT_SECTION) {
			o->st_name = 0;
		} else {
			o->st_name = (uint32_t)len;
			if (append(&str, &len, &cap, y->name)) {
				free(str);
				return nomem(of);
			}
		}
		if (y->bind == STB_LOCAL)
			locals++;
	}
	if (!str && append(&str, &len, &cap, ""))
		return nomem(of);
	of->owned[of->strtab] = (uint8_t *)str;
	of->shdrs[of->symtab].sh_size = (uint64_t)d->n_out_syms * sizeof(Elf64_Sym);
	of->shdrs[of->symtab].sh_link = of->strtab;
	of->shdrs[of->symtab].sh_info = locals;
	of->shdrs[of->symtab].sh_entsize = sizeof(Elf64_Sym);
	of->shdrs[of->strtab].sh_size = len;
	of->data[of->symtab] = (const uint8_t *)syms;
	of->data[of->strtab] = (const uint8_t *)str;
	return 0;
}

static int build_shstrtab(struct outfile *of)
{
	struct diff *d = of->d;
	char *str = NULL;
	size_t len = 0, cap = 0;
	uint32_t k;

	if (of->shstrtab == of->strtab) {
		/* names go after the symbol names in the shared table */
		str = (char *)of->owned[of->strtab];
		len = cap = of->shdrs[of->strtab].sh_size;
	} else if (append(&str, &len, &cap, "")) {
		return nomem(of);
	}
	for (k = 0; k < d->n_out_secs; k++) {
		of->shdrs[k + 1].sh_name = (uint32_t)len;
		if (append(&str, &len, &cap, d->patched.secs[d->out_secs[k]].name)) {
			if (of->shstrtab != of->strtab)
				free(str);
			return nomem(of);
		}
	}
	of->owned[of->shstrtab] = (uint8_t *)str;
	of->data[of->shstrtab] = (const uint8_t *)str;
	of->shdrs[of->shstrtab].sh_size = len;
	return 0;
}

static int build_relas(struct outfile *of, uint32_t k)
{
	struct diff *d = of->d;
	struct object *p = &d->patched;
	const struct section *s = &p->secs[d->out_secs[k]];
	const struct section *base = &p->secs[s->base];
	Elf64_Rela *out;
	uint32_t j;

	/* every index the output holds must name one of its sections */
	if (base->out_index == NONE || !base->include)
		return sink_unsupported(&d->sink, "relocation section %s applies to %s, which is not in the output",
					s->name, base->name);
	out = malloc(sizeof(*out) * (s->nrelas + 1));
	if (!out)
		return nomem(of);
	of->owned[k + 1] = (uint8_t *)out;
	of->data[k + 1] = (const uint8_t *)out;
	for (j = 0; j < s->nrelas; j++) {
		const struct rela *r = &s->relas[j];
		const struct symbol *t = &p->syms[r->sym];

		if (t->out_index == NONE || !t->include || t->strip == SYM_STRIP)
			return sink_unsupported(&d->sink, "relocation %s+0x%llx refers to %s, which is not in the output",
						s->name, (unsigned long long)r->offset, t->name);
		out[j].r_offset = r->offset;
		out[j].r_addend = r->addend;
		out[j].r_info = ELF64_R_INFO((uint64_t)t->out_index, r->type);
	}
	of->shdrs[k + 1].sh_size = (uint64_t)s->nrelas * sizeof(Elf64_Rela);
	of->shdrs[k + 1].sh_link = of->symtab;
	of->shdrs[k + 1].sh_info = p->secs[s->base].out_index;
	of->shdrs[k + 1].sh_entsize = sizeof(Elf64_Rela);
	of->shdrs[k + 1].sh_flags |= SHF_INFO_LINK;
	return 0;
}

/* Every relocation must land inside its target; catches our own bugs. */
static int check_relocation_ranges(struct diff *d)
{
	struct object *p = &d->patched;
	uint32_t k, j;

	for (k = 0; k < d->n_out_secs; k++) {
		uint32_t rs = d->out_secs[k];
		const struct section *s = &p->secs[rs];

		if (!s->is_rela)
			continue;
		for (j = 0; j < s->nrelas; j++) {
			const struct rela *r = &s->relas[j];
			const struct symbol *t = &p->syms[r->sym];
			int64_t off, at;
			int err;

			if (t->sec == NONE)
				continue;
			err = section_rela_target_offset(p, rs, r, &off, d->sink.eb);
			if (err)
				return err;
			if (__builtin_add_overflow((int64_t)t->sym.st_value, off, &at))
				at = -1;
			/* pointers to the very end of a section are legitimate */
			if (at < 0 || at > (int64_t)p->secs[t->sec].size)
				return sink_unsupported(&d->sink, "%s+0x%llx: out-of-range relocation %s+%llx",
							p->secs[s->base].name, (unsigned long long)r->offset,
							t->name, (unsigned long long)r->addend);
		}
	}
	return 0;
}

static int build_headers(struct outfile *of)
{
	struct diff *d = of->d;
	struct object *p = &d->patched;
	uint32_t k;
	int err;

	for (k = 0; k < d->n_out_secs; k++) {
		const struct section *s = &p->secs[d->out_secs[k]];
		Elf64_Shdr *h = &of->shdrs[k + 1];

		*h = s->sh;
		h->sh_addr = 0;
		h->sh_size = s->sh.sh_type == SHT_NOBITS ? s->sh.sh_size : s->size;
		of->data[k + 1] = s->data;
		/* links to input sections follow them to their new index */
		if (!s->created && !s->is_rela && k + 1 != of->symtab && h->sh_link) {
			h->sh_link = h->sh_link < p->nsecs && p->secs[h->sh_link].out_index != NONE &&
				     p->secs[h->sh_link].include ? p->secs[h->sh_link].out_index : 0;
		}
	}
	err = build_symtab(of);
	if (!err)
		err = build_shstrtab(of);
	for (k = 0; k < d->n_out_secs && !err; k++)
		if (p->secs[d->out_secs[k]].is_rela)
			err = build_relas(of, k);
	return err;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *b = buf;

	while (n) {
		ssize_t w = write(fd, b, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Alignment gaps: on a seekable file they are skipped (read back as
 * zeros), elsewhere written.  The loader bounds every alignment, and the
 * layout bounds their sum, so neither way can run long.
 */
static int pad_to(int fd, uint64_t *off, uint64_t to, bool seekable)
{
	static const uint8_t zeros[4096];

	if (seekable && to > *off) {
		if (lseek(fd, (off_t)to, SEEK_SET) < 0)
			return -1;
		*off = to;
	}
	while (*off < to) {
		size_t n = to - *off > sizeof(zeros) ? sizeof(zeros) : (size_t)(to - *off);

		if (write_all(fd, zeros, n))
			return -1;
		*off += n;
	}
	return 0;
}

/* Output padding beyond this is refused: no real object needs it. */
#define MAX_OUTPUT_PADDING (64ull << 20)

static int lay_out(struct outfile *of, uint64_t *shoff)
{
	uint64_t off = sizeof(Elf64_Ehdr), padding = 0;
	uint32_t k;

	/* header, contents in section order, header table */
	for (k = 1; k < of->nsecs; k++) {
		Elf64_Shdr *h = &of->shdrs[k];
		uint64_t align = h->sh_addralign > 1 ? h->sh_addralign : 1;
		uint64_t at = (off + align - 1) / align * align;

		padding += at - off;
		h->sh_offset = at;
		off = at;
		if (h->sh_type != SHT_NOBITS)
			off += h->sh_size;
	}
	if (padding > MAX_OUTPUT_PADDING)
		return sink_unsupported(&of->d->sink, "output would need %llu bytes of alignment padding",
					(unsigned long long)padding);
	*shoff = (off + 7) / 8 * 8;
	return 0;
}

static int write_file(struct outfile *of, int fd)
{
	struct diff *d = of->d;
	bool seekable = lseek(fd, 0, SEEK_CUR) >= 0;
	Elf64_Ehdr eh;
	uint64_t off;
	uint32_t k;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = d->patched.ehdr.e_machine;
	eh.e_version = EV_CURRENT;
	eh.e_flags = d->patched.ehdr.e_flags;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shoff = of->shoff;
	eh.e_shnum = (uint16_t)of->nsecs;
	eh.e_shstrndx = (uint16_t)of->shstrtab;

	if (write_all(fd, &eh, sizeof(eh)))
		return -1;
	off = sizeof(eh);
	for (k = 1; k < of->nsecs; k++) {
		const Elf64_Shdr *h = &of->shdrs[k];

		if (pad_to(fd, &off, h->sh_offset, seekable))
			return -1;
		if (h->sh_type == SHT_NOBITS || !h->sh_size)
			continue;
		if (of->data[k]) {
			if (write_all(fd, of->data[k], h->sh_size))
				return -1;
			off += h->sh_size;
		} else if (pad_to(fd, &off, off + h->sh_size, false)) {
			return -1;
		}
	}
	if (pad_to(fd, &off, of->shoff, false))
		return -1;
	return write_all(fd, of->shdrs, sizeof(Elf64_Shdr) * of->nsecs);
}

static int open_named_temp(const char *path, char **tmp_out)
{
	size_t n = strlen(path) + 48;
	char *tmp = malloc(n);
	unsigned int attempt;
	int fd = -1;

	if (!tmp)
		return -1;
	for (attempt = 0; attempt < 100; attempt++) {
		snprintf(tmp, n, "%s.tmp-%ld-%u", path, (long)getpid(), attempt);
		/* 0666 and the umask, as creat(2) in upstream gives 0664 & ~umask */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0664);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	*tmp_out = tmp;
	return fd;
}

/*
 * The output is written to a file without a name (O_TMPFILE) in the
 * target's folder, so a process killed while writing, even by SIGKILL,
 * leaves nothing behind; it gets a temporary name only for the instant
 * before the rename.  File systems without O_TMPFILE get a named
 * temporary file from the start.
 */
static int open_temp(const char *path, char **tmp_out, bool *unnamed)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	*unnamed = false;
#ifdef O_TMPFILE
	/* naming it later goes through /proc */
	if (access("/proc/self/fd", X_OK))
		return open_named_temp(path, tmp_out);
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return -1;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0664);
	free(dir);
	if (fd >= 0) {
		*unnamed = true;
		return fd;
	}
#else
	(void)slash;
	(void)dir;
	(void)fd;
#endif
	return open_named_temp(path, tmp_out);
}

/*
 * Give the unnamed file @fd the name @path.  When nothing is called @path
 * yet, the file is linked there directly and *@tmp_out stays NULL: no
 * temporary name ever exists.  Otherwise it gets a temporary name for
 * rename(2) to replace @path with.
 */
static int name_temp(int fd, const char *path, char **tmp_out)
{
	char proc[64];
	size_t n = strlen(path) + 48;
	unsigned int attempt;
	char *tmp;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (!linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW))
		return 0;
	if (errno != EEXIST)
		return -1;
	tmp = malloc(n);
	if (!tmp)
		return -1;
	for (attempt = 0; attempt < 100; attempt++) {
		snprintf(tmp, n, "%s.tmp-%ld-%u", path, (long)getpid(), attempt);
		if (!linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW))
			break;
		if (errno != EEXIST) {
			free(tmp);
			return -1;
		}
	}
	if (attempt == 100) {
		free(tmp);
		errno = EEXIST;
		return -1;
	}
	*tmp_out = tmp;
	return 0;
}

int write_object(struct diff *d, const char *path)
{
	struct outfile of = { .d = d };
	char *tmp = NULL;
	bool unnamed;
	uint32_t k;
	int fd, err;

	err = check_relocation_ranges(d);
	if (err)
		return err;
	of.nsecs = d->n_out_secs + 1;
	of.shdrs = calloc(of.nsecs, sizeof(*of.shdrs));
	of.data = calloc(of.nsecs, sizeof(*of.data));
	of.owned = calloc(of.nsecs, sizeof(*of.owned));
	if (!of.shdrs || !of.data || !of.owned) {
		err = nomem(&of);
		goto out;
	}
	err = assign_indexes(&of);
	if (!err)
		err = build_headers(&of);
	if (!err)
		err = lay_out(&of, &of.shoff);
	if (err)
		goto out;

	fd = open_temp(path, &tmp, &unnamed);
	if (fd < 0) {
		err = sink_fail(&d->sink, CDO_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (write_file(&of, fd) || (unnamed && name_temp(fd, path, &tmp))) {
		err = sink_fail(&d->sink, CDO_ERR_IO, "%s: %s", path, strerror(errno));
		close(fd);
		if (tmp)
			unlink(tmp);
		goto out;
	}
	if (close(fd) < 0 || (tmp && rename(tmp, path) < 0)) {
		err = sink_fail(&d->sink, CDO_ERR_IO, "%s: %s", path, strerror(errno));
		unlink(tmp ? tmp : path);
	}
out:
	if (of.owned) {
		uint8_t *shared = of.shstrtab == of.strtab ? of.owned[of.strtab] : NULL;

		for (k = 0; k < of.nsecs; k++)
			if (of.owned[k] != shared || k == of.strtab)
				free(of.owned[k]);
	}
	free(of.shdrs);
	free(of.data);
	free(of.owned);
	free(tmp);
	return err;
}
