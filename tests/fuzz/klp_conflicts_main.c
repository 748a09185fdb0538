// SPDX-License-Identifier: GPL-2.0
/*
 * klp-conflicts' main() under another name, for the fuzz target.  The tool
 * and its library return on every error (nothing exits), so the target
 * calls it like a function and leak checking stays on.
 */
int klpc_main(int argc, char **argv);
#define main klpc_main
#include "../../klp-kernel/tools/klp-conflicts.c"
