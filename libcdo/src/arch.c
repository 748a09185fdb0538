// SPDX-License-Identifier: GPL-2.0
/*
 * The architectures the diff engine supports (arch.h), one table each.
 */
#include "arch.h"

static const struct arch_ops *const arches[] = {
	&x86_64_arch_ops,
};

const struct arch_ops *arch_for_machine(uint16_t machine)
{
	size_t i;

	for (i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i]->machine == machine)
			return arches[i];
	return NULL;
}
