// oauth2-mock-server (npm) for tests/execute/test_oauth2.py, plus what the mock leaves out so tests can fail:
// client authentication (id and secret checked), PKCE required for the code grant, refresh tokens that must have
// been issued (and rotate), a token lifetime set by the test, and a protected API (`/api/*`) that accepts only
// unexpired access tokens this server issued. `/admin/revoke-all` forgets them (to provoke a 401), `/admin/stats`
// counts token and API requests.
// Usage: node oauth2_mock_server.mjs MODULE_PATH PORT CLIENT_ID CLIENT_SECRET TOKEN_TTL_SECONDS
import { pathToFileURL } from 'node:url';

const [modulePath, port, clientId, clientSecret, ttl] = process.argv.slice(2);
const { OAuth2Server } = await import(pathToFileURL(modulePath).href);
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');

const issued = new Map(); // access token -> expiry (ms since epoch)
const refreshTokens = new Set();
const stats = { token: 0, api: 0, grants: {} };

function client(req) {
  const header = req.headers.authorization || '';
  if (header.startsWith('Basic ')) {
    const [id, ...rest] = Buffer.from(header.slice(6), 'base64').toString().split(':');
    return { id: decodeURIComponent(id), secret: decodeURIComponent(rest.join(':')) };
  }
  return { id: req.body.client_id, secret: req.body.client_secret };
}

function refuse(response, status, error) {
  response.statusCode = status;
  response.body = { error };
}

server.service.on('beforeResponse', (response, req) => {
  const grant = req.body.grant_type;
  stats.token += 1;
  stats.grants[grant] = (stats.grants[grant] || 0) + 1;
  const who = client(req);
  if (who.id !== clientId) return refuse(response, 401, 'invalid_client');
  if (grant === 'client_credentials' && who.secret !== clientSecret) return refuse(response, 401, 'invalid_client');
  if (grant === 'authorization_code' && !req.body.code_verifier) return refuse(response, 400, 'invalid_request');
  if (grant === 'refresh_token') {
    if (!refreshTokens.has(req.body.refresh_token)) return refuse(response, 400, 'invalid_grant');
    refreshTokens.delete(req.body.refresh_token);
  }
  if (response.statusCode === 200) {
    response.body.expires_in = Number(ttl);
    issued.set(response.body.access_token, Date.now() + Number(ttl) * 1000);
    if (response.body.refresh_token) refreshTokens.add(response.body.refresh_token);
  }
});

const app = server.service.requestHandler;
app.get(/^\/api\/.*/, (req, res) => {
  stats.api += 1;
  const header = req.headers.authorization || '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  const expiry = issued.get(token);
  if (!expiry || expiry < Date.now()) {
    res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').json({ message: 'invalid token' });
    return;
  }
  res.json({ ok: true, path: req.path });
});
app.post('/admin/revoke-all', (_req, res) => {
  issued.clear();
  res.json({ revoked: true });
});
app.get('/admin/stats', (_req, res) => res.json(stats));

await server.start(Number(port), '127.0.0.1');
console.log(`oauth2-mock-server on ${server.issuer.url}`);
