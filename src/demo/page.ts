/**
 * @module demo/page
 * The shopper demo page's markup and style. Static apart from the brand slug (checked against
 * the slug pattern before it gets here, and escaped anyway); the script (demo/app-js) fills it.
 */
import { html } from 'hono/html';

export function demoHtml(brand: string) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>zeropass shopper demo</title>
<link rel="stylesheet" href="/demo/app.css">
<script src="/embed.js" defer></script>
<script src="/demo/app.js" defer></script>
</head>
<body>
<main data-brand="${brand}" data-layout="join">
<header>
<h1>zeropass shopper demo</h1>
<p class="muted">Brand <code>${brand}</code> · development mode: sign-in is the local Apple stand-in.</p>
</header>

<section id="step-sign-in" aria-labelledby="sign-in-title">
<h2 id="sign-in-title">1. Sign in</h2>
<button type="button" id="sign-in" class="apple">Sign in with Apple (dev)</button>
</section>

<section id="step-join" aria-labelledby="join-title" hidden>
<h2 id="join-title">2. Join</h2>
<div id="join-slot"></div>
</section>

<section id="step-card" aria-labelledby="card-title" hidden>
<h2 id="card-title">3. Your card</h2>
<div class="card">
<div class="facts">
<p><span class="label">Points</span> <strong data-testid="points" id="points">–</strong></p>
<p><span class="label">Tier</span> <span id="tier">–</span></p>
<p><span class="label">Vouchers</span> <span id="vouchers">–</span></p>
</div>
<figure>
<img id="qr" alt="QR code of the rotating card code" width="232" height="232">
<figcaption><code data-testid="rotating-code" id="rotating-code">…</code><br><span class="muted" id="countdown"></span></figcaption>
</figure>
<p class="muted small">Card <code id="card-number"></code>. The code changes every 30 seconds and works once at a till.</p>
</div>
<div class="wallets">
<button type="button" id="apple-wallet" class="apple">Add to Apple Wallet</button>
<button type="button" id="google-wallet" class="google">Save to Google Wallet</button>
</div>
<p id="google-link-row" hidden><a id="google-link" target="_blank" rel="noopener noreferrer">Open the Google Wallet save link</a></p>
</section>

<p id="message" data-testid="message" role="status" aria-live="polite"></p>
</main>
</body>
</html>`;
}

export const demoCss = `
:root{color-scheme:light;font:16px/1.5 system-ui,sans-serif;color:#1d1d1f;background:#f4f4f6}
main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem 3rem;display:grid;gap:1.25rem}
h1{font-size:1.5rem;margin:0}h2{font-size:1.15rem;margin:0 0 .75rem}
section{background:#fff;border-radius:.75rem;padding:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.muted{color:#5a5a60}.small{font-size:.85rem}code{font:.85rem ui-monospace,monospace;word-break:break-all}
button{font:inherit;font-weight:600;padding:.7rem 1.2rem;border:0;border-radius:.5rem;cursor:pointer}
button[disabled]{opacity:.6;cursor:progress}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.apple{background:#000;color:#fff}.google{background:#fff;color:#1f1f1f;border:1px solid #747775}
.card{display:grid;gap:.75rem;background:#1f2937;color:#fff;border-radius:.75rem;padding:1.25rem}
.card .muted{color:#d1d5db}.facts{display:flex;flex-wrap:wrap;gap:1.5rem}.facts p{margin:0}
.label{display:block;font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:#d1d5db}
figure{margin:0;display:grid;justify-items:center;gap:.5rem;background:#fff;color:#1d1d1f;border-radius:.5rem;padding:1rem}
figure img{image-rendering:pixelated}.card figure .muted{color:#5a5a60}
.wallets{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1rem}
#message:empty{display:none}#message{margin:0;padding:.75rem 1rem;border-radius:.5rem;background:#e8f0fe}
#message.error{background:#fce8e6;color:#8c1d18}
`;
