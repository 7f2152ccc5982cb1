/** `npm run templates:build`: regenerates src/consent/templates.generated.ts from consent-templates/. */
import { writeFileSync } from 'node:fs';
import { GENERATED_PATH, templatesModuleSource } from './templates-module.ts';

writeFileSync(GENERATED_PATH, templatesModuleSource('consent-templates'));
console.log(`wrote ${GENERATED_PATH}`);
