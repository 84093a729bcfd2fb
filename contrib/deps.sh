#!/bin/sh
# SPDX-License-Identifier: ISC
# Installs what building, testing and the demo need on Debian 12, as root.
# Idempotent and non-interactive: a no-op when everything is there.
# "deps.sh build" installs only what building needs (a production host
# wants no test Dovecot and Postfix).
set -eu
cd "$(dirname "$0")/.."

PKGS="make gcc pkg-config git ca-certificates python3 libetpan-dev
libgmime-3.0-dev libsqlite3-dev libpcre2-dev libssl-dev libcurl4-gnutls-dev
libpsl-dev publicsuffix libseccomp-dev libpoppler-glib-dev libcairo2-dev
libtesseract-dev libleptonica-dev tesseract-ocr-ind tesseract-ocr-eng
libsystemd-dev"
# What the tests read the report with, what the bench times with and
# compares with (GNU time, mbsync), and libFuzzer for make fuzz: clang only
# recommends the runtime that holds it (deps.sh build skips them); the
# pictures and PDFs the tests read are drawn with python3-pil and DejaVu;
# make deb and check-deb build the package with debhelper and check it
# with lintian; tidy checks the HTML of the robot's mail.
TESTPKGS="libxml2-utils chromium poppler-utils time isync clang libclang-rt-14-dev
python3-pil fonts-dejavu-core debhelper lintian tidy"

[ "${1:-}" = build ] || PKGS="$PKGS $TESTPKGS"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# A fresh image may have empty package lists: update only if needed.
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing ||
	    { apt-get update -qq &&
	      apt-get install -y -qq --no-install-recommends $missing; }
fi
# Dovecot and Postfix for the mail sandbox, without starting system services.
[ "${1:-}" = build ] || bash tests/sandbox/install
