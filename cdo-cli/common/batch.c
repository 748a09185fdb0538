// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "batch.h"

int batch_split(char *line, char *fields[BATCH_FIELDS], int *found)
{
	char *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(line, " \t\n\r\v\f", &save); tok;
	     tok = strtok_r(NULL, " \t\n\r\v\f", &save)) {
		if (n < BATCH_FIELDS)
			fields[n] = tok;
		n++;
		if (n > BATCH_FIELDS)
			break;
	}
	*found = n;
	if (n == 0 || fields[0][0] == '#')
		return 0;
	return n == BATCH_FIELDS ? BATCH_FIELDS : -1;
}
