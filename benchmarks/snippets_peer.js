// The peer for benchmarks/snippets.py: npm openapi-snippet rendering every operation of the given specs in the
// given targets. Prints JSON {snippets, failures, seconds} (spec parsing excluded from the time).
// Usage: node snippets_peer.js TARGETS_CSV spec1.json [spec2.json ...]   (NODE_PATH = folder with openapi-snippet)
const fs = require('fs');
const OpenAPISnippet = require('openapi-snippet');

const targets = process.argv[2].split(',');
const specs = process.argv.slice(3).map((file) => JSON.parse(fs.readFileSync(file, 'utf8')));
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

let snippets = 0;
let failures = 0;
const start = process.hrtime.bigint();
for (const spec of specs) {
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      if (!item[method]) continue;
      try {
        snippets += OpenAPISnippet.getEndpointSnippets(spec, path, method, targets).snippets.length;
      } catch (error) {
        failures += 1;
      }
    }
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({ snippets, failures, seconds }));
