import { describe, expect, it } from 'vitest';
import { STANDARD_PURPOSES, SUPPORTED_LOCALES } from '../../src/consent/purposes-vocabulary.ts';
import { templateSources } from '../../src/consent/templates.generated.ts';
import {
  bundledTemplates,
  loadTemplates,
  noticeVersion,
  parseTemplateFile,
  renderNotice,
  TemplateError,
} from '../../src/consent/templates.ts';

const gdprEn = templateSources['gdpr/en.md'] ?? '';

describe('consent templates', () => {
  it('has GDPR, CCPA/CPRA and LGPD templates for their jurisdictions', () => {
    const templates = bundledTemplates();
    expect([...templates.keys()].sort()).toEqual(['ccpa', 'gdpr', 'lgpd']);
    expect(templates.get('gdpr')?.jurisdiction).toBe('EU');
    expect(templates.get('ccpa')?.jurisdiction).toBe('US-CA');
    expect(templates.get('lgpd')?.jurisdiction).toBe('BR');
  });

  it('renders every purpose of every template in every language, with the brand filled in', async () => {
    for (const template of bundledTemplates().values()) {
      for (const locale of SUPPORTED_LOCALES) {
        for (const key of ['intro', ...STANDARD_PURPOSES, 'vip_events']) {
          const notice = await renderNotice(template, locale, key, {
            brand: 'Maison Test',
            purposeLabel: 'VIP',
          });
          const where = `${template.id}/${locale}/${key}`;
          expect(notice.text.length, where).toBeGreaterThan(60);
          expect(notice.label.length, where).toBeGreaterThan(2);
          expect(`${notice.label} ${notice.text}`, where).not.toMatch(/\{\{|\}\}/);
          expect(notice.text, where).toContain('Maison Test');
          expect(notice.version, where).toMatch(/^sha256:[0-9a-f]{64}$/);
        }
      }
    }
  });

  it('the CCPA notice offers "Do Not Sell or Share My Personal Information" in every language', async () => {
    const ccpa = bundledTemplates().get('ccpa');
    if (!ccpa) throw new Error('no ccpa');
    for (const locale of SUPPORTED_LOCALES) {
      const notice = await renderNotice(ccpa, locale, 'sale_or_share', { brand: 'B' });
      expect(notice.text, locale).toContain('Do Not Sell or Share My Personal Information');
    }
  });

  it('a notice version is the hash of the rendered text: any change gives a new version', async () => {
    const gdpr = bundledTemplates().get('gdpr');
    if (!gdpr) throw new Error('no gdpr');
    const a = await renderNotice(gdpr, 'en', 'profiling', { brand: 'Alpha' });
    const again = await renderNotice(gdpr, 'en', 'profiling', { brand: 'Alpha' });
    const otherBrand = await renderNotice(gdpr, 'en', 'profiling', { brand: 'Beta' });
    const otherLocale = await renderNotice(gdpr, 'fr', 'profiling', { brand: 'Alpha' });
    expect(again.version).toBe(a.version);
    expect(otherBrand.version).not.toBe(a.version);
    expect(otherLocale.version).not.toBe(a.version);
    expect(await noticeVersion(a.label, `${a.text}.`)).not.toBe(a.version);
  });

  it('an edited template text yields a new version for that purpose only', async () => {
    const sources = {
      ...templateSources,
      'gdpr/en.md': gdprEn.replace('tailor offers', 'tailor our offers'),
    };
    const edited = loadTemplates(sources).get('gdpr');
    const original = bundledTemplates().get('gdpr');
    if (!edited || !original) throw new Error('missing');
    const [before, after] = await Promise.all([
      renderNotice(original, 'en', 'profiling', { brand: 'X' }),
      renderNotice(edited, 'en', 'profiling', { brand: 'X' }),
    ]);
    expect(after.version).not.toBe(before.version);
    const sms = await Promise.all([
      renderNotice(original, 'en', 'marketing_sms', { brand: 'X' }),
      renderNotice(edited, 'en', 'marketing_sms', { brand: 'X' }),
    ]);
    expect(sms[0].version).toBe(sms[1].version);
  });

  it('checks templates against the schema when loading', () => {
    const broken: [string, string][] = [
      ['gdpr/en.md', gdprEn.replace('jurisdiction: EU', 'jurisdiction: europe')],
      ['gdpr/en.md', gdprEn.replace('locale: en', 'locale: xx')],
      ['gdpr/en.md', gdprEn.replace('version: 1', 'version: zero')],
      ['gdpr/en.md', gdprEn.replace('id: gdpr\n', '')],
      ['gdpr/en.md', gdprEn.replace('## push |', '## pushy |')],
      ['gdpr/en.md', gdprEn.replace('{{brand}} sends', '{{brnad}} sends')],
      ['gdpr/en.md', gdprEn.replace(/^---\n/, '')],
      ['gdpr/fr.md', gdprEn],
    ];
    for (const [path, text] of broken) {
      expect(() => parseTemplateFile(path, text), text.slice(0, 120)).toThrow(TemplateError);
    }
    // Every language must be there, and all languages of a template must agree.
    expect(() => loadTemplates({ 'gdpr/en.md': gdprEn })).toThrow(/no text for fr, de, da, pt-BR/);
    const disagreeing = {
      ...templateSources,
      'gdpr/fr.md': (templateSources['gdpr/fr.md'] ?? '').replace('version: 1', 'version: 2'),
    };
    expect(() => loadTemplates(disagreeing)).toThrow(/disagrees/);
  });
});
