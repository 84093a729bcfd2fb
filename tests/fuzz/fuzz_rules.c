/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: any bytes as a rules file through the lexer, the
 * parser, pattern compilation and resolution (rules_load). An admin
 * writes these files by hand: every input must end in rules or in
 * file:line errors, never in a crash. Build and run: make fuzz.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "disposisi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static char	 dir[64], file[96];
	struct rules	*r;
	char		*cause = NULL;
	FILE		*f;

	if (dir[0] == '\0') {
		log_init(LOG_TO_STDERR, -1);
		snprintf(dir, sizeof dir, "/tmp/fuzz-rules.%ld",
		    (long)getpid());
		if (mkdir(dir, 0700) == -1)
			abort();
		snprintf(file, sizeof file, "%s/fuzz.conf", dir);
	}
	if ((f = fopen(file, "wb")) == NULL)
		abort();
	fwrite(data, 1, len, f);
	fclose(f);
	if ((r = rules_load(dir, &cause)) != NULL)
		rules_free(r);
	free(cause);
	return (0);
}
