// lib/esm holds ES modules in a CommonJS package: a nested package.json says so
// to Node and to TypeScript (so that lib/esm/*.d.ts are read as ESM types).
import { writeFileSync } from 'node:fs';

writeFileSync(new URL('../lib/esm/package.json', import.meta.url), `${JSON.stringify({ type: 'module', sideEffects: false })}\n`);
