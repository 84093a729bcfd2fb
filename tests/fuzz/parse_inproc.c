/* SPDX-License-Identifier: ISC */
/*
 * Linked into the fuzzers instead of parse.c, parse-child.c and jail.c.
 */

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "disposisi.h"

/*
 * The robot parses in a process of its own (parse.c), which would run
 * this binary here: the same reading in this process, as its child does
 * it, so libFuzzer sees the code it reaches.
 */
int
parse_message(const struct conf *c, struct spool *sp, const char *path,
    struct msg **mp, char **cause)
{
	int	 fd, r;

	if ((fd = open(path, O_RDONLY)) == -1)
		abort();
	if ((r = screen_raw(c, fd, cause)) == 0 && lseek(fd, 0, SEEK_SET) == 0)
		r = mime_parse(fd, sp, c, mp, cause);
	close(fd);
	if (r != 0)
		return (r);
	(*mp)->path = xstrdup(path);
	if (screen_trusted(c, *mp) == -1)
		abort();
	return (0);
}

void
parse_stop(void)
{
}

