/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: any bytes as an inbound message through the parts
 * that read hostile mail - mime_parse, classify_read (with the shipped
 * rules: notices, documents and their sniffing, reply reading) and
 * auth_check. Build and run: make fuzz (clang), from the checkout.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"

static struct spool	*sp;
static char		 path[64];

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct conf	 conf;
	static struct rules	*rules;
	struct ctx		 ctx = { .conf = &conf };
	struct msg		*m = NULL;
	struct reading		 rd;
	char			*cause = NULL, *why = NULL;
	FILE			*f;
	int			 fd;

	if (sp == NULL) {
		mime_init();
		log_init(LOG_TO_STDERR, -1);
		if ((sp = spool_open("/tmp/fuzz-spool", &cause)) == NULL)
			abort();
		snprintf(path, sizeof path, "/tmp/fuzz-in.%ld", (long)getpid());
		conf.robot_address = "tte@muaraenimkab.go.id";
		conf.auth_serv_id = "mail.muaraenimkab.go.id";
		if ((rules = rules_load("rules", &cause)) == NULL)
			abort();
	}
	ctx.rules = rules;
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	fwrite(data, 1, len, f);
	fclose(f);
	if ((fd = open(path, O_RDONLY)) == -1)
		abort();
	if (mime_parse(fd, sp, NULL, &m, &cause) == 0) {
		if (m->from_addr != NULL) {
			classify_read(&ctx, m, &rd);
			classify_clear(&rd);
			auth_check(&conf, m, &why);
			free(why);
		}
		mime_free(m);
	}
	close(fd);
	free(cause);
	return (0);
}
