/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: any bytes as an inbound message through the parts
 * that read hostile mail - mime_parse, classify, classify_token,
 * auth_check and reply_parse. Build and run: make fuzz (clang).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disposisi.h"
#include "reply.h"

static struct spool	*sp;
static char		 path[64];

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct conf	 conf;
	static struct rules	 rules;
	static char		*dom = "muaraenimkab.go.id";
	struct ctx		 ctx = { .conf = &conf, .rules = &rules };
	struct msg		*m;
	struct reply		 r = { 0 };
	char			*cause = NULL, *why = NULL, *tok;
	FILE			*f;

	if (sp == NULL) {
		mime_init();
		log_init(LOG_TO_STDERR, -1);
		if ((sp = spool_open("/tmp/fuzz-spool", &cause)) == NULL)
			abort();
		snprintf(path, sizeof path, "/tmp/fuzz-in.%ld", (long)getpid());
		conf.robot_address = "tte@muaraenimkab.go.id";
		conf.auth_serv_id = "mail.muaraenimkab.go.id";
		rules.applicant_domains = &dom;
		rules.napplicant_domains = 1;
	}
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	fwrite(data, 1, len, f);
	fclose(f);
	if ((m = mime_parse(path, sp, &cause)) != NULL) {
		if (m->from_addr != NULL) {
			classify(&ctx, m, &why);
			free(why);
			why = NULL;
			auth_check(&conf, m, &why);
			free(why);
		}
		tok = classify_token(&ctx, m);
		free(tok);
		reply_parse(m->text, &r);
		reply_clear(&r);
		mime_free(m);
	}
	free(cause);
	return (0);
}
