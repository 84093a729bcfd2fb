/* SPDX-License-Identifier: ISC */
/*
 * HTML mail bodies to plain text, for mail that has no text/plain part.
 */
#ifndef HTML_H
#define HTML_H

/*
 * Convert a UTF-8 HTML body to plain text, dropping <head>, scripts, styles
 * and the quoted parts clients mark up (blockquote, Gmail, Outlook, Zimbra,
 * Thunderbird containers). The caller frees the result.
 */
char	*html_to_text(const char *html);

#endif
