/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The --batch file of create-diff-object: one object pair a line, the
 * seven arguments of a single run separated by blanks; blank lines and
 * lines whose first field starts with '#' are skipped.
 */
#ifndef CDO_CLI_BATCH_H
#define CDO_CLI_BATCH_H

#define BATCH_FIELDS 7

/**
 * batch_split() - split one line (modified in place) into its fields
 * @line:   the line, with or without its newline
 * @fields: where the fields go (BATCH_FIELDS entries)
 *
 * Return: BATCH_FIELDS for a line to run, 0 for a line to skip, or -1
 * when the line has another number of fields (*@found says how many, at
 * most BATCH_FIELDS + 1).
 */
int batch_split(char *line, char *fields[BATCH_FIELDS], int *found);

#endif
