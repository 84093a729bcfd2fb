# disposisi — see README.md. `make`, `make check`, `make check-asan`,
# `make demo`, `make deps` (as root, Debian 12).

PKGS	 = libetpan gmime-3.0 libcurl sqlite3 libpcre2-8 libcrypto libpsl
CC	?= cc
CFLAGS	?= -O2 -g
# Project flags stay even when CFLAGS is given on the command line.
XCFLAGS	 = $(CFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc \
	   $(shell pkg-config --cflags $(PKGS))
# libetpan's .pc carries a gcc-only -specs flag; clang (fuzz) refuses it.
LDLIBS	+= $(filter-out -specs=%,$(shell pkg-config --libs $(PKGS)))

SRCS	 = src/admin.c src/auth.c src/calendar.c src/caseref.c src/classify.c src/clock.c \
	   src/cmd-cancel.c src/cmd-cases.c src/cmd-check.c src/cmd-explain.c \
	   src/cmd-ingest.c \
	   src/cmd-outbox.c src/cmd-reassign.c src/cmd-resend.c src/cmd-run.c \
	   src/cmd-status.c \
	   src/cmd-version.c src/conf.c src/crypto.c src/decide.c src/dispatch.c \
	   src/disposisi.c src/document.c src/handle-answer.c \
	   src/handle-application.c src/handle-away.c src/handle-bounce.c \
	   src/handle-followup.c src/handle-notice.c src/html.c src/imap.c src/intake.c \
	   src/letter.c src/log.c src/mime.c src/notice.c src/outbox.c src/people.c \
	   src/re.c src/reply.c src/rules.c src/rules-cal.c src/rules-kw.c src/rules-lex.c \
	   src/rules-parse.c src/smtp.c src/sniff.c \
	   src/spool.c src/step-decision.c src/step-document.c \
	   src/step-notice.c src/step-quorum.c src/step-value.c src/store.c \
	   src/template.c src/text.c src/timer.c src/util.c src/workflow.c src/xmalloc.c
OBJS	 = $(SRCS:.c=.o)
HDRS	 = src/disposisi.h src/log.h src/xmalloc.h src/reply.h src/re.h \
	   src/html.h src/text.h src/sniff.h src/workflow_p.h src/rules_p.h

UNIT	 = tests/unit/t_reply tests/unit/t_conf tests/unit/t_caseref \
	   tests/unit/t_auth tests/unit/t_sniff tests/unit/t_rules \
	   tests/unit/t_decide tests/unit/t_calendar tests/unit/t_mime \
	   tests/unit/t_store
LIBOBJS	 = $(filter-out src/disposisi.o src/cmd-%.o,$(OBJS))

all: disposisi

disposisi: $(OBJS)
	$(CC) $(XCFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

.c.o:
	$(CC) $(XCFLAGS) -c -o $@ $<

$(OBJS): $(HDRS)

tests/unit/%: tests/unit/%.c $(LIBOBJS) tests/unit/test.h
	$(CC) $(XCFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

deps:
	sh contrib/deps.sh

# Unit tests, then the regress suite against real Dovecot and Postfix.
check: disposisi $(UNIT)
	sh tests/run.sh $(UNIT)

# The same suite built with AddressSanitizer and UBSan (LeakSanitizer on).
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=all
check-asan:
	$(MAKE) clean
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    $(MAKE) check CFLAGS="$(ASAN_FLAGS)"; rc=$$?; $(MAKE) clean; exit $$rc

# Latency, throughput and memory through real servers; prints, asserts nothing.
bench: disposisi
	python3 bench/pipeline.py

# libFuzzer on the hostile-input path (needs clang); FUZZ_SECONDS to taste.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) clean
	$(MAKE) $(LIBOBJS) CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined"
	clang $(XCFLAGS) -fsanitize=fuzzer,address,undefined -o tests/fuzz/fuzz_mime \
	    tests/fuzz/fuzz_mime.c $(LIBOBJS) $(LDLIBS)
	mkdir -p tests/fuzz/corpus && cp tests/unit/mail/*.eml tests/corpus/*.eml tests/fuzz/corpus/
	tests/fuzz/fuzz_mime -max_total_time=$(FUZZ_SECONDS) -max_len=65536 tests/fuzz/corpus
	$(MAKE) clean

demo: deps disposisi
	python3 contrib/demo.py

demo-stop:
	sh contrib/demo-stop.sh

clean:
	rm -f disposisi $(OBJS) $(UNIT) tests/fuzz/fuzz_mime

.PHONY: all bench fuzz deps check check-asan demo demo-stop clean
