/**
 * Writes openapi/kong-admin.yaml from openapi/spec/. Run `npx projen openapi`
 * after changing the spec, and commit both; a test fails when they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { document } from './spec/document';

export const DOCUMENT_FILE = path.join(__dirname, 'kong-admin.yaml');

const HEADER = `# The Kong Gateway 3.9 OSS Admin API, by kong-hybrid.\n# Written from openapi/spec/*.ts by \`npx projen openapi\`: change those, not this file.\n`;

/** The document as YAML text. */
export function render(): string {
  return HEADER + stringify(document(), { lineWidth: 0, aliasDuplicateObjects: false });
}

if (require.main === module) {
  const text = render();
  if (process.argv.includes('--check')) {
    if (readFileSync(DOCUMENT_FILE, 'utf8') !== text) {
      console.error(`${DOCUMENT_FILE} is out of date: run \`npx projen openapi\``);
      process.exit(1);
    }
  } else {
    writeFileSync(DOCUMENT_FILE, text);
    console.log(`wrote ${path.relative(process.cwd(), DOCUMENT_FILE)}`);
  }
}
