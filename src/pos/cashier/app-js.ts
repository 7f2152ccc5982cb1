/**
 * @module pos/cashier/app-js
 * The cashier page's script. The device key lives in localStorage on the till only.
 * Exactly once from the till's side: a write's button is disabled while its request runs (a
 * double click sends one request), and each purchase or redemption keeps one Idempotency-Key
 * until the server gives a definite answer (2xx, or a 4xx problem other than a transient one).
 * So when the cashier presses Earn again after a network error or a 5xx, which may have come
 * after the server earned, the retry replays that earn instead of earning twice; a changed
 * amount, receipt or card is another purchase, and gets another key.
 * Camera: BarcodeDetector where the browser has it, else the bundled jsQR (loaded on demand).
 * Redeeming spends from the card, so it sends the scan token the lookup answered (good for 5
 * minutes at this till); a pass code the brand does not let spend answers none, and the page
 * asks for the rotating code instead of offering Redeem.
 */

export const cashierJs = `'use strict';
const KEY = 'zeropass.posKey';
const el = (id) => document.getElementById(id);
const state = { card: null };

function say(text, kind) { const m = el('message'); m.textContent = text; m.className = kind || ''; }

async function api(path, body, idempotencyKey) {
  const headers = { authorization: 'Bearer ' + localStorage.getItem(KEY) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const init = { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) };
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(path, init);
      const data = await res.json().catch(() => ({}));
      if (res.status === 409 && data.code === 'idempotency_conflict') { await new Promise((r) => setTimeout(r, 300)); continue; }
      return { ok: res.ok, status: res.status, data };
    } catch (error) { lastError = error; await new Promise((r) => setTimeout(r, 300 * (attempt + 1))); }
  }
  return { ok: false, status: 0, data: { detail: 'Network error: ' + (lastError ? lastError.message : 'retry') } };
}

// Idempotency-Keys of writes not yet definitely answered, by path and payload. A transient
// refusal (429, idempotency_conflict) frees the key on the server, so it may be reused as well.
const unanswered = new Map();
function definite(res) { return res.status >= 200 && res.status < 500 && res.status !== 429 && res.data.code !== 'idempotency_conflict'; }

async function write(path, body) {
  const id = path + ' ' + JSON.stringify(body);
  let key = unanswered.get(id);
  if (!key) { key = crypto.randomUUID(); unanswered.set(id, key); }
  const res = await api(path, body, key);
  if (definite(res)) unanswered.delete(id);
  return res;
}

async function start() {
  const key = localStorage.getItem(KEY);
  el('setup').hidden = !!key; el('till').hidden = !key; el('forget').hidden = !key;
  if (!key) return;
  const who = await api('/v1/pos/whoami');
  if (!who.ok) { say(who.status === 401 ? 'This device key is not valid any more.' : who.data.detail, 'error'); el('setup').hidden = false; el('till').hidden = true; return; }
  el('binding').textContent = 'Store ' + who.data.storeId + ' · device ' + who.data.deviceId;
  const saved = localStorage.getItem('zeropass.currency'); if (saved) el('currency').value = saved;
  el('code').focus();
}

function render(card) {
  state.card = card;
  el('card').hidden = false;
  el('points').textContent = String(card.points);
  el('tier').textContent = card.tier ? card.tier.label : '';
  el('status').textContent = card.status === 'active' ? '' : 'Card ' + card.status;
  const list = el('vouchers'); list.replaceChildren();
  if (card.vouchers.length === 0) { const li = document.createElement('li'); li.textContent = 'None'; list.append(li); }
  for (const v of card.vouchers) {
    const li = document.createElement('li');
    li.append(v.label + ' (until ' + v.expiresAt.slice(0, 10) + ') ');
    if (card.spend) {
      const button = document.createElement('button'); button.type = 'button'; button.textContent = 'Redeem';
      button.addEventListener('click', () => redeem(v, button));
      li.append(button);
    }
    list.append(li);
  }
  if (card.vouchers.length > 0 && !card.spend) {
    const li = document.createElement('li'); li.textContent = 'To redeem, scan the rotating code in the shopper’s app.'; list.append(li);
  }
}

async function lookUp(code) {
  say('Looking up…');
  const res = await api('/v1/pos/scan', { code: code.trim() });
  if (!res.ok) { el('card').hidden = true; state.card = null; say(res.data.detail || 'Scan failed', 'error'); return; }
  render(res.data); say('Card found.', 'ok');
}

function toMinor(text, currency) {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  const match = /^(\\d{1,9})(?:[.,](\\d+))?$/.exec(text.trim());
  if (!match || (match[2] || '').length > digits) return null;
  return Number(match[1]) * Math.pow(10, digits) + Number((match[2] || '').padEnd(digits, '0') || '0');
}

async function earn(event) {
  event.preventDefault();
  const button = el('earn');
  // Disabled before the first await: the second click of a double click finds it disabled (and
  // the guard also stops Enter in a field, which submits the form without clicking).
  if (!state.card || button.disabled) return;
  const currency = el('currency').value.trim().toUpperCase();
  let amount;
  try { amount = toMinor(el('amount').value, currency); } catch { amount = null; }
  if (amount === null) { say('Enter the amount like 24.50', 'error'); return; }
  localStorage.setItem('zeropass.currency', currency);
  const card = state.card;
  const body = { card: card.card, amount, currency, receiptRef: el('receipt').value.trim() };
  button.disabled = true;
  let res;
  try { res = await write('/v1/pos/earn', body); } finally { button.disabled = false; }
  if (!res.ok) { say(res.data.detail || 'Earn failed', 'error'); return; }
  if (state.card === card) { card.points = res.data.entry.balance; render(card); }
  say('+' + res.data.entry.points + ' points. Balance ' + res.data.entry.balance + '.', 'ok');
  el('amount').value = ''; el('receipt').value = '';
}

async function redeem(voucher, button) {
  if (!state.card || button.disabled) return;
  button.disabled = true;
  const card = state.card;
  const res = await write('/v1/pos/redeem', { card: card.card, scanToken: card.spend.token, voucher: voucher.id });
  if (!res.ok) { button.disabled = false; say(res.data.detail || 'Redeem failed', 'error'); return; }
  // Another card may have been scanned meanwhile: only the card redeemed from loses the voucher.
  card.vouchers = card.vouchers.filter((v) => v.id !== voucher.id);
  if (state.card === card) render(card);
  say('Redeemed: ' + voucher.label + '.', 'ok');
}

function loadDecoder() {
  if (window.jsQR) return Promise.resolve(window.jsQR);
  return new Promise((resolve, reject) => {
    const s = document.createElement('script'); s.src = '/pos/qr-decoder.js';
    s.onload = () => resolve(window.jsQR); s.onerror = reject; document.head.append(s);
  });
}

async function camera() {
  const video = el('video');
  let stream;
  try { stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }); }
  catch { say('No camera available: type the code instead.', 'error'); return; }
  video.srcObject = stream; video.hidden = false; await video.play();
  const detector = 'BarcodeDetector' in window ? new BarcodeDetector({ formats: ['qr_code', 'pdf417', 'aztec', 'code_128'] }) : null;
  const decode = detector ? null : await loadDecoder();
  const canvas = document.createElement('canvas'); const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const stop = () => { for (const t of stream.getTracks()) t.stop(); video.hidden = true; };
  const tick = async () => {
    if (video.hidden) return;
    let value = null;
    if (detector) { const found = await detector.detect(video).catch(() => []); value = found[0] ? found[0].rawValue : null; }
    else if (video.videoWidth) {
      canvas.width = video.videoWidth; canvas.height = video.videoHeight; ctx.drawImage(video, 0, 0);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const hit = decode(img.data, img.width, img.height); value = hit ? hit.data : null;
    }
    if (value) { stop(); el('code').value = value; lookUp(value); } else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

el('setup-form').addEventListener('submit', (e) => { e.preventDefault(); localStorage.setItem(KEY, el('device-key').value.trim()); el('device-key').value = ''; say(''); start(); });
el('forget').addEventListener('click', () => { localStorage.removeItem(KEY); el('card').hidden = true; el('binding').textContent = ''; start(); });
el('scan-form').addEventListener('submit', (e) => { e.preventDefault(); lookUp(el('code').value); });
el('earn-form').addEventListener('submit', earn);
el('camera').addEventListener('click', camera);
start();
`;
