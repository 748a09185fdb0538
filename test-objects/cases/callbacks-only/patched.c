#include <kstub.h>

int service_level(void)
{
	return 3;
}

static int pre_patch_check(struct klp_object *obj)
{
	return 0;
}

static void post_patch_note(struct klp_object *obj)
{
	pr_info("patched\n");
}

static void pre_unpatch_note(struct klp_object *obj)
{
	pr_info("unpatching\n");
}

static void post_unpatch_note(struct klp_object *obj)
{
	pr_info("unpatched\n");
}

KPATCH_PRE_PATCH_CALLBACK(pre_patch_check);
KPATCH_POST_PATCH_CALLBACK(post_patch_note);
KPATCH_PRE_UNPATCH_CALLBACK(pre_unpatch_note);
KPATCH_POST_UNPATCH_CALLBACK(post_unpatch_note);
