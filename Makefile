# disposisi — see README.md. `make`, `make check`, `make check-asan`,
# `make torture`, `make demo`, `make deps` (as root, Debian 12).

PKGS	 = libetpan gmime-3.0 libcurl sqlite3 libpcre2-8 libcrypto libpsl libseccomp libsystemd \
	   poppler-glib cairo tesseract lept
CC	?= cc
CFLAGS	?= -O2 -g
# Project flags stay even when CFLAGS is given on the command line.
XCFLAGS	 = $(CFLAGS) $(CPPFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	   -Isrc -DCONF_PATH='"$(SYSCONFDIR)/disposisi.conf"' \
	   $(shell pkg-config --cflags $(PKGS))
# libetpan's .pc carries a gcc-only -specs flag; clang (fuzz) refuses it.
LDLIBS	+= $(filter-out -specs=%,$(shell pkg-config --libs $(PKGS))) -lm -pthread

SRCS	 = src/admin.c src/auth.c src/calendar.c src/caseref.c src/classify.c src/clock.c \
	   src/cmd-audit.c src/cmd-backup.c src/cmd-cancel.c src/cmd-cases.c src/cmd-check.c src/cmd-doctor.c src/cmd-explain.c src/cmd-export.c \
	   src/cmd-ingest.c \
	   src/cmd-outbox.c src/cmd-purge.c src/cmd-reassign.c src/cmd-report.c src/cmd-resend.c src/cmd-restore.c src/cmd-run.c src/cmd-show.c \
	   src/cmd-status.c \
	   src/cmd-version.c src/conf.c src/crypto.c src/decide.c src/dispatch.c \
	   src/disposisi.c src/document.c src/flood.c src/handle-answer.c \
	   src/handle-application.c src/handle-away.c src/handle-bounce.c \
	   src/handle-receipt.c src/health.c \
	   src/handle-followup.c src/handle-notice.c src/html.c src/imap.c src/intake.c \
	   src/intake-ahead.c \
	   src/jail.c \
	   src/letter.c src/log.c src/metrics.c src/mime.c src/mime-out.c src/mime-html.c src/notice.c src/ocr.c src/outbox.c src/parse.c src/parse-child.c src/pdf.c src/people.c \
	   src/queue.c src/re.c src/report.c src/report-lane.c src/report-mail.c src/reply.c src/reply-cut.c src/reply-subject.c src/reply-words.c src/retention.c src/rules.c src/rules-cal.c src/rules-kw.c src/rules-kw-doc.c src/rules-kw-mail.c src/rules-kw-step.c src/rules-lex.c \
	   src/rules-parse.c src/screen.c src/smtp.c src/sniff.c src/sniff-name.c src/sniff-zip.c \
	   src/spool.c src/step-decision.c src/step-document.c \
	   src/step-notice.c src/step-quorum.c src/step-value.c src/store.c \
	   src/store-audit.c src/store-case.c src/store-dispatch.c \
	   src/store-backup.c src/store-doc.c src/store-health.c src/store-mail.c src/store-print.c src/store-schema.c \
	   src/template.c src/text.c src/timer.c src/util.c src/workflow.c src/xmalloc.c
OBJS	 = $(SRCS:.c=.o)
HDRS	 = src/disposisi.h src/rules.h src/store.h src/cmd.h src/log.h src/xmalloc.h \
	   src/reply.h src/reply_p.h src/re.h src/html.h src/text.h src/sniff.h \
	   src/sniff_p.h src/workflow_p.h src/rules_p.h src/parse_p.h src/store_p.h src/report_p.h

UNIT	 = tests/unit/t_reply tests/unit/t_conf tests/unit/t_caseref \
	   tests/unit/t_auth tests/unit/t_sniff tests/unit/t_rules \
	   tests/unit/t_document \
	   tests/unit/t_decide tests/unit/t_calendar tests/unit/t_mime \
	   tests/unit/t_store tests/unit/t_retention tests/unit/t_plan \
	   tests/unit/t_read tests/unit/t_clock tests/unit/t_report
LIBOBJS	 = $(filter-out src/disposisi.o src/cmd-%.o,$(OBJS))

all: disposisi

disposisi: $(OBJS)
	$(CC) $(XCFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

.c.o:
	$(CC) $(XCFLAGS) -c -o $@ $<

$(OBJS): $(HDRS)

# Each unit program links the module it tests and what that module calls,
# no more: a new call across modules shows here as a link error.
BASE_OBJS  = src/log.o src/xmalloc.o
UTIL_OBJS  = src/util.o src/crypto.o $(BASE_OBJS)
# The rules and the engine are one knot: the rules name the step kinds
# (step-*.c), the steps decide (decide.c) by the rules, and a rule's
# document kind is matched by document.c on what sniff.c saw; the
# calendar's zone is the clock's.
RULES_OBJS = $(filter src/rules%.o src/step-%.o,$(OBJS)) src/decide.o \
	     src/document.o $(filter src/sniff%.o,$(OBJS)) src/re.o src/clock.o \
	     $(UTIL_OBJS)
STORE_OBJS = $(filter src/store%.o,$(OBJS)) src/caseref.o $(RULES_OBJS)
REPLY_OBJS = $(filter src/reply%.o,$(OBJS)) src/re.o src/html.o src/text.o \
	     $(BASE_OBJS)
# The parser process: parse.c runs parse-child.c under jail.c.
PARSE_OBJS = src/parse.o src/parse-child.o src/jail.o src/mime.o src/pdf.o \
	     src/ocr.o src/screen.o $(filter src/sniff%.o,$(OBJS)) src/spool.o \
	     src/html.o src/text.o src/clock.o $(UTIL_OBJS)
tests/unit/t_auth: src/auth.o src/conf.o $(UTIL_OBJS)
tests/unit/t_calendar: src/calendar.o src/clock.o $(RULES_OBJS)
tests/unit/t_caseref: src/caseref.o
tests/unit/t_clock: src/calendar.o src/mime.o src/mime-out.o src/mime-html.o src/spool.o src/html.o \
	src/text.o $(STORE_OBJS)
tests/unit/t_conf: src/conf.o $(UTIL_OBJS)
tests/unit/t_decide: $(RULES_OBJS)
tests/unit/t_document: $(RULES_OBJS)
# mime.c's tests read each message to its verdict (classify.c).
tests/unit/t_mime: src/mime.o src/mime-out.o src/mime-html.o src/screen.o src/spool.o src/classify.o \
	src/notice.o src/caseref.o src/conf.o $(REPLY_OBJS) $(RULES_OBJS)
tests/unit/t_plan: $(STORE_OBJS)
tests/unit/t_read: $(PARSE_OBJS)
tests/unit/t_reply: $(REPLY_OBJS)
tests/unit/t_report: src/report.o src/report-lane.o src/calendar.o $(STORE_OBJS)
tests/unit/t_retention: src/retention.o $(STORE_OBJS)
tests/unit/t_rules: $(RULES_OBJS)
tests/unit/t_sniff: $(filter src/sniff%.o,$(OBJS)) $(BASE_OBJS)
tests/unit/t_store: $(STORE_OBJS)

tests/unit/%: tests/unit/%.c tests/unit/test.h
	$(CC) $(XCFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(sort $(filter %.o,$^)) $(LDLIBS)

# t_plan checks the query plan of every SQL text in the preprocessed
# sources, so that no statement can be added without it.
tests/unit/t_plan: tests/unit/t_plan.i
tests/unit/t_plan.i: $(SRCS) $(HDRS)
	for f in $(SRCS); do $(CC) $(XCFLAGS) -E -P $$f || exit 1; done > $@.tmp
	mv $@.tmp $@

deps:
	sh contrib/deps.sh

# No file in src/ over 900 lines, no function over 80; docs/design.md
# names only files and functions that exist.
style:
	@sh tests/style/lengths.sh src/*.c src/*.h
	@sh tests/style/design.sh
	@sh tests/style/keywords.sh

# The size limits, unit tests, then the regress suite against real
# Dovecot and Postfix.
check: style disposisi $(UNIT)
	sh tests/run.sh $(UNIT)

# The same suite built with AddressSanitizer and UBSan (LeakSanitizer on).
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=all
check-asan:
	$(MAKE) clean
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    $(MAKE) check CFLAGS="$(ASAN_FLAGS)"; rc=$$?; $(MAKE) clean; exit $$rc

# The kill -9 torture (tests/regress/test_torture.py) alone, long: the
# robot killed at least TORTURE_CYCLES times (and on until every case is
# done) during intake, answers and sending while TORTURE_CYCLES/4 cases go
# through the whole SOP, then every exactly-once invariant checked; make
# check runs 24 cycles (6 cases).
# Then the outages of test_faults.py at full length: each fault held
# FAULT_OUTAGE seconds (make check: 12), a tarpit of FAULT_TARPIT s a
# command (make check: 2).
TORTURE_CYCLES ?= 100
FAULT_OUTAGE ?= 600
FAULT_TARPIT ?= 30
torture: disposisi
	TORTURE_CYCLES=$(TORTURE_CYCLES) python3 tests/regress/run.py test_torture
	FAULT_OUTAGE=$(FAULT_OUTAGE) FAULT_TARPIT=$(FAULT_TARPIT) \
	    python3 tests/regress/run.py test_outage_

# Latency, throughput and memory through real servers; prints, asserts nothing.
bench: disposisi
	python3 bench/run.py

# libFuzzer (clang, libclang-rt-14-dev) on the hostile-input path
# (fuzz_mime: any mail), explain's reading (fuzz_explain: any mail through
# explain --db, into the engine) and what admins write by hand (fuzz_rules:
# any rules file), each FUZZ_SECONDS. A target starts from the tests' own
# files plus tests/fuzz/seeds/NAME/ (committed: inputs fuzzing found that
# reach code the tests' files do not, and every past crash) and grows
# tests/fuzz/corpus/NAME/ (not committed). A crash, leak or timeout is
# written as tests/fuzz/crash-* (leak-*, timeout-*) and fails the target;
# once fixed, it belongs in seeds/NAME/. `make fuzz-merge` (after make
# fuzz) adds the corpus' new coverage to seeds/, minimised (-merge=1).
FUZZ_SECONDS ?= 60
FUZZERS = fuzz_mime fuzz_explain fuzz_rules
# Without the parser process (it would run the fuzzer's binary): fuzzers
# parse in their own process, tests/fuzz/parse_inproc.c.
FUZZOBJS = $(filter-out src/parse.o src/parse-child.o src/jail.o,$(LIBOBJS))
FUZZ_MAIL = tests/unit/mail/*.eml tests/corpus/*.eml tests/regress/replies/*.eml
FUZZ_RULES = rules/*.conf tests/unit/rules-*/*/*.conf
fuzz-build:
	$(MAKE) clean
	$(MAKE) $(FUZZOBJS) CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined"
	for f in $(FUZZERS); do \
	    clang $(XCFLAGS) -fsanitize=fuzzer,address,undefined -o tests/fuzz/$$f \
	    tests/fuzz/$$f.c tests/fuzz/parse_inproc.c $(FUZZOBJS) $(LDLIBS) || \
	    exit 1; done
# Fills DIR with the tests' files for NAME (mail or rules).
FUZZ_FILL = fill() { mkdir -p $$2; \
	    if [ $$1 = rules ]; then for c in $(FUZZ_RULES); do \
	        cp $$c $$2/$$(echo $$c | tr / _); done; \
	    else for c in $(FUZZ_MAIL); do \
	        cp $$c $$2/$$(echo $$c | tr / _); done; fi; }
fuzz: fuzz-build
	@$(FUZZ_FILL); rc=0; for f in $(FUZZERS); do \
	    n=$${f#fuzz_}; max=65536; kind=mail; \
	    if [ $$n = rules ]; then max=16384; kind=rules; fi; \
	    mkdir -p tests/fuzz/seeds/$$n; fill $$kind tests/fuzz/corpus/$$n; \
	    echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
	    tests/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=$$max \
	        -timeout=10 -artifact_prefix=tests/fuzz/ \
	        tests/fuzz/corpus/$$n tests/fuzz/seeds/$$n 2>tests/fuzz/$$n.log; \
	    r=$$?; tail -3 tests/fuzz/$$n.log; \
	    if [ $$r -ne 0 ]; then rc=1; echo "fuzz: $$f FAILED, see tests/fuzz/$$n.log"; \
	        grep -A30 "ERROR:" tests/fuzz/$$n.log | head -40; fi; done; \
	$(MAKE) clean; exit $$rc
fuzz-merge: fuzz-build
	@$(FUZZ_FILL); for f in $(FUZZERS); do \
	    n=$${f#fuzz_}; kind=mail; [ $$n = rules ] && kind=rules; \
	    rm -rf tests/fuzz/merge; fill $$kind tests/fuzz/merge; mkdir -p tests/fuzz/seeds/$$n; \
	    cp tests/fuzz/seeds/$$n/* tests/fuzz/merge/ 2>/dev/null; \
	    tests/fuzz/$$f -merge=1 -use_counters=0 tests/fuzz/merge tests/fuzz/corpus/$$n \
	        2>tests/fuzz/$$n.log || exit 1; \
	    for c in tests/fuzz/merge/*; do b=$${c##*/}; \
	        case $$b in *[!0-9a-f]*) ;; *) [ -e tests/fuzz/seeds/$$n/$$b ] || \
	            { cp $$c tests/fuzz/seeds/$$n/; echo "fuzz-merge: seeds/$$n/$$b"; } ;; esac; \
	    done; done; rm -rf tests/fuzz/merge
	$(MAKE) clean

demo: deps disposisi
	python3 contrib/demo.py

demo-stop:
	sh contrib/demo-stop.sh

# Installs the robot (in SBINDIR: a daemon), its man pages, and the
# default config, rules and templates under SYSCONFDIR (the binary reads
# SYSCONFDIR/disposisi.conf when -f is not given); a file already there
# (an admin may have edited it) is never overwritten: the shipped one goes
# beside it as .dist. The Debian package (make deb) installs with this.
PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
SYSCONFDIR	?= /etc/disposisi
install: disposisi
	install -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)/rules \
	    $(DESTDIR)$(SYSCONFDIR)/mail-templates
	install -m 0755 disposisi $(DESTDIR)$(SBINDIR)/disposisi
	install -m 0644 man/disposisi.conf.5 man/disposisi.rules.5 \
	    $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/disposisi.8 $(DESTDIR)$(MANDIR)/man8/
	@for f in contrib/disposisi.conf.example rules/*.conf mail-templates/*; do \
	    case $$f in \
	    contrib/*) t=$(DESTDIR)$(SYSCONFDIR)/disposisi.conf ;; \
	    *) t=$(DESTDIR)$(SYSCONFDIR)/$$f ;; \
	    esac; \
	    if test ! -e "$$t"; then \
	        echo "install -m 0644 $$f $$t"; \
	        install -m 0644 "$$f" "$$t" || exit 1; \
	    elif ! cmp -s "$$f" "$$t"; then \
	        install -m 0644 "$$f" "$$t.dist" || exit 1; \
	        echo "$$t: exists and differs, kept; the shipped version is $$t.dist"; \
	    fi; \
	done

# Removes the binary and the man pages; never $(SYSCONFDIR) (the admin's
# config, rules and templates) nor the state in /var/lib/disposisi.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/disposisi \
	    $(DESTDIR)$(MANDIR)/man5/disposisi.conf.5 \
	    $(DESTDIR)$(MANDIR)/man5/disposisi.rules.5 \
	    $(DESTDIR)$(MANDIR)/man8/disposisi.8
	@echo "uninstall: kept $(DESTDIR)$(SYSCONFDIR) and /var/lib/disposisi; remove them by hand"

# The Debian package, built from a copy of the tree with contrib/debian as
# debian/ (the top level holds no debian/), then checked by lintian; the
# .deb lands in build/. The version is the code's (DISPOSISI_VERSION) and
# must be the changelog's.
VERSION	 = $(shell sed -n 's/^\#define DISPOSISI_VERSION[^"]*"\(.*\)"/\1/p' \
	   src/disposisi.h)
DEB	 = build/disposisi_$(VERSION)_$(shell dpkg --print-architecture).deb
deb:
	@v=$$(dpkg-parsechangelog -l contrib/debian/changelog -S Version); \
	test "$$v" = "$(VERSION)" || { echo "deb: contrib/debian/changelog" \
	    "says $$v, src/disposisi.h $(VERSION)"; exit 1; }
	rm -rf build/deb && mkdir -p build/deb/disposisi-$(VERSION)
	cp -a Makefile README.md docs src rules mail-templates man contrib \
	    build/deb/disposisi-$(VERSION)/
	cp -a contrib/debian build/deb/disposisi-$(VERSION)/debian
	cp contrib/disposisi.service build/deb/disposisi-$(VERSION)/debian/
	cp contrib/disposisi-backup.service \
	    build/deb/disposisi-$(VERSION)/debian/disposisi.disposisi-backup.service
	cp contrib/disposisi-backup.timer \
	    build/deb/disposisi-$(VERSION)/debian/disposisi.disposisi-backup.timer
	cd build/deb/disposisi-$(VERSION) && $(MAKE) clean >/dev/null && \
	    DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -j2
	mv build/deb/disposisi_$(VERSION)_*.deb build/
	lintian -I --pedantic --fail-on error,warning,info,pedantic $(DEB)

# The package installed, checked and purged on this machine (as root; CI
# runs it on a throwaway one): tests/deb.sh.
check-deb: deb
	sh tests/deb.sh $(DEB)

clean:
	rm -f disposisi $(OBJS) $(UNIT) $(FUZZERS:%=tests/fuzz/%)

.PHONY: all style bench torture fuzz fuzz-build fuzz-merge deps check check-asan demo demo-stop clean install uninstall \
	deb check-deb
