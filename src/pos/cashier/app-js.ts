/**
 * @module pos/cashier/app-js
 * The cashier page's script. The device key lives in localStorage on the till only. Each earn or
 * redeem gets a fresh Idempotency-Key when the cashier presses the button; a network retry of
 * that same press reuses it, so a flaky connection can never earn twice.
 * Camera: BarcodeDetector where the browser has it, else the bundled jsQR (loaded on demand).
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
    const button = document.createElement('button'); button.type = 'button'; button.textContent = 'Redeem';
    button.addEventListener('click', () => redeem(v, button));
    li.append(v.label + ' (until ' + v.expiresAt.slice(0, 10) + ') ', button); list.append(li);
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
  if (!state.card) return;
  const currency = el('currency').value.trim().toUpperCase();
  let amount;
  try { amount = toMinor(el('amount').value, currency); } catch { amount = null; }
  if (amount === null) { say('Enter the amount like 24.50', 'error'); return; }
  localStorage.setItem('zeropass.currency', currency);
  const body = { card: state.card.card, amount, currency, receiptRef: el('receipt').value.trim() };
  const res = await api('/v1/pos/earn', body, crypto.randomUUID());
  if (!res.ok) { say(res.data.detail || 'Earn failed', 'error'); return; }
  state.card.points = res.data.entry.balance; render(state.card);
  say('+' + res.data.entry.points + ' points. Balance ' + res.data.entry.balance + '.', 'ok');
  el('amount').value = ''; el('receipt').value = '';
}

async function redeem(voucher, button) {
  button.disabled = true;
  const res = await api('/v1/pos/redeem', { card: state.card.card, voucher: voucher.id }, crypto.randomUUID());
  if (!res.ok) { button.disabled = false; say(res.data.detail || 'Redeem failed', 'error'); return; }
  state.card.vouchers = state.card.vouchers.filter((v) => v.id !== voucher.id); render(state.card);
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
