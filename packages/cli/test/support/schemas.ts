import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);

/** Validates a `--json` document against the package's schema of that name (schemas/<name>.schema.json). */
export function validate(name: 'status' | 'wake' | 'sleep' | 'cost', document: unknown): string[] {
  const schema = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'schemas', `${name}.schema.json`), 'utf8'));
  const check = ajv.getSchema(schema.$id) ?? ajv.compile(schema);
  return check(document) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
