#!/bin/sh
# SPDX-License-Identifier: ISC
# make check-deb: installs the package built by make deb, checks what it
# put where, runs the installed robot on the installed config, and removes
# then purges it. As root, on a machine where disposisi is not installed
# (CI's throwaway one): purge deletes /var/lib/disposisi. TEST_SLOT moves
# the mail sandbox's ports and directory, as for the regress suite.
set -eu
deb=$(realpath "$1")
tree=$(pwd)
fail() { echo "check-deb: FAIL: $*" >&2; exit 1; }
ok() { echo "check-deb: ok: $*"; }

[ "$(id -u)" = 0 ] || fail "needs root (it installs and purges the package)"
if dpkg-query -W -f='${Status}' disposisi 2>/dev/null | grep -q installed ||
    [ -e /etc/disposisi ] || [ -e /var/lib/disposisi ]; then
	fail "disposisi (or /etc/disposisi, /var/lib/disposisi) is on this" \
	    "machine already: its purge would delete it; run on a throwaway one"
fi
trap 'apt-get purge -y -qq disposisi >/dev/null 2>&1 || true' EXIT
export DEBIAN_FRONTEND=noninteractive

apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
ok "installed $(dpkg-query -W -f='${Package} ${Version}' disposisi)"

# Where things are.
[ -x /usr/sbin/disposisi ] || fail "no /usr/sbin/disposisi"
for m in man5/disposisi.conf.5 man5/disposisi.rules.5 man8/disposisi.8; do
	[ -f /usr/share/man/$m.gz ] || fail "no man page $m"
done
conffiles=$(dpkg-query -W -f='${Conffiles}\n' disposisi)
for f in disposisi.conf rules/sop-tte.conf mail-templates/disposisi.txt; do
	echo "$conffiles" | grep -q " /etc/disposisi/$f " ||
	    fail "/etc/disposisi/$f is not a conffile"
done
getent passwd disposisi | awk -F: '$3 < 1000 && $7 ~ /nologin/ { f = 1 }
    END { exit !f }' || fail "no system user disposisi: $(getent passwd disposisi)"
[ "$(stat -c '%a %U' /var/lib/disposisi)" = "700 disposisi" ] ||
    fail "/var/lib/disposisi: $(stat -c '%a %U' /var/lib/disposisi)"
unit=/lib/systemd/system/disposisi.service
grep -q '^ExecStart=/usr/sbin/disposisi run$' $unit || fail "unit: $(grep Exec $unit)"
[ -L /etc/systemd/system/multi-user.target.wants/disposisi.service ] ||
    fail "the unit is not enabled"
grep -q '^Type=notify$' $unit && grep -q '^WatchdogSec=' $unit ||
    fail "unit: not Type=notify with a watchdog"
[ -f /lib/systemd/system/disposisi-backup.service ] &&
    [ -L /etc/systemd/system/timers.target.wants/disposisi-backup.timer ] ||
    fail "the daily backup's service and enabled timer"
[ "$(stat -c '%a %U' /var/backups/disposisi)" = "700 disposisi" ] ||
    fail "/var/backups/disposisi: $(stat -c '%a %U' /var/backups/disposisi)"
ok "binary, man pages, conffiles, user, /var/lib/disposisi 0700, unit enabled"
ok "the unit watched (notify, watchdog); the backup timer enabled, its directory 0700"

# The installed robot on the installed config (-f not given), as its user:
# the example names a password file the admin has yet to write.
/usr/sbin/disposisi version | grep -q '^disposisi ' || fail "version"
rc=0; out=$(runuser -u disposisi -- disposisi check 2>&1) || rc=$?
[ $rc = 78 ] && echo "$out" | grep -q /etc/disposisi/password ||
    fail "check before the password file: $rc $out"
install -m 0600 -o disposisi -g disposisi /dev/null /etc/disposisi/password
echo secret > /etc/disposisi/password
out=$(runuser -u disposisi -- disposisi check 2>&1) || fail "check: $out"
echo "$out" | grep -q '^/etc/disposisi/disposisi.conf: OK' || fail "check: $out"
ok "disposisi check on /etc/disposisi/disposisi.conf"
# explain without -f reads the installed rules, not a checkout's (none in /).
out=$(cd / && disposisi explain "$tree/tests/corpus/ar-gmail-vacation.eml" 2>&1) ||
    fail "explain: $out"
ok "disposisi explain with the installed config"
# The installed config pointed at a mail sandbox: doctor passes as the
# package's user (tests/deb-doctor.py starts and stops the sandbox).
python3 "$tree/tests/deb-doctor.py" || fail "doctor against the sandbox"

# An edited conffile survives a reinstall; remove keeps config and state.
echo "# edited by the admin" >> /etc/disposisi/disposisi.conf
echo state > /var/lib/disposisi/marker
apt-get install -y -qq --reinstall "$deb" >/dev/null
grep -q "edited by the admin" /etc/disposisi/disposisi.conf ||
    fail "reinstall lost the admin's edit"
apt-get remove -y -qq disposisi >/dev/null
[ ! -e /usr/sbin/disposisi ] || fail "remove left the binary"
[ -f /etc/disposisi/disposisi.conf ] && [ -f /var/lib/disposisi/marker ] ||
    fail "remove took the config or the state"
ok "reinstall keeps an edited conffile; remove keeps config and state"

# Purge takes config, password and state; the user stays (debian/postrm).
apt-get purge -y -qq disposisi >/dev/null
for p in /etc/disposisi /var/lib/disposisi $unit \
    /etc/systemd/system/multi-user.target.wants/disposisi.service; do
	[ ! -e "$p" ] || fail "purge left $p"
done
getent passwd disposisi >/dev/null || fail "purge removed the user"
ok "purge removes /etc/disposisi and /var/lib/disposisi, keeps the user"
trap - EXIT
