/**
 * @module meta/docs-page
 * Interactive API docs at `/docs`, rendered in the browser from `/openapi.json` by a small
 * script served from this origin: no CDN, no third-party request, works offline and at the edge.
 * A packaged reference UI (Scalar's standalone bundle, Swagger UI) would add megabytes to the
 * Worker and ask the user to invent an Idempotency-Key for every POS write; this page fills one
 * in for each send, and shows header parameters the spec declares.
 */

export const docsHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>zeropass API</title><link rel="stylesheet" href="/docs/docs.css"></head>
<body><header><h1>zeropass API</h1><p id="version"></p>
<label>Authorization: Bearer <input id="token" autocomplete="off" spellcheck="false" placeholder="zpk_… or a shopper access token"></label>
<a href="/openapi.json">openapi.json</a></header><main id="ops" aria-live="polite">Loading…</main>
<script src="/docs/docs.js" defer></script></body></html>`;

export const docsCss = `:root{font:15px/1.45 system-ui,sans-serif;color:#1b1b1f;background:#fafafa}
body{margin:0}header{padding:1rem 2rem;background:#111;color:#fff;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header h1{margin:0;font-size:1.3rem}header a{color:#9cf}header input{width:28rem;max-width:80vw;font:inherit}
main{padding:1rem 2rem;max-width:70rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
details{background:#fff;border:1px solid #ddd;border-radius:6px;margin:.4rem 0}
summary{cursor:pointer;padding:.5rem .8rem;display:flex;gap:.8rem;align-items:baseline}
.m{font:600 .8rem monospace;text-transform:uppercase;min-width:4rem}.get{color:#0a7}.post{color:#06c}.patch{color:#b60}
.put{color:#b60}.delete{color:#c22}code,pre,textarea{font:13px monospace}.body{padding:0 1rem 1rem}
pre{background:#f3f3f5;padding:.6rem;overflow:auto;max-height:24rem}textarea{width:100%;min-height:7rem}
label.p{display:block;margin:.3rem 0}button{font:inherit;padding:.3rem 1rem}`;

export const docsJs = `'use strict';
const $ = (tag, attrs = {}, ...kids) => { const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) k === 'text' ? (el.textContent = v) : el.setAttribute(k, v);
  el.append(...kids); return el; };
const tokenInput = document.getElementById('token');
tokenInput.value = sessionStorage.getItem('zp-docs-token') || '';
tokenInput.addEventListener('change', () => sessionStorage.setItem('zp-docs-token', tokenInput.value));
function resolve(spec, schema) {
  if (schema && schema.$ref) return resolve(spec, spec.components.schemas[schema.$ref.split('/').pop()]);
  return schema || {};
}
function sample(spec, schema, depth = 0) {
  const s = resolve(spec, schema);
  if (s.example !== undefined) return s.example;
  if (depth > 4) return null;
  if (s.type === 'object' || s.properties) {
    const out = {}; for (const [k, v] of Object.entries(s.properties || {})) out[k] = sample(spec, v, depth + 1); return out;
  }
  if (s.type === 'array') return [sample(spec, s.items, depth + 1)];
  if (s.enum) return s.enum[0];
  return { string: '', integer: 0, number: 0, boolean: false }[s.type] ?? null;
}
// A write's Idempotency-Key, new for every send. crypto.randomUUID needs a secure context, which
// a plain-HTTP LAN address is not; getRandomValues works everywhere.
const freshKey = () => 'docs-' + Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
function operation(spec, path, method, op) {
  const params = (op.parameters || []).filter((p) => ['path', 'query', 'header'].includes(p.in));
  const inputs = params.map((p) => { const fresh = p.in === 'header' && p.name.toLowerCase() === 'idempotency-key';
    const i = $('input', { name: p.name, placeholder: fresh ? 'empty: a new key for every send' : p.in });
    return [p, i, $('label', { class: 'p' }, p.name + (p.in === 'header' ? ' (header) ' : ' '), i)]; });
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const body = bodySchema ? $('textarea', { 'aria-label': 'request body' }) : null;
  if (body) body.value = JSON.stringify(sample(spec, bodySchema), null, 2);
  const out = $('pre', { 'aria-live': 'polite' });
  const send = $('button', { type: 'button', text: 'Send' });
  send.addEventListener('click', async () => {
    let url = path; const q = new URLSearchParams(); const headers = {}; const notes = [];
    for (const [p, i] of inputs) { let value = i.value.trim();
      if (!value && p.in === 'header' && p.name.toLowerCase() === 'idempotency-key') {
        value = freshKey(); notes.push(p.name + ': ' + value); }
      if (!value) continue;
      if (p.in === 'path') url = url.replace('{' + p.name + '}', encodeURIComponent(value));
      else if (p.in === 'header') headers[p.name] = value; else q.set(p.name, value); }
    if (tokenInput.value) headers.authorization = 'Bearer ' + tokenInput.value.trim();
    if (body) headers['content-type'] = 'application/json';
    out.textContent = '…';
    const res = await fetch(url + (q.size ? '?' + q : ''), { method: method.toUpperCase(), headers, body: body ? body.value : undefined });
    const text = await res.text(); let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
    out.textContent = [...notes, res.status + ' ' + res.statusText, '', shown].join('\\n');
  });
  const responses = Object.entries(op.responses || {}).map(([code, r]) => code + ' ' + (r.description || '')).join('\\n');
  return $('details', {}, $('summary', {}, $('span', { class: 'm ' + method, text: method }), $('code', { text: path }),
    $('span', { text: op.summary || '' })), $('div', { class: 'body' }, $('p', { text: op.description || '' }),
    ...inputs.map((x) => x[2]), ...(body ? [body] : []), $('pre', { text: responses }), send, out));
}
fetch('/openapi.json').then((r) => r.json()).then((spec) => {
  document.getElementById('version').textContent = spec.info.title + ' ' + spec.info.version;
  const groups = new Map();
  for (const [path, item] of Object.entries(spec.paths)) for (const [method, op] of Object.entries(item)) {
    const tag = (op.tags || ['Other'])[0]; if (!groups.has(tag)) groups.set(tag, []);
    groups.get(tag).push(operation(spec, path, method, op)); }
  const main = document.getElementById('ops'); main.textContent = '';
  for (const [tag, ops] of groups) main.append($('h2', { text: tag }), ...ops);
});`;
