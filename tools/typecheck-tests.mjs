#!/usr/bin/env node
// Type-checks the tests of the given workspaces (default: every workspace), in
// one process: each workspace is its own program, with its own test/tsconfig.json
// and incremental build info (the same options and diagnostics as
// `tsc --noEmit --incremental -p test/tsconfig.json` in the workspace), but a
// declaration file is parsed once for all of them. Most of each workspace's
// check was parsing the same declarations (TypeScript's own lib, @types/node,
// jest's types, aws-cdk-lib's thousands of .d.ts files) again in its own tsc.
//
// Sharing a parsed file between programs is what TypeScript's language service
// does across the projects of an editor (its DocumentRegistry): a file is shared
// only between programs whose options parse and bind it alike, with the same
// language version and module format. Those options are the ones TypeScript
// marks affectsSourceFile or affectsBindDiagnostics (sourceFileAffectingCompilerOptions
// in typescript.js 5.9.3, the DocumentRegistry's key, less the folder `paths` are
// relative to, which it adds for module resolution, not parsing).
//
// Kept between runs: tsc's own build info, whose hashes of every file it read
// decide what it checks again, and, as `tsc --build` does before it builds a
// project at all, an up-to-date check: a workspace whose last check was clean
// (no diagnostic at all) is not checked again while the SHA-256 of every file
// that program read (its tests, their sources, every declaration file), its
// options, its root files, TypeScript's version and package-lock.json are what
// they were (UP_TO_DATE_DIR; a report of diagnostics is never kept). Like
// `tsc --build`, it does not look for a new file that a module would resolve to
// in place of the one it read; a new file under test/ is a new root, and a new
// package comes with a new package-lock.json. Parsing the declarations (most of
// aws-cdk-lib's) is most of a check that finds nothing new: 15 s of CPU for the
// six workspaces, against well under a second to hash what they read.
// KONG_HYBRID_TEST_CACHE=off checks every workspace every time.
//
// Usage: node tools/typecheck-tests.mjs [workspace-dir ...]
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const ts = require('typescript');

const all = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
const only = process.argv.slice(2).map((w) => w.replace(/\/$/, ''));
for (const w of only) {
  if (!all.includes(w)) throw new Error(`not a workspace: "${w}" (one of ${all.join(', ')})`);
}
const workspaces = only.length > 0 ? only : all;

// Kept in step with TEST_TSBUILDINFO (projenrc/monorepo.ts).
const TEST_TSBUILDINFO = 'node_modules/.cache/tsc/test.tsbuildinfo';

const affecting = ts.sourceFileAffectingCompilerOptions;
if (!Array.isArray(affecting) || affecting.length === 0 || typeof ts.getCompilerOptionValue !== 'function') {
  throw new Error(`typescript ${ts.version}: sourceFileAffectingCompilerOptions or getCompilerOptionValue not found`);
}
/** Parsed declaration files, by parse-relevant settings, file and format. */
const parsed = new Map();
const formatHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => root,
  getNewLine: () => ts.sys.newLine,
};
const pretty = process.stdout.isTTY && !process.env.CI;

/** Where clean verdicts are kept, one file per workspace (see the header). */
const UP_TO_DATE_DIR = join(root, 'node_modules', '.cache', 'kong-hybrid', 'typecheck-tests');
const keepVerdicts = process.env.KONG_HYBRID_TEST_CACHE !== 'off';
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const lockHash = sha256(readFileSync(join(root, 'package-lock.json')));

/** What a workspace's check is a function of, besides the files its program reads. */
function checkKey(config) {
  return sha256(JSON.stringify({ typescript: ts.version, lockHash, options: config.options, rootNames: config.fileNames, references: config.projectReferences ?? [] }));
}

/** The verdict file of a workspace, when its last check was clean and nothing it read has changed since. */
function upToDate(verdictFile, key) {
  let verdict;
  try {
    verdict = JSON.parse(readFileSync(verdictFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (verdict.key !== key) return undefined;
  for (const [file, hash] of Object.entries(verdict.files)) {
    let bytes;
    try {
      bytes = readFileSync(file);
    } catch {
      return undefined;
    }
    if (sha256(bytes) !== hash) return undefined;
  }
  return verdict;
}

/** Keeps a clean verdict: the hash of every file the program read. */
function keepClean(verdictFile, key, program) {
  const files = {};
  for (const source of program.getSourceFiles()) files[source.fileName] = sha256(readFileSync(source.fileName));
  mkdirSync(UP_TO_DATE_DIR, { recursive: true });
  const tmp = `${verdictFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ key, files }));
  renameSync(tmp, verdictFile);
}

let failed = 0;
for (const workspace of workspaces) {
  const dir = resolve(root, workspace);
  const configFile = join(dir, 'test', 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configFile,
    { noEmit: true, incremental: true, tsBuildInfoFile: join(dir, TEST_TSBUILDINFO) },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } },
  );
  const key = checkKey(config);
  const verdictFile = join(UP_TO_DATE_DIR, `${workspace.replace(/\//g, '+')}.json`);
  const kept = keepVerdicts && config.errors.length === 0 ? upToDate(verdictFile, key) : undefined;
  if (kept) {
    console.log(`${workspace}: tests type-checked clean, and none of the ${Object.keys(kept.files).length} files it read has changed since (KONG_HYBRID_TEST_CACHE=off checks again)`);
    continue;
  }
  const diagnostics = [...config.errors];
  const host = ts.createIncrementalCompilerHost(config.options);
  const settingsKey = JSON.stringify(affecting.map((option) => ts.getCompilerOptionValue(config.options, option) ?? null));
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    // The workspaces' own sources and tests are read by one program each: only declarations are shared.
    if (!fileName.endsWith('.d.ts')) return getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
    const o = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const key = `${settingsKey}\0${o.languageVersion}\0${o.impliedNodeFormat}\0${o.jsDocParsingMode}\0${fileName}`;
    let file = parsed.get(key);
    if (file === undefined) {
      file = getSourceFile(fileName, languageVersionOrOptions, onError, shouldCreate);
      if (file) parsed.set(key, file);
    }
    return file;
  };
  const program = ts.createIncrementalProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences, host, configFileParsingDiagnostics: config.errors });
  diagnostics.push(...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics());
  // With noEmit, emit writes the build info only.
  diagnostics.push(...program.emit().diagnostics);
  const errors = ts.sortAndDeduplicateDiagnostics(diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error));
  if (diagnostics.length > 0) {
    const unique = ts.sortAndDeduplicateDiagnostics(diagnostics);
    process.stdout.write(pretty ? ts.formatDiagnosticsWithColorAndContext(unique, formatHost) : ts.formatDiagnostics(unique, formatHost));
  }
  if (errors.length > 0) {
    failed++;
    console.log(`${workspace}: ${errors.length} type error(s) in the tests`);
  } else if (diagnostics.length === 0 && keepVerdicts) {
    keepClean(verdictFile, key, program.getProgram());
  }
}
process.exit(failed > 0 ? 1 : 0);
