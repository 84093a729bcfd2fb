/* SPDX-License-Identifier: ISC */
/*
 * Reading an official's decision out of a reply: strip what any mail client
 * (Outlook, Gmail, Zimbra, phone apps; Indonesian or English) quotes or
 * appends, then read a strict Y/T answer from the first line of new text.
 */
#ifndef REPLY_H
#define REPLY_H

enum reply_verdict {
	REPLY_UNCLEAR = 0,
	REPLY_YES,
	REPLY_NO
};

struct reply {
	enum reply_verdict	 verdict;
	/*
	 * REPLY_NO only: the reason, trimmed, from the rest of the verdict
	 * line and the lines under it up to a blank line, quote or signature
	 * (lines joined by '\n'); NULL if none was given.
	 */
	char			*reason;
	/*
	 * The first non-empty line of new text, trimmed, at most 200 bytes
	 * (cut on a UTF-8 boundary), for the "not understood" answer; NULL if
	 * the new text was empty.
	 */
	char			*line;
};

/*
 * Parse plain text (UTF-8; invalid bytes are read as U+FFFD) into *r, which
 * is overwritten: reply_clear it before reusing it. Returns 0. The strings
 * in *r belong to the caller, who releases them with reply_clear.
 */
int	 reply_parse(const char *text, struct reply *r);

/* Free the strings in *r and reset it to REPLY_UNCLEAR. */
void	 reply_clear(struct reply *r);

#endif
