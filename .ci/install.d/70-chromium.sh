#!/usr/bin/env bash
# Headless Chromium (Debian `chromium`): the evaluation report test opens the HTML report in it and checks that
# plotly drew its charts. Idempotent: does nothing when chromium is already on PATH.
set -euo pipefail
command -v chromium >/dev/null && exit 0
echo "apt-get install chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
