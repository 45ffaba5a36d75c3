#!/usr/bin/env bash
# Debian toolchains the snippet round-trip tests run generated code with (go, ruby, php, C + libcurl).
set -euo pipefail
need=()
command -v go >/dev/null || need+=(golang-go)
command -v ruby >/dev/null || need+=(ruby)
command -v php >/dev/null || need+=(php-cli)
php -m 2>/dev/null | grep -qx curl || need+=(php-curl)
[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ] || [ -n "$(find /usr/include -name curl.h -path '*curl/*' -print -quit 2>/dev/null)" ] || need+=(libcurl4-openssl-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
