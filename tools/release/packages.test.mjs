// Release dry run: every package the release workflow publishes, as `npm run
// package` built it, checked as its registry would take it and handed to
// publib in dry-run mode (PUBLIB_DRYRUN=true, as the workflow's `dry_run`
// input does), with no credential anywhere.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ADMIN_CLIENT, CDK, CLI, ROOT, ok, only, run, venvTool } from './support.mjs';

const cdkPackage = JSON.parse(readFileSync(path.join(CDK, 'package.json'), 'utf8'));
const version = cdkPackage.version;

/** publib's command, as the release workflow runs it (`npx -p publib@<pinned> publib-…`), in dry-run mode. */
function publib(command, cwd, env) {
  return run(path.join(ROOT, 'node_modules', '.bin', command), [], {
    cwd,
    // A scratch HOME: publib writes ~/.npmrc when given a token (none here) and imports keys into a scratch GNUPGHOME.
    // publib-maven runs on the `node` of the PATH: this one's first.
    env: { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`, HOME: scratchHome, PUBLIB_DRYRUN: 'true', ...env },
  });
}

let scratchHome;

describe('release dry run: the packages as npm, PyPI and Maven Central take them', () => {
  before(() => { scratchHome = mkdtempSync(path.join(tmpdir(), 'kong-publib-home-')); });
  after(() => rmSync(scratchHome, { recursive: true, force: true }));

  test('GIVEN the construct library\'s npm tarball WHEN listed THEN it holds the code, the assembly, the Lambda bundles and the docs, and nothing of the sources', () => {
    const tarball = only(path.join(CDK, 'dist', 'js'), '.tgz');
    const files = ok('tar', ['tzf', tarball]).stdout.split('\n').filter(Boolean);
    for (const wanted of ['package/package.json', 'package/.jsii', 'package/lib/index.js', 'package/lib/index.d.ts', 'package/README.md', 'package/API.md', 'package/LICENSE',
      'package/assets/idle-scaler/index.js', 'package/assets/cluster-certificate/index.js', 'package/assets/admin-api-proxy/index.js']) {
      assert.ok(files.includes(wanted), `${wanted} is in ${path.basename(tarball)}`);
    }
    const stray = files.filter((f) => /^package\/(src|test|lambda|bench|docs|test-reports|\.turbo|dist)\/|^package\/(turbo\.json|tsconfig.*\.json|jest\.config\.json|\.projen.*)$/.test(f));
    assert.deepEqual(stray, []);
    const manifest = JSON.parse(ok('tar', ['xzfO', tarball, 'package/package.json']).stdout);
    assert.equal(manifest.name, '@kong-hybrid/cdk');
    assert.equal(manifest.stability, 'stable');
    assert.equal(manifest.license, 'Apache-2.0');
    assert.match(manifest.engines.node, /^>= 22/);
    assert.deepEqual(Object.keys(manifest.jsii.targets).sort(), ['java', 'python']);
  });

  test('GIVEN the npm tarballs WHEN npm and publib-npm publish them in dry-run mode THEN both would publish them, publicly', () => {
    for (const dir of [CDK, ADMIN_CLIENT, CLI]) {
      const tarball = only(path.join(dir, 'dist', 'js'), '.tgz');
      const npm = ok('npm', ['publish', '--dry-run', '--access', 'public', '--tag', 'latest', tarball], { cwd: dir, env: { ...process.env, HOME: scratchHome } });
      assert.match(npm.output, /Publishing to https:\/\/registry\.npmjs\.org\/ with tag latest and public access \(dry-run\)/);
      // The workflow gives NPM_TOKEN; a dry run needs none (trusted publisher mode skips writing ~/.npmrc).
      const dry = publib('publib-npm', dir, { NPM_TRUSTED_PUBLISHER: 'true', NPM_DIST_TAG: 'latest', NPM_ACCESS_LEVEL: 'public' });
      assert.equal(dry.status, 0, dry.output);
      assert.match(dry.output, new RegExp(`\\(would publish dist/js/+${path.basename(tarball).replace(/[.@]/g, '\\$&')}\\)[\\s\\S]*SUCCESS \\(dry run\\)`));
    }
  });

  test('GIVEN the admin client\'s npm tarball WHEN listed THEN it holds both module builds and the OpenAPI document, and no test code', () => {
    const files = ok('tar', ['tzf', only(path.join(ADMIN_CLIENT, 'dist', 'js'), '.tgz')]).stdout.split('\n').filter(Boolean);
    for (const wanted of ['package/lib/cjs/index.js', 'package/lib/esm/index.js', 'package/lib/esm/index.d.ts', 'package/openapi/kong-admin.yaml', 'package/README.md', 'package/LICENSE']) {
      assert.ok(files.includes(wanted), wanted);
    }
    assert.deepEqual(files.filter((f) => /^package\/(src|test|bench|scripts)\//.test(f)), []);
  });

  test('GIVEN the CLI\'s npm tarball WHEN listed and run THEN it holds the bin, its bundle and the JSON schemas, no dependency and no source, and its bin answers --help', () => {
    const tarball = only(path.join(CLI, 'dist', 'js'), '.tgz');
    const files = ok('tar', ['tzf', tarball]).stdout.split('\n').filter(Boolean);
    for (const wanted of ['package/bin/kong-hybrid.mjs', 'package/lib/kong-hybrid.mjs', 'package/schemas/status.schema.json', 'package/schemas/wake.schema.json',
      'package/schemas/sleep.schema.json', 'package/schemas/cost.schema.json', 'package/README.md', 'package/LICENSE', 'package/package.json']) {
      assert.ok(files.includes(wanted), wanted);
    }
    assert.deepEqual(files.filter((f) => /^package\/(src|test|bench|scripts|test-reports)\//.test(f)), []);
    const manifest = JSON.parse(ok('tar', ['xzfO', tarball, 'package/package.json']).stdout);
    assert.equal(manifest.name, '@kong-hybrid/cli');
    assert.deepEqual(manifest.bin, { 'kong-hybrid': 'bin/kong-hybrid.mjs' });
    // Everything is in the bundle: nothing for npm to install beside it.
    assert.equal(manifest.dependencies, undefined);
    const unpacked = mkdtempSync(path.join(tmpdir(), 'kong-cli-tarball-'));
    try {
      ok('tar', ['xzf', tarball, '-C', unpacked]);
      const help = ok(process.execPath, [path.join(unpacked, 'package', 'bin', 'kong-hybrid.mjs'), '--help'], { env: { PATH: process.env.PATH, NO_COLOR: '1' } });
      assert.match(help.stdout, /^Usage: kong-hybrid \[options\] \[command\]$/m);
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
  });

  test('GIVEN the Python wheel and sdist WHEN twine checks them THEN PyPI would take them, with the library and its Lambda bundles inside', () => {
    const dir = path.join(CDK, 'dist', 'python');
    const artifacts = readdirSync(dir).filter((f) => f.endsWith('.whl') || f.endsWith('.tar.gz')).map((f) => path.join(dir, f));
    assert.equal(artifacts.length, 2, `a wheel and an sdist in ${dir}`);
    // What publib-pypi uploads (`twine upload *` in dist/python). Its own dry run cannot run
    // here: it pip-installs twine into the user site before it reads PUBLIB_DRYRUN.
    const check = ok(venvTool('twine'), ['check', '--strict', ...artifacts]);
    assert.equal((check.output.match(/PASSED/g) ?? []).length, 2, check.output);
    const python = venvTool('python');
    const read = (member) => ok(python, ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read(sys.argv[2]).decode() if sys.argv[2] else "\\n".join(z.namelist()))', only(dir, '.whl'), member]).stdout;
    const metadata = read(`kong_hybrid_cdk-${version}.dist-info/METADATA`);
    assert.match(metadata, /^Name: kong-hybrid-cdk$/m);
    assert.match(metadata, /^Requires-Python: >=3\.10$/m);
    assert.match(metadata, /^Requires-Dist: aws-cdk-lib <3\.0\.0,>=2\.\d+\.\d+$/m);
    assert.match(metadata, /^Classifier: Development Status :: 5 - Production\/Stable$/m);
    assert.ok(read('').split('\n').some((f) => /^kong_hybrid_cdk\/_jsii\/.+\.jsii\.tgz$/.test(f)), 'the jsii package (with assets/) is in the wheel');
  });

  test('GIVEN the Maven bundle WHEN checked against Maven Central\'s requirements and handed to publib-maven in dry-run mode THEN it would be signed and staged', () => {
    // https://central.sonatype.org/publish/requirements/: jar, sources and javadoc jars, a POM
    // with name, description, url, license, developers and scm; every file signed (publib does that).
    const dir = path.join(CDK, 'dist', 'java', 'io', 'github', 'konghybrid', 'kong-hybrid-cdk', version);
    const base = `kong-hybrid-cdk-${version}`;
    for (const suffix of ['.pom', '.jar', '-sources.jar', '-javadoc.jar']) {
      assert.ok(readdirSync(dir).includes(base + suffix), `${base}${suffix} in ${dir}`);
    }
    const pom = readFileSync(path.join(dir, `${base}.pom`), 'utf8');
    for (const element of ['<groupId>io.github.konghybrid</groupId>', '<artifactId>kong-hybrid-cdk</artifactId>', '<name>', '<description>', '<url>', '<licenses>', '<developers>', '<scm>']) {
      assert.ok(pom.includes(element), `the POM has ${element}`);
    }
    const jar = ok('unzip', ['-l', path.join(dir, `${base}.jar`)]).stdout;
    assert.match(jar, /io\/github\/konghybrid\/cdk\/KongHybridGateway\.class/);
    assert.match(jar, /io\/github\/konghybrid\/cdk\/.+\.jsii\.tgz/);

    // A throwaway signing key, made for this run in a scratch GNUPGHOME: the workflow's comes from a secret.
    const gnupg = mkdtempSync(path.join(tmpdir(), 'kong-gpg-'));
    try {
      const gpg = (...args) => ok('gpg', ['--batch', '--homedir', gnupg, '--pinentry-mode', 'loopback', '--passphrase', 'dry-run', ...args]);
      gpg('--quick-gen-key', 'kong-hybrid release dry run <dry-run@example.invalid>', 'ed25519', 'sign', '1d');
      const key = gpg('--armor', '--export-secret-keys').stdout;
      const dry = publib('publib-maven', CDK, {
        MAVEN_SERVER_ID: 'central-ossrh', MAVEN_USERNAME: 'dry-run', MAVEN_PASSWORD: 'dry-run',
        MAVEN_GPG_PRIVATE_KEY: key, MAVEN_GPG_PRIVATE_KEY_PASSPHRASE: 'dry-run',
      });
      assert.equal(dry.status, 0, dry.output);
      assert.match(dry.output, /POMs found: .*kong-hybrid-cdk-[\d.]+\.pom/);
      assert.match(dry.output, /\[DRY-RUN\] mvn .*gpg:sign-and-deploy-file .*-DpomFile=.*kong-hybrid-cdk-[\d.]+\.pom .*-Dsources=.*-sources\.jar .*-Djavadoc=.*-javadoc\.jar/);
      assert.match(dry.output, /\[DRY-RUN\] mvn .*nexus-staging-maven-plugin:1\.7\.0:deploy-staged-repository .*-DnexusUrl=https:\/\/ossrh-staging-api\.central\.sonatype\.com\//);
      assert.match(dry.output, /Stopped here because of dry-run/);
    } finally {
      rmSync(gnupg, { recursive: true, force: true });
    }
  });
});
