/**
 * @module demo/app-js
 * The shopper demo page's script, served same-origin as `/demo/app.js` (the page's CSP allows
 * no inline script). It walks the shopper's path with the public API only: a dev Apple token
 * (`POST /dev/apple/token`) exchanged for a session (`POST /v1/auth/apple`); the brand's `join`
 * layout through the `<zp-layout>` component with that session; the card from `GET /v1/me/card`,
 * whose rotating code it computes itself (RFC 6238 with WebCrypto, as a shopper's app would,
 * offline) and shows as a QR drawn by `POST /demo/qr.svg`; and both wallet buttons.
 *
 * The session stays in memory only. Plain ES2020 in a string, like the cashier page, so both
 * runtimes serve it without a bundler step; it writes text with textContent only.
 */

export const demoJs = `'use strict';
(function () {
  var main = document.querySelector('main');
  var brand = main.dataset.brand;
  var layout = main.dataset.layout;
  var state = { token: null, rotating: null, step: -1, qrUrl: null };
  function $(id) { return document.getElementById(id); }

  function say(text, isError) {
    var m = $('message');
    m.textContent = text || '';
    m.className = isError ? 'error' : '';
  }

  function api(path, init) {
    init = init || {};
    var headers = Object.assign({}, init.headers || {});
    if (state.token) headers.authorization = 'Bearer ' + state.token;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    return fetch(path, {
      method: init.method || 'GET', headers: headers, credentials: 'omit',
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
  }

  // What a problem+json answer says, for the shopper.
  function problem(res) {
    return res.json().then(function (body) {
      return body.detail || body.title || 'HTTP ' + res.status;
    }, function () { return 'HTTP ' + res.status; });
  }

  function randomHex(bytes) {
    var a = crypto.getRandomValues(new Uint8Array(bytes));
    return Array.prototype.map.call(a, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  $('sign-in').addEventListener('click', async function () {
    var button = this;
    button.disabled = true;
    say('Signing in…');
    try {
      // A fresh dev identity per visit: each sign-in is a new shopper.
      var minted = await api('/dev/apple/token', { method: 'POST', json: { sub: 'demo.' + randomHex(8), brand: brand } });
      if (!minted.ok) throw new Error(await problem(minted));
      var token = await minted.json();
      var session = await api('/v1/auth/apple', { method: 'POST', json: { brand: brand, identityToken: token.identityToken } });
      if (!session.ok) throw new Error(await problem(session));
      state.token = (await session.json()).accessToken;
      $('step-sign-in').hidden = true;
      showJoin();
      say('Signed in. Join the programme to get your card.');
    } catch (e) {
      button.disabled = false;
      say('Sign-in failed: ' + e.message, true);
    }
  });

  function showJoin() {
    var form = document.createElement('zp-layout');
    form.setAttribute('brand', brand);
    form.setAttribute('layout', layout);
    form.setAttribute('locale', navigator.language || 'en');
    // A property, not an attribute: the token never sits in the DOM.
    form.session = state.token;
    $('join-slot').appendChild(form);
    $('step-join').hidden = false;
  }

  document.addEventListener('zp-submitted', function (event) {
    // The submission answers a renewal of the session.
    state.token = event.detail.accessToken;
    // The form has done its part (its receipt went with the answer): the card takes its place.
    $('step-join').hidden = true;
    say('Welcome! Here is your card.');
    showCard().catch(function (e) { say('Could not load the card: ' + e.message, true); });
  });

  async function showCard() {
    var res = await api('/v1/me/card');
    if (!res.ok) throw new Error(await problem(res));
    var card = await res.json();
    var e = card.entitlements;
    $('points').textContent = String(e.points);
    $('tier').textContent = e.tier ? e.tier.label : '—';
    $('vouchers').textContent = e.vouchers.length ? e.vouchers.map(function (v) { return v.label; }).join(', ') : 'none';
    $('card-number').textContent = e.card;
    state.rotating = card.rotating;
    state.step = -1;
    $('step-card').hidden = false;
    await tick();
  }

  function base32Decode(text) {
    var alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    var bits = 0, value = 0, out = [];
    for (var i = 0; i < text.length; i++) {
      value = (value << 5) | alphabet.indexOf(text[i]);
      bits += 5;
      if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
    }
    return new Uint8Array(out);
  }

  // RFC 6238: HOTP (RFC 4226) over the 30-second step.
  async function totp(r, step) {
    var key = await crypto.subtle.importKey('raw', base32Decode(r.secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    var message = new Uint8Array(8);
    new DataView(message.buffer).setBigUint64(0, BigInt(step));
    var mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
    var offset = mac[19] & 15;
    var binary = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
    return String(binary % Math.pow(10, r.digits)).padStart(r.digits, '0');
  }

  async function tick() {
    var r = state.rotating;
    if (!r) return;
    var seconds = Date.now() / 1000;
    var step = Math.floor(seconds / r.periodSeconds);
    $('countdown').textContent = 'new code in ' + Math.ceil((step + 1) * r.periodSeconds - seconds) + ' s';
    if (step === state.step) return;
    state.step = step;
    var code = r.pattern.replace('{totp}', await totp(r, step));
    var svg = await api('/demo/qr.svg', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: code });
    if (!svg.ok) return say('Could not draw the QR code: ' + (await problem(svg)), true);
    var url = URL.createObjectURL(await svg.blob());
    if (state.qrUrl) URL.revokeObjectURL(state.qrUrl);
    state.qrUrl = url;
    $('qr').src = url;
    $('rotating-code').textContent = code;
  }
  setInterval(function () { tick().catch(function () {}); }, 1000);

  $('apple-wallet').addEventListener('click', async function () {
    var button = this;
    button.disabled = true;
    say('Making your Apple Wallet pass…');
    try {
      // Bearer auth rules out a plain link: fetch the pass, then hand it to the browser as a file.
      var res = await api('/v1/me/wallet/apple');
      if (!res.ok) throw new Error(await problem(res));
      var url = URL.createObjectURL(await res.blob());
      var a = document.createElement('a');
      a.href = url;
      a.download = 'loyalty.pkpass';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      say('Pass downloaded: open loyalty.pkpass on an iPhone or a Mac to add it to Wallet.');
    } catch (e) {
      say('Apple Wallet is not available: ' + e.message, true);
    } finally {
      button.disabled = false;
    }
  });

  $('google-wallet').addEventListener('click', async function () {
    var button = this;
    button.disabled = true;
    $('google-link-row').hidden = true;
    say('Asking Google Wallet for a save link…');
    try {
      var res = await api('/v1/me/wallet/google');
      if (!res.ok) throw new Error(await problem(res));
      var saveUrl = (await res.json()).saveUrl;
      $('google-link').href = saveUrl;
      $('google-link-row').hidden = false;
      window.open(saveUrl, '_blank', 'noopener,noreferrer');
      say('Google Wallet opened in a new tab (or use the link below).');
    } catch (e) {
      say('Google Wallet is not available: ' + e.message, true);
    } finally {
      button.disabled = false;
    }
  });
})();
`;
