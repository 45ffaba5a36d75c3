// Hand-written: fetch with a template-literal URL, an env secret, and a FormData body.
const fs = require('fs');
const base = `https://api.example.com/v1`;
const id = "a b";
const form = new FormData();
form.append('title', 'Zoë\'s "report"');
form.append('file', new Blob(['x,y\n1,2\n'], { type: 'text/csv' }), 'data.csv');
/* a comment with fetch("https://wrong.example") inside */
fetch(`${base}/uploads/${encodeURIComponent(id)}?dry=1`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${process.env.API_TOKEN}`, 'X-Unicode': '\u00e9\u{1F600}' },
  body: form,
}).then(r => r.json());
