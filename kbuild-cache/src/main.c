// SPDX-License-Identifier: GPL-2.0
/*
 * kbuild-cache: build the original kernel tree once, keep its outputs in
 * a content-addressed cache, and bring any copy of the same source to the
 * built state in seconds; on top of that, build live patches directly
 * (diff) or under an unchanged kpatch-build.
 *
 * Exit status: 0 success, 1 error, 2 verify found corrupt entries,
 * 64 usage.
 */
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cdo/version.h>

#include "diffmode.h"
#include "kbuild.h"
#include "kpatch.h"
#include "store.h"
#include "util.h"

/* the project's one version (VERSION, through the generated cdo/version.h) */
#define KBC_VERSION CDO_VERSION_STRING
#define EXIT_USAGE 64

static void usage(FILE *f)
{
	fputs("Usage: kbuild-cache COMMAND [OPTION...] [ARG...]\n"
	      "\n"
	      "Commands:\n"
	      "  build          build the original tree with kpatch-build's flags and store it\n"
	      "                 (on a hit, restore instead); prints the key\n"
	      "  restore        bring a copy of the same source to the built state\n"
	      "  put            store a tree already built with the same variables\n"
	      "  key            print the tree's key (--explain: every hashed input)\n"
	      "  diff PATCH...  direct mode: compile what the patches change, diff with libcdo\n"
	      "  kpatch-build [ARGS...]  run an installed kpatch-build on a restored tree\n"
	      "  ls [-l]        list entries\n"
	      "  gc --max-size SIZE   evict least recently used entries down to SIZE\n"
	      "  verify         check every entry; corrupt ones are reported and removed\n"
	      "  rm KEY         remove an entry (a unique key prefix is enough)\n"
	      "\n"
	      "Options:\n"
	      "      --cache DIR     cache directory (default $KBUILD_CACHE_DIR or /var/cache/kbuild-cache)\n"
	      "      --remote URL    HTTP store (WebDAV PUT), default $KBUILD_CACHE_REMOTE\n"
	      "  -C, --src DIR       kernel source tree (default: current directory)\n"
	      "      --config FILE   kernel config (default: SRC/.config)\n"
	      "  -j, --jobs N        parallel jobs (default: online CPUs)\n"
	      "      --cc CMD, --ld CMD, --kcflags FLAGS, --arch ARCH  build variables\n"
	      "      --targets GOALS make goals (default \"vmlinux modules\")\n"
	      "      --kpatch        kpatch-build's variables (its kpatch-cc and KCFLAGS): share the\n"
	      "                      entries of \"kbuild-cache kpatch-build\" ($KPATCH_BUILD or PATH)\n"
	      "  -o, --output DIR    diff: where the output/ tree goes\n"
	      "      --json FILE     diff: JSON report\n"
	      "      --explain       key: show the hashed inputs\n"
	      "  -v, --debug         show the hashed inputs and debug messages\n"
	      "  -q, --quiet         no progress or informational messages\n"
	      "  -V, --version       print the version\n",
	      f);
}

int main(int argc, char **argv)
{
	enum { O_CACHE = 256, O_REMOTE, O_CONFIG, O_JSON, O_EXPLAIN, O_MAX, O_CC, O_LD, O_KCF,
	       O_ARCH, O_TARGETS, O_KPATCH, O_HELP };
	static const struct option longopts[] = {
		{ "cache", required_argument, NULL, O_CACHE },
		{ "remote", required_argument, NULL, O_REMOTE },
		{ "src", required_argument, NULL, 'C' },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "jobs", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", required_argument, NULL, O_JSON },
		{ "explain", no_argument, NULL, O_EXPLAIN },
		{ "max-size", required_argument, NULL, O_MAX },
		{ "cc", required_argument, NULL, O_CC },
		{ "ld", required_argument, NULL, O_LD },
		{ "kcflags", required_argument, NULL, O_KCF },
		{ "arch", required_argument, NULL, O_ARCH },
		{ "targets", required_argument, NULL, O_TARGETS },
		{ "kpatch", no_argument, NULL, O_KPATCH },
		{ "debug", no_argument, NULL, 'v' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "long", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct kbc_opts o = { 0 };
	struct kpatch_vars kv = { 0 };
	bool kpatch_vars = false, curl_ready = false;
	const char *cmd;
	int c, rc;
	char *src = NULL;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("kbuild-cache (cdo) %s\n", KBC_VERSION);
		return 0;
	}
	o.cache = getenv("KBUILD_CACHE_DIR");
	if (!o.cache || !*o.cache)
		o.cache = "/var/cache/kbuild-cache";
	o.remote = getenv("KBUILD_CACHE_REMOTE");
	o.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (o.jobs < 1)
		o.jobs = 1;
	o.bc.src = ".";

	/* kpatch-build: our options first, everything after "--" or the first unknown goes through */
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, strcmp(cmd, "kpatch-build") ? ":C:j:o:vqlV" : "+:C:j:vq",
				longopts, NULL)) != -1) {
		switch (c) {
		case O_CACHE: o.cache = optarg; break;
		case O_REMOTE: o.remote = optarg; break;
		case 'C': o.bc.src = optarg; break;
		case O_CONFIG: o.bc.config = optarg; break;
		case 'o': o.outdir = optarg; break;
		case O_JSON: o.json = optarg; break;
		case O_EXPLAIN: o.explain = true; break;
		case O_MAX: o.max_size = optarg; break;
		case O_CC: o.bc.cc = optarg; break;
		case O_LD: o.bc.ld = optarg; break;
		case O_KCF: o.bc.kcflags = optarg; break;
		case O_ARCH: o.bc.arch = optarg; break;
		case O_TARGETS: o.bc.targets = optarg; break;
		case O_KPATCH: kpatch_vars = true; break;
		case 'v': kbc_verbose = 1; break;
		case 'q': kbc_quiet = 1; break;
		case 'l': o.long_format = true; break;
		case 'V':
			printf("kbuild-cache (cdo) %s\n", KBC_VERSION);
			return 0;
		case O_HELP:
			usage(stdout);
			return 0;
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 1 || v > 1024) {
				fprintf(stderr, "kbuild-cache: invalid job count '%s'\n", optarg);
				return EXIT_USAGE;
			}
			o.jobs = (int)v;
			break;
		}
		case ':':
			fprintf(stderr, "kbuild-cache: option '%s' requires an argument\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			if (!strcmp(cmd, "kpatch-build")) {
				optind--;
				goto done;
			}
			fprintf(stderr, "kbuild-cache: unrecognized option '%s'\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
done:
	o.args = argv + optind;
	o.nargs = argc - optind;
	/* VAR=VALUE arguments of build-like commands are make variables */
	if (!strcmp(cmd, "build") || !strcmp(cmd, "restore") || !strcmp(cmd, "key") ||
	    !strcmp(cmd, "put") || !strcmp(cmd, "diff")) {
		int i, keep = 0;

		o.bc.vars = xmalloc(((size_t)o.nargs + 1) * sizeof(char *));
		for (i = 0; i < o.nargs; i++) {
			if (strchr(o.args[i], '=') && o.args[i][0] != '=' && o.args[i][0] != '/' &&
			    !strchr(o.args[i], '/'))
				o.bc.vars[o.bc.nvars++] = o.args[i];
			else
				o.args[keep++] = o.args[i];
		}
		o.nargs = keep;
	}
	src = realpath(o.bc.src, NULL);
	if (!src) {
		fprintf(stderr, "kbuild-cache: %s: no such directory\n", o.bc.src);
		return 1;
	}
	o.bc.src = src;
	if (kpatch_vars) {
		if (o.bc.cc || o.bc.ld || o.bc.kcflags || o.bc.arch || o.bc.targets) {
			fprintf(stderr, "kbuild-cache: --kpatch sets CC, LD, KCFLAGS, ARCH and the goals; "
				"do not combine it with --cc, --ld, --kcflags, --arch or --targets\n");
			rc = EXIT_USAGE;
			goto out;
		}
		if (kpatch_build_conf(&o.bc, &kv, false)) {
			fprintf(stderr, "kbuild-cache: %s\n", kbc_errmsg());
			rc = 1;
			goto out;
		}
	}
	build_conf_defaults(&o.bc);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	curl_ready = true;

	if (!strcmp(cmd, "key") || !strcmp(cmd, "build") || !strcmp(cmd, "put") ||
	    !strcmp(cmd, "restore")) {
		if (o.nargs) {
			fprintf(stderr, "kbuild-cache %s: unexpected argument '%s'\n", cmd, o.args[0]);
			rc = EXIT_USAGE;
			goto out;
		}
		rc = !strcmp(cmd, "key")     ? cmd_key(&o) :
		     !strcmp(cmd, "build")   ? cmd_build(&o) :
		     !strcmp(cmd, "put")     ? cmd_put(&o) :
					       cmd_restore(&o);
	} else if (!strcmp(cmd, "diff")) {
		if (!o.nargs || !o.outdir) {
			fprintf(stderr, "kbuild-cache diff: need -o OUTDIR and at least one PATCH\n");
			rc = EXIT_USAGE;
			goto out;
		}
		rc = cmd_diff(&o);
	} else if (!strcmp(cmd, "kpatch-build")) {
		rc = cmd_kpatch_build(&o);
		if (rc > 0)
			goto out;	/* kpatch-build's own exit status */
	} else if (!strcmp(cmd, "ls") || !strcmp(cmd, "gc") || !strcmp(cmd, "verify") ||
		   !strcmp(cmd, "rm")) {
		struct store s;
		uint64_t max = 0;

		if (!strcmp(cmd, "gc") && (!o.max_size || parse_size(o.max_size, &max))) {
			fprintf(stderr, "kbuild-cache gc: need --max-size SIZE (like 20G, 500M)\n");
			rc = EXIT_USAGE;
			goto out;
		}
		if (!strcmp(cmd, "rm") != !!o.nargs || o.nargs > 1) {
			fprintf(stderr, strcmp(cmd, "rm") ? "kbuild-cache %s: unexpected argument\n" :
				"kbuild-cache %s: need exactly one KEY\n", cmd);
			rc = EXIT_USAGE;
			goto out;
		}
		if (store_open(&s, o.cache, NULL, o.jobs)) {
			rc = -1;
		} else {
			rc = !strcmp(cmd, "ls")     ? store_list(&s, o.long_format) :
			     !strcmp(cmd, "gc")     ? store_gc(&s, max) :
			     !strcmp(cmd, "verify") ? store_verify(&s) :
						      store_rm(&s, o.args[0]);
			store_close(&s);
		}
		if (rc == 2)
			goto out;
	} else {
		fprintf(stderr, "kbuild-cache: unknown command '%s' (see --help)\n", cmd);
		rc = EXIT_USAGE;
		goto out;
	}
	if (rc) {
		fprintf(stderr, "kbuild-cache: %s\n", kbc_errmsg());
		rc = 1;
	}
out:
	if (curl_ready)
		curl_global_cleanup();
	kpatch_vars_free(&kv);
	free(o.bc.vars);
	free(src);
	return rc;
}
