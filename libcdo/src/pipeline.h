/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_PIPELINE_H
#define CDO_PIPELINE_H

/*
 * pipeline.c: the order in which the stages of a diff run.  Only the
 * context (context.c) calls it; no stage includes this header.
 */

#include "diff.h"

int diff_run(struct diff *d);

#endif
