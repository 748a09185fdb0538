// SPDX-License-Identifier: GPL-2.0
/* cdo-objcmp's main() under another name, for fuzz_objcmp. */
#define main objcmp_main
int objcmp_main(int argc, char **argv);
#include "../../cdo-cli/cdo-objcmp.c"
