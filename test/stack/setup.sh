#!/usr/bin/env bash
# setup.sh - everything a fresh Debian machine with Node 20 needs, as root: the Debian packages
# (Keystone, Glance, python-glanceclient, keychain and shell tools), npm ci, the build, a running
# local stack, and a first `tsglance image-list` against it.  Idempotent; never reads stdin.
#   STATE=/tmp/glance-stack (and up.sh's port variables) select the stack.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${STATE:-/tmp/glance-stack}
export STATE

log() { printf '[setup] %s\n' "$*" >&2; }

if [ "$(id -u)" = 0 ]; then
  bash "$ROOT/test/stack/install.sh"
elif command -v sudo >/dev/null; then
  sudo -n bash "$ROOT/test/stack/install.sh"
else
  log "run as root (apt-get install is needed)"; exit 1
fi

cd "$ROOT"
log "npm ci"
npm ci --no-audit --no-fund </dev/null
log "npm run build"
npm run build </dev/null

running=0
if [ -f "$STATE/openrc" ]; then
  . "$STATE/openrc"
  if curl -fs -o /dev/null --max-time 3 "$OS_AUTH_URL" && curl -fs -o /dev/null --max-time 3 "$GLANCE_STACK_GLANCE_URL/versions"; then
    running=1
  fi
fi
if [ "$running" = 1 ]; then
  log "the local stack in $STATE is already running"
else
  bash "$ROOT/test/stack/down.sh" >/dev/null 2>&1 || true
  log "starting the local Keystone + Glance stack in $STATE"
  bash "$ROOT/test/stack/up.sh" </dev/null
fi

. "$STATE/openrc"
log "tsglance image-list (admin of the local stack; . $STATE/openrc to do the same)"
"$ROOT/bin/tsglance" image-list </dev/null
