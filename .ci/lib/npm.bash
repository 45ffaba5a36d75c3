# Shared by .ci/install.d/*.sh (sourced, never run: .ci/run runs only install.d/*.sh).
# npm_install_pinned DIR PACKAGE VERSION [BIN]: install PACKAGE@VERSION into .ci/node/DIR (never globally) unless
# that exact version is there already (and, when BIN is given, node_modules/.bin/BIN is executable).
npm_install_pinned() {
  local root dest package="$2" version="$3" bin="${4:-}"
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  dest="$root/.ci/node/$1"
  if { [ -z "$bin" ] || [ -x "$dest/node_modules/.bin/$bin" ]; } && \
     grep -q "\"version\": \"$version\"" "$dest/node_modules/$package/package.json" 2>/dev/null; then
    return 0
  fi
  mkdir -p "$dest"
  (cd "$dest" && { [ -f package.json ] || echo "{\"name\": \"apiforge-ci-$1\", \"private\": true}" > package.json; } \
    && npm install --no-audit --no-fund --loglevel=error "$package@$version" >/dev/null)
}
