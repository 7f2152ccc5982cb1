import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, templatesModuleSource } from '../../scripts/templates-module.ts';

describe('bundled templates', () => {
  it('src/consent/templates.generated.ts is up to date with consent-templates/ (run npm run templates:build)', () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(templatesModuleSource('consent-templates'));
  });
});
