// Runs browser snippets in jsdom windows: a spec-following XMLHttpRequest, FormData and Blob, with the browser's
// rules (forbidden headers, CORS from the page origin below). Each file gets a fresh window; its output ends
// with a marker line once every XMLHttpRequest it sent has finished.
// Usage: node xhr_page.js snippet1.js [snippet2.js ...]
const fs = require('fs');
const { JSDOM, VirtualConsole } = require('jsdom');

const END = '@@apiforge-snippet-end@@';

function runInWindow(file) {
  return new Promise((resolve) => {
    const virtualConsole = new VirtualConsole();
    virtualConsole.sendTo(console, { omitJSDOMErrors: false });
    const dom = new JSDOM('<!doctype html><title>snippet</title>', {
      url: 'http://app.example.test/',
      runScripts: 'outside-only',
      virtualConsole,
    });
    const { window } = dom;
    let pending = 0;
    const send = window.XMLHttpRequest.prototype.send;
    window.XMLHttpRequest.prototype.send = function (...args) {
      pending += 1;
      this.addEventListener('loadend', () => {
        pending -= 1;
        // let the snippet's own readystatechange/loadend listeners print first
        setTimeout(() => pending === 0 && finish(), 0);
      });
      return send.apply(this, args);
    };
    const finish = () => {
      window.close();
      resolve();
    };
    try {
      window.eval(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      console.log('@@apiforge-snippet-failed@@', error && error.stack ? error.stack : error);
      finish();
      return;
    }
    if (pending === 0) finish();
  });
}

(async () => {
  for (const file of process.argv.slice(2)) {
    await runInWindow(file);
    console.log(END);
  }
})();
