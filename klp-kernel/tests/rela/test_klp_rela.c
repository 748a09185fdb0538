// SPDX-License-Identifier: GPL-2.0

/*
 * A livepatch module with livepatch relocations, as kpatch-build makes
 * them: it replaces test_klp_conflict_mod_fn() of test_klp_conflict_mod,
 * and the new version calls and names two static functions of that module.
 * They stay undefined in the module (built with KBUILD_MODPOST_WARN=1,
 * as kpatch-build builds its modules); klp-mkrela (built and run by
 * scripts/check-kernel.sh) then turns them into .klp.sym symbols and moves
 * their relocations into .klp.rela.test_klp_conflict_mod..text, which the
 * livepatch core writes when the module comes.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/moduleparam.h>
#include "test_klp_rela.h"

static char result[96];

static const char *livepatch_mod_fn(void)
{
	scnprintf(result, sizeof(result), "%s: value_set()=%d, %ps",
		  THIS_MODULE->name, value_set(NULL, NULL), value_get);
	return result;
}

static struct klp_func funcs[] = {
	{
		.old_name = "test_klp_conflict_mod_fn",
		.new_func = livepatch_mod_fn,
	}, { }
};

static struct klp_object objs[] = {
	{
		.name = "test_klp_conflict_mod",
		.funcs = funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int test_klp_rela_init(void)
{
	return klp_enable_patch(&patch);
}

static void test_klp_rela_exit(void)
{
}

module_init(test_klp_rela_init);
module_exit(test_klp_rela_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Livepatch test: relocations into a module loaded later");
