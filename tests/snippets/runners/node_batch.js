// Runs many Node snippets in one process (Node's start-up and fetch's first load cost more than a request):
// each file runs unchanged as a CommonJS module body with its own `require` and `console`; the next starts once
// nothing the snippet started keeps the event loop alive. Output of each ends with a marker line.
// Usage: node node_batch.js snippet1.js [snippet2.js ...]
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { createRequire } = require('module');
const { Console } = require('console');
const { Writable } = require('stream');

const END = '@@apiforge-snippet-end@@';
let current = null;

process.on('uncaughtException', (error) => {
  if (current) current.write(`@@apiforge-snippet-failed@@ ${error && error.stack ? error.stack : error}\n`);
});
process.on('unhandledRejection', (error) => {
  if (current) current.write(`@@apiforge-snippet-failed@@ ${error && error.stack ? error.stack : error}\n`);
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 2));
const busy = () => process.getActiveResourcesInfo().filter((r) => r !== 'Timeout' && r !== 'Immediate').length;
if (process.env.BATCH_DEBUG) setInterval(() => console.error(process.getActiveResourcesInfo()), 500).unref();

(async () => {
  process.stdout.write(''); // open the output pipes now, so they count in the baseline
  process.stderr.write('');
  await tick();
  const baseline = busy();
  for (const file of process.argv.slice(2)) {
    const chunks = [];
    current = { write: (text) => chunks.push(text) };
    const stream = new Writable({
      write(chunk, encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const snippetConsole = new Console({ stdout: stream, stderr: process.stderr });
    const filename = path.resolve(file);
    try {
      const wrapper = vm.runInThisContext(
        `(function (require, console, module, exports, __filename, __dirname) {${fs.readFileSync(filename, 'utf8')}\n})`,
        { filename },
      );
      const module = { exports: {} };
      wrapper(createRequire(filename), snippetConsole, module, module.exports, filename, path.dirname(filename));
    } catch (error) {
      current.write(`@@apiforge-snippet-failed@@ ${error && error.stack ? error.stack : error}\n`);
    }
    // wait for the snippet's requests and callbacks (a few ticks of quiet, at most 60 s)
    for (let quiet = 0, waited = 0; quiet < 3 && waited < 30000; waited += 1) {
      await tick();
      quiet = busy() <= baseline ? quiet + 1 : 0;
    }
    process.stdout.write(chunks.join('') + END + '\n');
    current = null;
  }
})();
