# shellcheck shell=bash
# Shared helpers for infra/*/start.sh and stop.sh. Source it, don't run it.
#
#   REPO   repo root (computed from this file's location)
#   STATE  ${OPENPOLICY_STATE:-$REPO/.data}  runtime data, logs, pid files

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$INFRA_DIR/.." && pwd)"
STATE="$(realpath -m "${OPENPOLICY_STATE:-$REPO/.data}")"

log() { printf '[%s] %s\n' "${LOG_TAG:-infra}" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "${LOG_TAG:-infra}" "$*" >&2; exit 1; }

# Create the state dir (absolute path) and make it self-ignoring for git.
ensure_state_dir() {
  mkdir -p "$STATE" "$STATE/logs"
  [[ -e "$STATE/.gitignore" ]] || printf '*\n' >"$STATE/.gitignore"
}

# port_open PORT [HOST] -> 0 if something accepts TCP connections there.
port_open() {
  local port="$1" host="${2:-127.0.0.1}"
  timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

# pid_alive PIDFILE [CMDLINE-SUBSTRING] -> 0 if the pid in PIDFILE is running
# (and, if given, its command line contains the substring).
pid_alive() {
  local pidfile="$1" needle="${2:-}" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(head -n1 "$pidfile" | tr -dc '0-9')"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -n "$needle" ]]; then
    local cmd
    cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    [[ "$cmd" == *"$needle"* ]] || return 1
  fi
}

# apt_install PKG... : non-interactive install that waits for the dpkg lock,
# runs `apt-get update` if the package index is empty/stale, and keeps the
# Debian postinst from auto-starting services (we run our own instances).
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* manually"
  [[ $EUID -eq 0 ]] || die "need root to apt-get install $*"
  export DEBIAN_FRONTEND=noninteractive
  local lock=(-o DPkg::Lock::Timeout=600) pkg need_update=0 added_policy=0
  for pkg in "$@"; do
    # (no `apt-cache | grep -q` pipe: with pipefail, SIGPIPE would read as "missing")
    local pol
    pol="$(apt-cache policy "$pkg" 2>/dev/null || true)"
    [[ "$pol" == *"Candidate: "[!\(]* ]] || need_update=1
  done
  if [[ $need_update -eq 1 ]]; then
    log "apt-get update"
    local tries=0
    # the lists lock is not covered by DPkg::Lock::Timeout: retry while busy
    until apt-get "${lock[@]}" update -qq; do
      tries=$((tries + 1))
      [[ $tries -lt 60 ]] || die "apt-get update failed"
      log "apt-get update failed (lock held by another apt?), retrying in 5s"
      sleep 5
    done
  fi
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  log "apt-get install -y $*"
  local rc=0
  apt-get "${lock[@]}" install -y -qq --no-install-recommends "$@" >/dev/null || rc=$?
  [[ $added_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
  [[ $rc -eq 0 ]] || die "apt-get install $* failed (rc=$rc)"
}
