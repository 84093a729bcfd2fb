# shellcheck shell=bash disable=SC2034
# Shared helpers for tests/sandbox/{start,stop,fault}. Sourced, not run.
#
# Facts behind the helpers are in /work/shared/notes/mailtest.md ("pitfalls").

SANDBOX_DOMAIN=muaraenimkab.go.id
SANDBOX_USERS="tte sekdis kadis kabid.persandian sandiman verifikator1 verifikator2
verifikator3 egov pemohon budi siti andi admin outbound tu"

die() { echo "sandbox: $*" >&2; exit "${DIE_RC:-1}"; }
say() { echo "sandbox: $*" >&2; }

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (daemons drop to mail/postfix/dovecot users)"; }

# sandbox_dir [ARG]: sets DIR (absolute). Short path because unix socket
# paths are limited to 108 bytes; a plain charset because DIR is pasted
# unquoted into Dovecot and Postfix config files.
sandbox_dir() {
    DIR=${1:-${SANDBOX_DIR:-/tmp/dsx-sandbox}}
    case $DIR in /*) ;; *) DIR=$PWD/$DIR ;; esac
    DIR=${DIR%/}
    [ ${#DIR} -le 60 ] || die "DIR too long (${#DIR} > 60 chars): $DIR"
    [[ $DIR =~ ^[A-Za-z0-9._/+-]+$ ]] || die "DIR may only contain [A-Za-z0-9._/+-]: $DIR"
    [ "$DIR" != / ] || die "refusing DIR=/"
    DOVECOT_CONF=$DIR/etc/dovecot.conf
    POSTFIX_CONF=$DIR/etc/postfix
    DOVECOT_PIDFILE=$DIR/run/dovecot/master.pid
    POSTFIX_PIDFILE=$DIR/spool/postfix/pid/master.pid
}

# alive PID: true if the process exists and is not a zombie. PID 1 here may
# reap orphans late, and kill -0 succeeds on a zombie (pitfall 1).
alive() {
    local stat
    [[ $1 =~ ^[0-9]+$ ]] || return 1
    # read, not $(cat): no fork, this runs in tight polling loops.
    { read -r stat < "/proc/$1/stat"; } 2>/dev/null || return 1
    # Field 3 follows the last ')' (comm may itself contain ')' or spaces).
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# pidfile_pid FILE: print the pid in FILE (Postfix pads it with spaces).
pidfile_pid() {
    local pid
    [ -r "$1" ] || return 1
    read -r pid < "$1" || [ -n "$pid" ] || return 1
    pid=${pid//[[:space:]]/}
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    echo "$pid"
}

# running_pid FILE: print the pid if FILE names a live process.
running_pid() {
    local pid
    pid=$(pidfile_pid "$1") && alive "$pid" && echo "$pid"
}

# children PID: print the live direct children of PID (from /proc, no ps).
children() {
    local f stat rest
    for f in /proc/[0-9]*/stat; do
        { read -r stat < "$f"; } 2>/dev/null || continue
        rest=${stat##*) }             # "S PPID ..."
        rest=${rest#* }
        if [ "${rest%% *}" = "$1" ]; then
            f=${f#/proc/}; f=${f%/stat}
            alive "$f" && echo "$f"
        fi
    done
}

# wait_gone TIMEOUT_MS PID...: wait until none of PIDs is alive; KILL the
# survivors after TIMEOUT_MS and wait a little more. Returns 1 if any survives.
wait_gone() {
    local deadline=$(( $(date +%s%N) + $1 * 1000000 )) p left killed=''; shift
    while :; do
        left=
        for p in "$@"; do alive "$p" && left+=" $p"; done
        [ -z "$left" ] && return 0
        if [ "$(date +%s%N)" -gt "$deadline" ]; then
            if [ -n "$killed" ]; then
                say "could not kill:$left"
                return 1
            fi
            # shellcheck disable=SC2086
            kill -KILL $left 2>/dev/null
            killed=1
            deadline=$(( $(date +%s%N) + 2000000000 ))
        fi
        sleep 0.01
    done
}

# port_open PORT: true if something accepts on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# load_saved_env: ports/password of an earlier start (DIR/env) become the
# defaults, so stop/start/fault keep talking to what actually runs.
# Variables set by the caller win.
load_saved_env() {
    local v out
    [ -r "$DIR/env" ] || return 0
    # shellcheck disable=SC2016  # expanded by the inner bash
    out=$(env -i bash -c '. "$1" || exit 1
        for v in SANDBOX_IMAP_PORT SANDBOX_IMAPS_PORT SANDBOX_SMTP_PORT \
                 SANDBOX_SUBMISSION_PORT SANDBOX_SMTPS_PORT SANDBOX_LMTP_PORT SANDBOX_PASSWORD; do
            printf "saved_%s=%q\n" "$v" "${!v}"
        done' _ "$DIR/env") || return 0
    eval "$out"
    for v in SANDBOX_IMAP_PORT SANDBOX_IMAPS_PORT SANDBOX_SMTP_PORT \
             SANDBOX_SUBMISSION_PORT SANDBOX_SMTPS_PORT SANDBOX_LMTP_PORT SANDBOX_PASSWORD; do
        local s=saved_$v
        [ -z "${!v:-}" ] && [ -n "${!s:-}" ] && printf -v "$v" %s "${!s}"
    done
    return 0
}

# sandbox_settings: ports and password (env > DIR/env > defaults).
sandbox_settings() {
    load_saved_env
    IMAP_PORT=${SANDBOX_IMAP_PORT:-10143}
    IMAPS_PORT=${SANDBOX_IMAPS_PORT:-10993}
    SMTP_PORT=${SANDBOX_SMTP_PORT:-10025}
    SUBMISSION_PORT=${SANDBOX_SUBMISSION_PORT:-10587}
    SMTPS_PORT=${SANDBOX_SMTPS_PORT:-10465}
    LMTP_PORT=${SANDBOX_LMTP_PORT:-10024}
    PASSWORD=${SANDBOX_PASSWORD:-secret}
    local p
    for p in "$IMAP_PORT" "$IMAPS_PORT" "$SMTP_PORT" "$SUBMISSION_PORT" "$SMTPS_PORT" \
             "$LMTP_PORT"; do
        if ! [[ $p =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then
            die "bad port: $p"
        fi
    done
    # passwd-file fields are ':'-separated and have no escaping.
    [[ $PASSWORD =~ ^[^:[:space:]]+$ ]] || die "SANDBOX_PASSWORD must be non-empty, without ':' or blanks"
}
