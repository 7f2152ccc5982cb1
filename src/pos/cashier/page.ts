/**
 * @module pos/cashier/page
 * Markup and style of the cashier web app at `/pos`. Everything is served from this origin (no
 * CDN), so the page works under a strict CSP and on a till without internet beyond the API.
 * The page knows only entitlements: there is no customer data for it to show.
 */

export const cashierHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>zeropass till</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/pos/app.css"></head>
<body>
<header><h1>zeropass till</h1><span id="binding" data-testid="binding"></span>
<button id="forget" type="button" hidden>Forget device key</button></header>
<main>
<section id="setup" hidden>
  <h2>Set up this device</h2>
  <p>Paste the device’s POS key once. It stays in this browser only.</p>
  <form id="setup-form"><input id="device-key" type="password" autocomplete="off" spellcheck="false"
    placeholder="zpk_pos_…" aria-label="Device key" required>
  <button type="submit">Save</button></form>
</section>
<section id="till" hidden>
  <form id="scan-form"><label for="code">Card code</label>
  <input id="code" autocomplete="off" spellcheck="false" placeholder="Scan or type ZP1.… / ZT1.…" required>
  <button type="submit">Look up</button>
  <button id="camera" type="button">Scan with camera</button></form>
  <video id="video" playsinline muted hidden></video>
  <div id="card" hidden aria-live="polite">
    <p class="points"><span id="points" data-testid="points"></span> points
      <span id="tier" class="tier"></span> <span id="status" class="status"></span></p>
    <form id="earn-form"><label for="amount">Amount</label>
      <input id="amount" inputmode="decimal" placeholder="24.50" required>
      <input id="currency" value="EUR" maxlength="3" aria-label="Currency" required>
      <input id="receipt" placeholder="Receipt no." aria-label="Receipt reference" required>
      <button id="earn" type="submit">Earn</button></form>
    <h3>Vouchers</h3><ul id="vouchers"></ul>
  </div>
</section>
<p id="message" role="status" data-testid="message"></p>
</main>
<script src="/pos/app.js" defer></script>
</body></html>`;

export const cashierCss = `:root{font:17px/1.45 system-ui,sans-serif;color:#1b1b1f;background:#f6f6f8}
body{margin:0}header{display:flex;gap:1rem;align-items:center;padding:.8rem 1.5rem;background:#111;color:#fff}
header h1{margin:0;font-size:1.2rem}#binding{opacity:.8;font-size:.9rem;flex:1}
main{max-width:40rem;margin:0 auto;padding:1rem}form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.8rem 0}
input{font:inherit;padding:.4rem .6rem;border:1px solid #bbb;border-radius:6px}#code{flex:1;min-width:16rem}
#currency{width:4rem}button{font:inherit;padding:.4rem 1rem;border-radius:6px;border:1px solid #333;background:#fff;cursor:pointer}
button[type=submit]{background:#111;color:#fff}video{width:100%;max-height:18rem;background:#000;border-radius:8px}
#card{background:#fff;border:1px solid #ddd;border-radius:10px;padding:1rem;margin-top:1rem}
.points{font-size:1.6rem;margin:0}.tier{font-size:1rem;background:#fde68a;border-radius:4px;padding:0 .4rem}
.tier:empty{display:none}.status{font-size:.9rem;color:#b91c1c}ul{padding-left:1.2rem}li{margin:.3rem 0}#message{min-height:1.5rem;font-weight:600}
.error{color:#b91c1c}.ok{color:#047857}`;
