#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests and the web benchmark (never a downloaded browser).
# Prints the binary's path. Idempotent: does nothing when /usr/bin/chromium is already there.
set -euo pipefail
LOG_TAG=browser
# shellcheck source=lib/common.sh
source "$(dirname "$0")/lib/common.sh"

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ ! -x "$CHROMIUM" ]]; then
  apt_install chromium fonts-dejavu-core
fi
[[ -x "$CHROMIUM" ]] || die "no chromium at $CHROMIUM after install"
log "$("$CHROMIUM" --version 2>/dev/null || echo chromium)"
echo "$CHROMIUM"
