/**
 * @module consent/templates
 * Notice templates: parsed from the bundled Markdown, checked against a schema when loaded, and
 * rendered per brand, locale and purpose. A notice's version is the SHA-256 of its rendered text,
 * so a consent event points at the exact words the shopper saw; change one character and the
 * version changes.
 *
 * A template file is front matter (`id`, `jurisdiction`, `locale`, `version`, `purposes`) and
 * sections `## <key> | <label>`: `intro`, `custom` (for brand-defined purposes, with
 * `{{purpose}}`) and one per listed purpose. `{{brand}}` is the only other placeholder.
 */
import { z } from 'zod';
import { sha256Hex } from '../crypto.ts';
import { type Locale, STANDARD_PURPOSES, SUPPORTED_LOCALES } from './purposes-vocabulary.ts';
import { templateSources } from './templates.generated.ts';

const FrontMatterSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{2,40}$/),
    jurisdiction: z
      .string()
      .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166 code such as EU or US-CA'),
    locale: z.enum(SUPPORTED_LOCALES),
    version: z.coerce.number().int().positive(),
    purposes: z.array(z.enum(STANDARD_PURPOSES)).min(1),
  })
  .strict();

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const KNOWN_PLACEHOLDERS = new Set(['brand', 'purpose']);

export type Section = { label: string; body: string };
export type TemplateLocale = { locale: Locale; sections: Map<string, Section> };
export type NoticeTemplate = {
  id: string;
  jurisdiction: string;
  version: number;
  purposes: string[];
  locales: Map<Locale, TemplateLocale>;
};

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** Parses one template file; `path` is `<id>/<locale>.md` and must agree with the front matter. */
export function parseTemplateFile(path: string, text: string) {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text.replaceAll('\r\n', '\n'));
  if (!match) throw new TemplateError(`${path}: missing front matter`);
  const raw: Record<string, unknown> = {};
  for (const line of (match[1] ?? '').split('\n')) {
    if (!line.trim()) continue;
    const kv = /^([a-z]+):\s*(.*)$/.exec(line);
    if (!kv) throw new TemplateError(`${path}: front matter line "${line}" is not "key: value"`);
    const value = (kv[2] ?? '').trim();
    raw[kv[1] ?? ''] = value.startsWith('[')
      ? value
          .replace(/^\[|\]$/g, '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value;
  }
  const front = FrontMatterSchema.safeParse(raw);
  if (!front.success) {
    const why = front.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new TemplateError(`${path}: invalid front matter: ${why}`);
  }
  if (path !== `${front.data.id}/${front.data.locale}.md`) {
    throw new TemplateError(`${path}: the file must be named <id>/<locale>.md after its front matter`);
  }
  const sections = new Map<string, Section>();
  for (const part of (match[2] ?? '').split(/^## /m).slice(1)) {
    const [heading = '', ...rest] = part.split('\n');
    const head = /^([a-z_]+) \| (.+)$/.exec(heading.trim());
    if (!head) throw new TemplateError(`${path}: section heading "${heading}" is not "<key> | <label>"`);
    const key = head[1] ?? '';
    if (sections.has(key)) throw new TemplateError(`${path}: section ${key} appears twice`);
    const body = rest.join('\n').trim();
    if (!body) throw new TemplateError(`${path}: section ${key} is empty`);
    for (const [, name] of `${head[2]} ${body}`.matchAll(PLACEHOLDER)) {
      if (!KNOWN_PLACEHOLDERS.has(name ?? ''))
        throw new TemplateError(`${path}: unknown placeholder {{${name}}}`);
    }
    sections.set(key, { label: (head[2] ?? '').trim(), body });
  }
  const expected = ['intro', 'custom', ...front.data.purposes];
  const missing = expected.filter((key) => !sections.has(key));
  const extra = [...sections.keys()].filter((key) => !expected.includes(key));
  if (missing.length || extra.length) {
    throw new TemplateError(
      `${path}: sections missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`,
    );
  }
  return { ...front.data, sections };
}

/** Loads and checks every template; any file at fault fails the whole load, naming the file. */
export function loadTemplates(sources: Record<string, string>): Map<string, NoticeTemplate> {
  const templates = new Map<string, NoticeTemplate>();
  for (const [path, text] of Object.entries(sources)) {
    const file = parseTemplateFile(path, text);
    let template = templates.get(file.id);
    if (!template) {
      template = {
        id: file.id,
        jurisdiction: file.jurisdiction,
        version: file.version,
        purposes: file.purposes,
        locales: new Map(),
      };
      templates.set(file.id, template);
    }
    const agrees =
      template.jurisdiction === file.jurisdiction &&
      template.version === file.version &&
      template.purposes.join() === file.purposes.join();
    if (!agrees)
      throw new TemplateError(`${path}: front matter disagrees with the other languages of ${file.id}`);
    template.locales.set(file.locale, { locale: file.locale, sections: file.sections });
  }
  for (const template of templates.values()) {
    const missing = SUPPORTED_LOCALES.filter((locale) => !template.locales.has(locale));
    if (missing.length) throw new TemplateError(`${template.id}: no text for ${missing.join(', ')}`);
  }
  return templates;
}

let bundled: Map<string, NoticeTemplate> | undefined;
/** The templates bundled with this build, loaded and checked once per process or isolate. */
export function bundledTemplates(): Map<string, NoticeTemplate> {
  bundled ??= loadTemplates(templateSources);
  return bundled;
}

export type RenderedNotice = { key: string; label: string; text: string; version: string };

const fill = (text: string, vars: { brand: string; purpose: string }) =>
  text.replace(PLACEHOLDER, (_, name: string) => (name === 'brand' ? vars.brand : vars.purpose));

/** The hash that names a notice: SHA-256 over the exact label and text the shopper sees. */
export async function noticeVersion(label: string, text: string): Promise<string> {
  return `sha256:${await sha256Hex(`${label}\n\n${text}`)}`;
}

/**
 * Renders the notice of one section. Custom purposes use the `custom` section with the brand's
 * label for the purpose in `{{purpose}}`.
 */
export async function renderNotice(
  template: NoticeTemplate,
  locale: Locale,
  key: string,
  vars: { brand: string; purposeLabel?: string | undefined },
): Promise<RenderedNotice> {
  const sections = template.locales.get(locale)?.sections;
  const section = sections?.get(key) ?? sections?.get('custom');
  if (!section) throw new TemplateError(`${template.id}/${locale}: no section for ${key}`);
  const values = { brand: vars.brand, purpose: vars.purposeLabel ?? key };
  const label = fill(section.label, values);
  const text = fill(section.body, values);
  return { key, label, text, version: await noticeVersion(label, text) };
}
