#!/usr/bin/env node
// Writes a jsii library's API reference with jsii-docgen, from its compiled
// assembly (.jsii): API.md in TypeScript, and docs/API.python.md and
// docs/API.java.md with every name, type and example as Python and Java users
// write them. Part of the library's compile task, so the files follow the code;
// the tests fail when what is committed differs from what this writes.
//
// Usage, in the library's folder: node ../../tools/api-docs.mjs
//
// jsii-docgen's own CLI looks for the dependencies' assemblies (aws-cdk-lib,
// constructs) below the package folder, where npm workspaces do not put them:
// they are hoisted to the root's node_modules. So the type system is given
// exactly the assemblies it needs, linked into one temporary folder.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Documentation, Language } from 'jsii-docgen';

export const OUTPUTS = [
  { language: 'typescript', file: 'API.md' },
  { language: 'python', file: 'docs/API.python.md' },
  { language: 'java', file: 'docs/API.java.md' },
];

/** The package folders of `name` and of every jsii assembly it depends on, transitively. */
function assemblyFolders(packageDir) {
  const found = new Map();
  const visit = (dir) => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    if (found.has(manifest.name) || !manifest.jsii) return;
    found.set(manifest.name, dir);
    const resolve = createRequire(path.join(dir, 'package.json'));
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      let depDir;
      try {
        depDir = path.dirname(resolve.resolve(`${dep}/package.json`));
      } catch {
        continue; // not a jsii dependency that ships its package.json: not part of the type system
      }
      visit(depDir);
    }
  };
  visit(packageDir);
  return found;
}

/**
 * jsii-docgen spells Python names with the `case` package's snake case
 * (jsii-docgen lib/docgen/transpile/python.js), jsii-pacmak with codemaker's
 * `toSnakeCase`, and the two differ on names such as `dataPlaneMemoryMiB`:
 * docgen writes `data_plane_memory_mi_b`, but Python accepts only
 * `data_plane_memory_mib`. Returns a rewrite of docgen's Python markdown that
 * uses pacmak's spelling (the one users type) for every member of the assembly.
 */
function pythonSpellingFixes(packageDir) {
  const fromDocgen = createRequire(createRequire(import.meta.url).resolve('jsii-docgen/package.json'));
  const fromPacmak = createRequire(createRequire(import.meta.url).resolve('jsii-pacmak/package.json'));
  const docgenSnake = fromDocgen('case').snake;
  const { toSnakeCase } = fromPacmak('codemaker');
  const assembly = JSON.parse(readFileSync(path.join(packageDir, '.jsii'), 'utf8'));
  const names = new Set();
  for (const type of Object.values(assembly.types ?? {})) {
    for (const p of type.properties ?? []) names.add(p.name);
    for (const m of [...(type.methods ?? []), ...(type.initializer ? [type.initializer] : [])]) {
      if (m.name) names.add(m.name);
      for (const p of m.parameters ?? []) names.add(p.name);
    }
  }
  const fixes = [...names].map((n) => [docgenSnake(n), toSnakeCase(n)]).filter(([wrong, right]) => wrong !== right);
  return (markdown) => fixes.reduce((text, [wrong, right]) => text.replace(new RegExp(`\\b${wrong}\\b`, 'g'), right), markdown);
}

export async function renderApiDocs(packageDir) {
  const workdir = mkdtempSync(path.join(tmpdir(), 'api-docs-'));
  try {
    for (const [name, dir] of assemblyFolders(packageDir)) {
      const link = path.join(workdir, 'node_modules', name);
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(dir, link, 'dir');
    }
    const { name } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    const docs = await Documentation.forAssembly(name, workdir);
    const out = {};
    const pythonNames = pythonSpellingFixes(packageDir);
    for (const { language, file } of OUTPUTS) {
      const t = Date.now();
      const markdown = await docs.toMarkdown({ language: Language.fromString(language), readme: false, allSubmodules: true });
      out[file] = language === 'python' ? pythonNames(markdown.render()) : markdown.render();
      if (process.env.API_DOCS_TIMING) console.error(`${language}: ${Date.now() - t} ms`);
    }
    await docs.cleanup();
    return out;
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const packageDir = process.cwd();
  const started = Date.now();
  const files = await renderApiDocs(packageDir);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(packageDir, file)), { recursive: true });
    writeFileSync(path.join(packageDir, file), content);
  }
  const sizes = Object.entries(files).map(([file, content]) => `${file} ${(Buffer.byteLength(content) / 1024).toFixed(0)} KiB`);
  console.log(`API reference: ${sizes.join(', ')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
