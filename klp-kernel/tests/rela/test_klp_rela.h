/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TEST_KLP_RELA_H
#define _TEST_KLP_RELA_H

#include <linux/moduleparam.h>

/*
 * Static functions of test_klp_conflict_mod that test_klp_rela reaches
 * through livepatch relocations: it calls the first and takes the address
 * of the second.
 */
int value_set(const char *val, const struct kernel_param *kp);
int value_get(char *buf, const struct kernel_param *kp);

#endif /* _TEST_KLP_RELA_H */
