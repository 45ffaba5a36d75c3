#!/usr/bin/env bash
# OAuth servers for tests/execute/test_oauth2.py: the npm `oauth2-mock-server` (client credentials, authorization
# code with PKCE, refresh tokens) into .ci/node/oauth2-mock-server (never globally; 8.1.0 is the last release that
# runs on Node 20), and the Python `oidc-provider-mock` (an OpenID provider; paired with Kinto's openid plugin).
# OAuth1 needs no server install: the test builds one on `oauthlib`; SigV4 uses `moto_server` (moto[server]).
set -euo pipefail
# shellcheck source=../lib/npm.bash
. "$(dirname "${BASH_SOURCE[0]}")/../lib/npm.bash"
npm_install_pinned oauth2-mock-server oauth2-mock-server "8.1.0"
python -c "import oidc_provider_mock" 2>/dev/null || python -m pip install --quiet "oidc-provider-mock>=0.3"
python -c "import authlib, oauthlib" 2>/dev/null || python -m pip install --quiet "authlib>=1.3" "oauthlib>=3.2"
python -c "import moto.server" 2>/dev/null || python -m pip install --quiet "moto[server]>=5"
