/* SPDX-License-Identifier: ISC */
/*
 * The project's only OpenSSL user: SHA-256 digests (spool names, dedup),
 * HMAC reply tokens, random bytes, and verification of the IMAP server's
 * certificate chain and host name. Debian's libetpan is built with GnuTLS
 * and verifies nothing, so this check is what stands between the robot's
 * password and a man in the middle.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "disposisi.h"

static void
crypto_hex(const unsigned char *md, size_t len, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[2 * len] = '\0';
}

void
crypto_sha256(const void *buf, size_t len, char *out)
{
	unsigned char	 md[32];

	SHA256(buf, len, md);
	crypto_hex(md, sizeof md, out);
}

/* Digests a file in chunks: attachments and messages never sit whole in memory. */
int
crypto_sha256_file(const char *path, char *out, char **cause)
{
	EVP_MD_CTX	*ctx;
	unsigned char	 buf[65536], md[32];
	unsigned int	 mdlen;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		fatalx("EVP_DigestInit_ex failed");
	while ((n = read(fd, buf, sizeof buf)) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	close(fd);
	if (n == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		EVP_MD_CTX_free(ctx);
		return (-1);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	crypto_hex(md, mdlen, out);
	return (0);
}

/*
 * A reply token: the first outlen-1 hex digits of HMAC-SHA256(key, data).
 * 20 digits = 80 bits, short enough for an address's local part.
 */
void
crypto_token(const unsigned char *key, size_t keylen, const char *data,
    char *out, size_t outlen)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];

	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data,
	    strlen(data), md, &mdlen) == NULL)
		fatalx("HMAC failed");
	crypto_hex(md, mdlen, hex);
	if (outlen > sizeof hex)
		outlen = sizeof hex;
	memcpy(out, hex, outlen - 1);
	out[outlen - 1] = '\0';
}

/* Constant-time comparison, so tokens cannot be guessed digit by digit. */
int
crypto_token_eq(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b);

	if (la != lb)
		return (0);
	return (CRYPTO_memcmp(a, b, la) == 0);
}

int
crypto_random_bytes(unsigned char *buf, size_t len)
{
	return (RAND_bytes(buf, (int)len) == 1 ? 0 : -1);
}

void
crypto_random_hex(char *out, size_t outlen)
{
	unsigned char	 buf[32];
	char		 hex[65];

	if (crypto_random_bytes(buf, sizeof buf) == -1)
		fatalx("RAND_bytes failed");
	crypto_hex(buf, sizeof buf, hex);
	if (outlen > sizeof hex)
		outlen = sizeof hex;
	memcpy(out, hex, outlen - 1);
	out[outlen - 1] = '\0';
}

/*
 * Verifies a DER chain (leaf first) against cafile (or the system's trust
 * store when cafile is NULL) and the expected host name or IP address.
 */
int
crypto_verify_chain(const unsigned char **der, const size_t *len, size_t n,
    const char *host, const char *cafile, char **cause)
{
	X509_STORE	*store = NULL;
	X509_STORE_CTX	*ctx = NULL;
	STACK_OF(X509)	*chain = NULL;
	X509		*leaf = NULL, *x;
	X509_VERIFY_PARAM *param;
	const unsigned char *p;
	size_t		 i;
	int		 rv = -1, err;

	if (n == 0) {
		xasprintf(cause, "server sent no certificate");
		return (-1);
	}
	chain = sk_X509_new_null();
	for (i = 0; i < n; i++) {
		p = der[i];
		if ((x = d2i_X509(NULL, &p, (long)len[i])) == NULL) {
			xasprintf(cause, "certificate %zu unreadable", i);
			goto out;
		}
		if (i == 0)
			leaf = x;
		else
			sk_X509_push(chain, x);
	}
	store = X509_STORE_new();
	if (cafile != NULL) {
		if (X509_STORE_load_file(store, cafile) != 1) {
			xasprintf(cause, "%s: cannot load CA file", cafile);
			goto out;
		}
	} else if (X509_STORE_set_default_paths(store) != 1) {
		xasprintf(cause, "cannot load the system's CA certificates");
		goto out;
	}
	ctx = X509_STORE_CTX_new();
	if (X509_STORE_CTX_init(ctx, store, leaf, chain) != 1)
		fatalx("X509_STORE_CTX_init failed");
	param = X509_STORE_CTX_get0_param(ctx);
	if (X509_VERIFY_PARAM_set1_ip_asc(param, host) != 1)
		X509_VERIFY_PARAM_set1_host(param, host, 0);
	if (X509_verify_cert(ctx) == 1)
		rv = 0;
	else {
		err = X509_STORE_CTX_get_error(ctx);
		xasprintf(cause, "certificate of %s not trusted: %s", host,
		    X509_verify_cert_error_string(err));
	}
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(leaf);
	sk_X509_pop_free(chain, X509_free);
	ERR_clear_error();
	return (rv);
}
