/* SPDX-License-Identifier: ISC */
/*
 * Reading an official's decision out of a reply: strip what any mail client
 * (Outlook, Gmail, Zimbra, phone apps; Indonesian or English) quotes or
 * appends, then read a strict Y/T answer from the first line of new text
 * (after at most two courtesy lines such as "Baik pak," or "Dear Sir,").
 * Anything that would need a guess is UNCLEAR: a question, a negated or
 * hedged yes, or new text that holds both a yes and a no.
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
	 * REPLY_YES only: the rest of the verdict line after the verdict
	 * word(s) and separators ("Y: budi@kab.go.id" gives
	 * "budi@kab.go.id"); if that is empty or only courtesy ("Y, terima
	 * kasih pak"), the next non-empty line of new text, unless that line
	 * is courtesy ("Salam,": a signature follows). NULL if none. It is
	 * not checked: "Y\nSaya sudah cek" gives "Saya sudah cek", so the
	 * caller validates it.
	 */
	char			*value;
	/*
	 * The line read as the answer (the first non-empty line of new text
	 * after any courtesy lines), trimmed, at most 200 bytes (cut on a
	 * UTF-8 boundary), for the "not understood" answer; NULL if the new
	 * text was empty.
	 */
	char			*line;
	/*
	 * REPLY_UNCLEAR only: the new text read as a reason, for a T given
	 * in the subject ("Lampiran KTP buram, mohon dikirim ulang"): from
	 * the answer line to a blank line, quote, signature or closing, as
	 * for a T. NULL when the text is only courtesy, or any line of it
	 * opens with a verdict word of either side or asks a question: such
	 * text may be an answer, and is no reason.
	 */
	char			*prose;
};

/*
 * Parse plain text (UTF-8; invalid bytes are read as U+FFFD) into *r, which
 * is overwritten: reply_clear it before reusing it. Returns 0. The strings
 * in *r belong to the caller, who releases them with reply_clear.
 */
int	 reply_parse(const char *text, struct reply *r);

/* Free the strings in *r and reset it to REPLY_UNCLEAR. */
void	 reply_clear(struct reply *r);

/*
 * The command in a reply's subject: "Re: [TTE-2026-00001] Y", "T
 * [TTE-2026-00001]", or a T after the robot's subject ("Re: [TTE-...]
 * Disposisi ...: Budi - T"). Reply and forward prefixes of the locales in
 * use (Re: Fwd: FW: Bls: Balas: TRS: Terusan: AW: WG: RE : TR : Antw:
 * Doorst: RV: SV: VS: ..., repeated, "Re[2]:"), [tags] before and after
 * the command and a trailing "#<token>" are cut; the rest must be a
 * verdict by the rules for an answer line, or it is UNCLEAR (as is the
 * robot's own subject). After the robot's subject only a T counts: the
 * text before it holds the applicant's own name, which could end in
 * " - Y". For REPLY_NO *reason_r gets the reason, which the caller frees;
 * the robot's subject after a command ("T: Re: [TTE-...] ...") is none.
 * Otherwise, or without a reason, it is set to NULL. A NULL subject is
 * UNCLEAR.
 */
enum reply_verdict reply_subject(const char *subject, char **reason_r);

/*
 * Return 1 if a person's own out-of-office rule wrote this mail (it comes
 * without RFC 3834 headers): subject or the first 3 non-empty lines of new
 * text say "sedang cuti", "dinas luar", "Out of office", "Automatic reply"
 * and the like. A text whose answer line opens with a verdict ("Y, saya
 * sedang dinas luar ...") is a person's answer: 0. Either argument may be
 * NULL.
 */
int	 reply_is_autoreply(const char *subject, const char *text);

#endif
