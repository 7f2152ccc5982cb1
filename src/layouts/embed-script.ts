/**
 * @module layouts/embed-script
 * The source of `GET /embed.js`: a dependency-free web component, `<zp-layout brand layout
 * locale>`. It talks only to the origin it was loaded from (no third-party requests), renders
 * into a shadow root, and is built for assistive technology: every input has a label, notices
 * are tied to their checkbox with aria-describedby, errors are announced in a live region and
 * focus moves to the first field at fault. Every box starts unticked. Brands style it with CSS
 * custom properties (--zp-accent, --zp-font, …) set on the element.
 *
 * Kept as plain ES2020 in a string so both runtimes serve it without a bundler step; it builds
 * the DOM with textContent only, so brand- or template-supplied text can never inject markup.
 */

const CSS = [
  ':host{display:block;font:var(--zp-font,16px/1.5 system-ui,sans-serif);color:var(--zp-color,#1d1d1f);',
  'background:var(--zp-background,transparent)}',
  'form,.done{display:grid;gap:var(--zp-spacing,1rem);max-width:var(--zp-max-width,36rem)}',
  'h2{font-size:1.3em;margin:0}.intro,.notice{font-size:.9em;color:var(--zp-muted,#4a4a4f);margin:.25rem 0 0}',
  '.field{display:grid;gap:.3rem}label{font-weight:600}.hint{font-weight:400;color:var(--zp-muted,#4a4a4f)}',
  'input,select{font:inherit;padding:.55rem .7rem;border:1px solid var(--zp-border,#8e8e93);',
  'border-radius:var(--zp-radius,.4rem);background:var(--zp-input-background,#fff);color:inherit}',
  'fieldset{border:1px solid var(--zp-border,#8e8e93);border-radius:var(--zp-radius,.4rem);padding:1rem;display:grid;gap:1rem}',
  'legend{font-weight:700;padding:0 .3rem}.purpose{display:grid;grid-template-columns:auto 1fr;gap:.2rem .6rem;align-items:start}',
  '.purpose input{width:1.25rem;height:1.25rem;margin:.15rem 0 0}.purpose .notice{grid-column:2}',
  '[aria-invalid=true]{border-color:var(--zp-error,#b00020);outline:1px solid var(--zp-error,#b00020)}',
  '.error{color:var(--zp-error,#b00020);font-size:.9em;margin:0}.status:empty{display:none}',
  '.status{color:var(--zp-error,#b00020);font-weight:600}',
  'button{font:inherit;font-weight:600;padding:.7rem 1.4rem;border:0;border-radius:var(--zp-radius,.4rem);',
  'background:var(--zp-accent,#0b57d0);color:var(--zp-accent-contrast,#fff);cursor:pointer;justify-self:start}',
  'button[disabled]{opacity:.6}:focus-visible{outline:3px solid var(--zp-focus,var(--zp-accent,#0b57d0));outline-offset:2px}',
  '.receipt{font:12px/1.4 ui-monospace,monospace;word-break:break-all;white-space:pre-wrap;margin:.5rem 0 0}',
].join('');

export const EMBED_SCRIPT = `/* zeropass <zp-layout>: consent-first collection form. No third-party requests. */
(function () {
  'use strict';
  if (!window.customElements || customElements.get('zp-layout')) return;
  var script = document.currentScript;
  var ORIGIN = script && script.src ? new URL(script.src).origin : location.origin;
  var CSS = ${JSON.stringify(CSS)};
  var INPUT_TYPES = { email: 'email', phone: 'tel', date: 'date', number: 'number', boolean: 'checkbox' };
  var uid = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v === true ? '' : String(v));
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  class ZpLayout extends HTMLElement {
    static get observedAttributes() { return ['brand', 'layout', 'locale']; }
  }

  ZpLayout.prototype.connectedCallback = function () {
    if (!this.shadowRoot) this.attachShadow({ mode: 'open' });
    this.id_ = 'zp' + (uid++);
    this.load();
  };
  ZpLayout.prototype.attributeChangedCallback = function (name, before, after) {
    if (this.shadowRoot && before !== null && before !== after) this.load();
  };

  ZpLayout.prototype.load = function () {
    var self = this;
    var brand = this.getAttribute('brand') || '';
    var layout = this.getAttribute('layout') || '';
    var locale = this.getAttribute('locale') || navigator.language || 'en';
    var url = ORIGIN + '/v1/layouts/' + encodeURIComponent(brand) + '/' + encodeURIComponent(layout) +
      '?locale=' + encodeURIComponent(locale);
    this.paint([el('p', { role: 'status', text: '…' })]);
    fetch(url, { credentials: 'omit' })
      .then(function (r) { if (!r.ok) throw new Error('layout ' + r.status); return r.json(); })
      .then(function (def) { self.def = def; self.renderForm(def); })
      .catch(function () { self.paint([el('p', { role: 'alert', class: 'status', text: 'This form is unavailable.' })]); });
  };

  ZpLayout.prototype.paint = function (nodes) {
    var root = this.shadowRoot;
    root.textContent = '';
    root.appendChild(el('style', { text: CSS }));
    nodes.forEach(function (n) { root.appendChild(n); });
  };

  ZpLayout.prototype.renderForm = function (def) {
    var self = this, id = this.id_, ui = def.ui;
    var gpc = navigator.globalPrivacyControl === true;
    var fieldNodes = def.fields.map(function (f) {
      var fid = id + '-f-' + f.key, hint = ' (' + (f.required ? ui.required : ui.optional) + ')';
      var input;
      if (f.type === 'choice') {
        input = el('select', { id: fid, name: f.key, required: f.required, 'aria-describedby': fid + '-err' },
          [el('option', { value: '', text: '' })].concat(f.options.map(function (o) { return el('option', { value: o, text: o }); })));
      } else {
        input = el('input', { id: fid, name: f.key, type: INPUT_TYPES[f.type] || 'text', required: f.required,
          maxlength: f.maxLength, autocomplete: f.autocomplete, 'aria-describedby': fid + '-err' });
      }
      return el('div', { class: 'field' }, [
        el('label', { for: fid }, [document.createTextNode(f.label), el('span', { class: 'hint', text: hint })]),
        input, el('p', { id: fid + '-err', class: 'error', hidden: true })]);
    });
    var purposeNodes = def.purposes.map(function (p) {
      var pid = id + '-p-' + p.purpose, blocked = gpc && p.purpose === 'sale_or_share';
      var box = el('input', { id: pid, type: 'checkbox', name: p.purpose, 'data-purpose': p.purpose,
        'aria-describedby': pid + '-notice', disabled: blocked });
      box.checked = false;
      return el('div', { class: 'purpose' }, [box, el('label', { for: pid, text: p.label }),
        el('p', { id: pid + '-notice', class: 'notice', text: blocked ? p.notice + ' ' + ui.gpc : p.notice })]);
    });
    var status = el('p', { class: 'status', role: 'alert', 'aria-live': 'assertive' });
    var button = el('button', { type: 'submit', text: ui.submit });
    var form = el('form', { novalidate: true, 'aria-labelledby': id + '-title', lang: def.locale }, [
      el('h2', { id: id + '-title', text: def.title }), el('p', { class: 'intro', text: def.intro.text })]
      .concat(fieldNodes, [el('fieldset', {}, [el('legend', { text: ui.consents })].concat(purposeNodes)), status, button]));
    form.addEventListener('submit', function (e) { e.preventDefault(); self.submit(form, status, button); });
    // A corrected field stops being announced as wrong as soon as it changes.
    form.addEventListener('input', function (e) { if (e.target.hasAttribute('aria-invalid')) clearError(e.target); });
    this.paint([form]);
  };

  function clearError(input) {
    input.removeAttribute('aria-invalid');
    var msg = input.getRootNode().getElementById(input.id + '-err');
    if (msg) { msg.hidden = true; msg.textContent = ''; }
  }

  ZpLayout.prototype.showErrors = function (form, status, errors) {
    var first = null, ui = this.def.ui;
    form.querySelectorAll('[aria-invalid]').forEach(clearError);
    Object.keys(errors).forEach(function (key) {
      var input = form.querySelector('[name="' + key + '"]');
      if (!input) return;
      input.setAttribute('aria-invalid', 'true');
      var msg = form.querySelector('#' + input.id + '-err');
      if (msg) { msg.textContent = errors[key]; msg.hidden = false; }
      first = first || input;
    });
    status.textContent = ui.invalid;
    if (first) first.focus();
  };

  ZpLayout.prototype.submit = function (form, status, button) {
    var self = this, def = this.def, fields = {}, consents = {}, versions = {}, errors = {};
    def.fields.forEach(function (f) {
      var input = form.querySelector('[name="' + f.key + '"]');
      if (f.type === 'boolean') { if (input.checked) fields[f.key] = true; return; }
      var value = input.value.trim();
      if (!input.checkValidity()) errors[f.key] = input.validationMessage;
      if (value) fields[f.key] = f.type === 'number' ? Number(value) : value;
    });
    // The version of every notice on screen goes with the answers: the server records a ticked
    // box only against the words shown beside it, and refuses one without its version.
    def.purposes.forEach(function (p) {
      consents[p.purpose] = form.querySelector('[data-purpose="' + p.purpose + '"]').checked;
      versions[p.purpose] = p.noticeVersion;
    });
    if (Object.keys(errors).length) return this.showErrors(form, status, errors);
    form.querySelectorAll('[aria-invalid]').forEach(clearError);
    var headers = { 'content-type': 'application/json' };
    if (this.session) headers.authorization = 'Bearer ' + this.session;
    button.disabled = true;
    status.textContent = '';
    fetch(ORIGIN + def.submitUrl, {
      method: 'POST', credentials: 'omit', headers: headers,
      body: JSON.stringify({ locale: def.locale, fields: fields, consents: consents, noticeVersions: versions,
        gpc: navigator.globalPrivacyControl === true }),
    }).then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
      .then(function (res) {
        button.disabled = false;
        if (res.status === 201) return self.renderDone(res.body);
        var errs = {};
        (res.body.errors || []).forEach(function (e) { var k = e.path.split('.')[2]; if (k) errs[k] = e.message; });
        if (Object.keys(errs).length) return self.showErrors(form, status, errs);
        status.textContent = res.body.detail || def.ui.failed;
      })
      .catch(function () { button.disabled = false; status.textContent = def.ui.failed; });
  };

  ZpLayout.prototype.renderDone = function (result) {
    var ui = this.def.ui;
    var list = el('ul', {}, result.consents.map(function (c) { return el('li', { 'data-status': c.status, text: c.label + ': ' + (ui.statuses[c.status] || c.status) }); }));
    var done = el('div', { class: 'done', role: 'status', tabindex: '-1' }, [
      el('h2', { text: ui.done }), list,
      el('details', { open: true }, [el('summary', { text: ui.receipt }), el('pre', { class: 'receipt', text: result.receipt })])]);
    this.paint([done]);
    done.focus();
    this.dispatchEvent(new CustomEvent('zp-submitted', { bubbles: true, composed: true, detail: result }));
  };

  customElements.define('zp-layout', ZpLayout);
})();
`;
