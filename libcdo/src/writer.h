/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CDO_WRITER_H
#define CDO_WRITER_H

/* writer.c: building and writing the output ELF */

#include "diff.h"

/* Write the output of a successful diff to @path (temporary file, rename). */
int write_object(struct diff *d, const char *path);

#endif
