import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createKongAdminClient, unwrap } from '@kong-hybrid/admin-client';
import { exportDeclarativeConfig } from '@kong-hybrid/admin-client/declarative';
import { startKongAdminEmulator } from '@kong-hybrid/admin-client/test/emulator';
import { FALLBACK_LABEL, dataPlaneStartScript, fallbackFetchScript } from '../src/private/kong-start-script';
import { FALLBACK_LABEL as SCALER_FALLBACK_LABEL } from '@kong-hybrid/idle-scaler/src/sync';

/**
 * The data plane's two scripts of issue 12 under /bin/sh, with stand-in
 * commands (no AWS CLI and no Kong here): the fetch container's, with a
 * stand-in `aws` that answers as the AWS CLI does, and Kong's container's
 * start script, with a stand-in `kong` whose `config parse` accepts or
 * refuses the file, and whose `exec` records the environment Kong would
 * start with. `timeout`, `md5sum`, `cut` and `tail` are the machine's.
 */

const SECRET = 'sk-live-0123456789abcdef';
const EXPORT = JSON.stringify({ _format_version: '3.0', _transform: false, consumers: [{ id: '5b0f3c4e-7f3c-4d0e-9a57-000000000001', username: 'alice' }], keyauth_credentials: [{ key: SECRET, consumer: '5b0f3c4e-7f3c-4d0e-9a57-000000000001' }] });
const CP_HASH = 'c'.repeat(32);
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

type AwsAnswer = 'export' | 'no-such-key' | 'denied' | 'hang' | 'cut-short';

interface Machine {
  readonly dir: string;
  readonly bin: string;
  readonly fallback: string;
}

function machine(): Machine {
  const dir = mkdtempSync(path.join(tmpdir(), 'kong-fallback-'));
  const bin = path.join(dir, 'bin');
  const fallback = path.join(dir, 'fallback');
  mkdirSync(bin);
  mkdirSync(fallback);
  return { dir, bin, fallback };
}

function script(m: Machine, name: string, lines: string[]): void {
  writeFileSync(path.join(m.bin, name), ['#!/bin/sh', ...lines].join('\n'));
  chmodSync(path.join(m.bin, name), 0o755);
}

/** Runs the fetch container's script with a stand-in `aws` answering as told. */
function fetch(m: Machine, answer: AwsAnswer, content = EXPORT, timeoutSeconds = 60): { stdout: string; stderr: string; status: number | null; args: string } {
  writeFileSync(path.join(m.dir, 'object'), content);
  script(m, 'aws', [
    `echo "$*" > "${m.dir}/aws-args"`,
    // the outfile is the last argument
    'for last in "$@"; do :; done',
    ...({
      'export': [`cp "${m.dir}/object" "$last"`, `echo "${CP_HASH}"`, 'exit 0'],
      'no-such-key': ['echo "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist." >&2', 'exit 254'],
      'denied': ['echo "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied" >&2', 'exit 254'],
      'hang': ['sleep 30'],
      'cut-short': [`head -c 20 "${m.dir}/object" > "$last"`, 'echo "Connection was closed before we received a valid response from endpoint URL" >&2', 'exit 255'],
    } as Record<AwsAnswer, string[]>)[answer],
  ]);
  const r = spawnSync('/bin/sh', ['-c', fallbackFetchScript({ timeoutSeconds, dir: m.fallback })], {
    env: { PATH: `${m.bin}:/usr/bin:/bin`, FALLBACK_BUCKET: 'kong-fallback-bucket', FALLBACK_OBJECT: 'kong/declarative.json' },
    encoding: 'utf8',
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, args: existsSync(path.join(m.dir, 'aws-args')) ? readFileSync(path.join(m.dir, 'aws-args'), 'utf8') : '' };
}

/** Runs Kong's container start script with a stand-in `kong`; `exec` records the environment Kong would get. */
function start(m: Machine, options: { parses?: boolean; md5sum?: boolean; labels?: string } = {}): { stdout: string; stderr: string; env: Record<string, string>; parsed: boolean } {
  script(m, 'kong', [
    `echo "$*" >> "${m.dir}/kong-calls"`,
    'if [ "$1 $2" = "config parse" ]; then',
    options.parses === false
      // Kong's message for a duplicate key quotes it (kong/db/schema/others/declarative_config.lua:359-362)
      ? `  echo "Error: Failed parsing:\nin 'keyauth_credentials': uniqueness violation: 'keyauth_credentials' entity with key set to '${SECRET}' already declared" >&2; exit 1`
      : '  echo "parse successful"; exit 0',
    'fi',
  ]);
  const bin = options.md5sum === false ? path.join(m.dir, 'no-md5') : m.bin;
  if (options.md5sum === false) {
    // a PATH with the basic tools but no md5sum
    mkdirSync(bin, { recursive: true });
    for (const tool of ['cat', 'cut', 'sh', 'env']) spawnSync('ln', ['-sf', `/usr/bin/${tool}`, path.join(bin, tool)]);
    spawnSync('ln', ['-sf', path.join(m.bin, 'kong'), path.join(bin, 'kong')]);
  }
  const exec = `env > "${m.dir}/kong-env"`;
  const r = spawnSync('/bin/sh', ['-c', dataPlaneStartScript({ exec, dir: m.fallback })], {
    env: { PATH: options.md5sum === false ? bin : `${m.bin}:/usr/bin:/bin`, KONG_ROLE: 'data_plane', ...(options.labels ? { KONG_CLUSTER_DP_LABELS: options.labels } : {}) },
    encoding: 'utf8',
  });
  const env = Object.fromEntries(readFileSync(path.join(m.dir, 'kong-env'), 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const calls = existsSync(path.join(m.dir, 'kong-calls')) ? readFileSync(path.join(m.dir, 'kong-calls'), 'utf8') : '';
  return { stdout: r.stdout, stderr: r.stderr, env, parsed: calls.includes('config parse') };
}

describe('the fetch container', () => {
  test('GIVEN an export WHEN fetched THEN the file is the object, whole, with the configuration hash it came from, and the content is never printed', () => {
    const m = machine();
    const r = fetch(m, 'export');
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(m.fallback, 'kong.json'), 'utf8')).toBe(EXPORT);
    expect(readFileSync(path.join(m.fallback, 'config-hash'), 'utf8').trim()).toBe(CP_HASH);
    expect(r.stdout).toContain(`fetched the fallback configuration (the export of control plane configuration ${CP_HASH})`);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.args).toContain('s3api get-object --bucket kong-fallback-bucket --key kong/declarative.json');
    expect(r.args).toContain('--cli-connect-timeout 5 --cli-read-timeout 20');
  });

  test.each([
    ['no export yet (a first deploy)', 'no-such-key' as const, 'no export yet'],
    ['no permission', 'denied' as const, 'access denied to the export'],
    ['a transfer cut short', 'cut-short' as const, 'the fetch failed (exit 255): Connection was closed'],
  ])('GIVEN %s WHEN fetched THEN no file is left, one line says why, and the container exits 0 so that Kong starts anyway', (_, answer, why) => {
    const m = machine();
    const r = fetch(m, answer);
    expect(r.status).toBe(0);
    expect(existsSync(path.join(m.fallback, 'kong.json'))).toBe(false);
    expect(existsSync(path.join(m.fallback, 'kong.json.part'))).toBe(false);
    expect(r.stderr).toContain(`no fallback configuration fetched: ${why}`);
    expect(readFileSync(path.join(m.fallback, 'fetch-error'), 'utf8')).toContain(why);
  });

  test('GIVEN S3 that does not answer WHEN the fetch outlasts its bound THEN it is abandoned: no file, and it says so', () => {
    const m = machine();
    const r = fetch(m, 'hang', EXPORT, 1);
    expect(r.status).toBe(0);
    expect(existsSync(path.join(m.fallback, 'kong.json'))).toBe(false);
    expect(r.stderr).toContain('the fetch took longer than 1 s');
  });

  test('GIVEN a bound that is not a whole number of seconds WHEN the script is built THEN it refuses', () => {
    expect(() => fallbackFetchScript({ timeoutSeconds: 0.5 })).toThrow('timeoutSeconds must be a whole number of seconds, got 0.5');
  });
});

describe('the data plane start script', () => {
  test('GIVEN a fetched export that parses WHEN Kong starts THEN it starts from it (KONG_DECLARATIVE_CONFIG) with the fallback-config label of the file\'s MD5, and says so', () => {
    const m = machine();
    fetch(m, 'export');
    const r = start(m);
    expect(r.parsed).toBe(true);
    expect(r.env.KONG_DECLARATIVE_CONFIG).toBe(path.join(m.fallback, 'kong.json'));
    expect(r.env.KONG_CLUSTER_DP_LABELS).toBe(`${FALLBACK_LABEL}:${md5(EXPORT)}`);
    expect(r.stdout).toContain(`starting from the fallback configuration (the export of control plane configuration ${CP_HASH}; its hash ${md5(EXPORT)})`);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  test('GIVEN labels the user set WHEN Kong starts from the fallback THEN the fallback label is added to them', () => {
    const m = machine();
    fetch(m, 'export');
    expect(start(m, { labels: 'team:edge,zone:a' }).env.KONG_CLUSTER_DP_LABELS).toBe(`team:edge,zone:a,${FALLBACK_LABEL}:${md5(EXPORT)}`);
  });

  test('GIVEN no export (a first deploy) WHEN Kong starts THEN it starts exactly as before: no declarative config, no label, and the log says why', () => {
    const m = machine();
    fetch(m, 'no-such-key');
    const r = start(m);
    expect(r.parsed).toBe(false);
    expect(r.env.KONG_DECLARATIVE_CONFIG).toBeUndefined();
    expect(r.env.KONG_CLUSTER_DP_LABELS).toBeUndefined();
    expect(r.env.KONG_ROLE).toBe('data_plane');
    expect(r.stdout).toContain('starting without a fallback configuration (no export yet: the control plane\'s configuration has not been exported (a first deploy)): this data plane serves nothing until the control plane sends its configuration');
  });

  test('GIVEN the fetch container never ran WHEN Kong starts THEN it starts as before and says the fetch left nothing', () => {
    const m = machine();
    expect(start(m).stdout).toContain('starting without a fallback configuration (the fetch container left nothing)');
  });

  test('GIVEN an export that does not parse WHEN Kong starts THEN it starts as before (Kong would refuse to start on it), says so, and never logs the parser\'s message (it quotes a credential)', () => {
    const m = machine();
    fetch(m, 'export');
    const r = start(m, { parses: false });
    expect(r.parsed).toBe(true);
    expect(r.env.KONG_DECLARATIVE_CONFIG).toBeUndefined();
    expect(r.env.KONG_CLUSTER_DP_LABELS).toBeUndefined();
    expect(r.stderr).toContain('the fallback configuration does not parse');
    expect(r.stderr).toContain('starting without it: this data plane serves nothing until the control plane sends its configuration');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  test('GIVEN an image without md5sum WHEN Kong starts THEN it starts without the fallback (a fallback unlabelled would pass for the control plane\'s configuration) and says so', () => {
    const m = machine();
    fetch(m, 'export');
    const r = start(m, { md5sum: false });
    expect(r.env.KONG_DECLARATIVE_CONFIG).toBeUndefined();
    expect(r.stderr).toContain('cannot hash the fallback configuration (md5sum); starting without it');
  });

  test('GIVEN the label key WHEN compared THEN it is the one the idle scaler reads, and Kong accepts it (no key may start with kong, values are [a-z0-9] and .:_- up to 63)', () => {
    expect(FALLBACK_LABEL).toBe(SCALER_FALLBACK_LABEL);
    expect(FALLBACK_LABEL).not.toMatch(/^(kong|konnect|insomnia|mesh|kic)/i);
    expect(md5(EXPORT)).toMatch(/^[a-z0-9]([\w.:-]*[a-z0-9])?$/);
  });
});

describe('the fetched export, as a DB-less node loads it', () => {
  test('GIVEN a control plane\'s configuration exported and fetched WHEN a DB-less node loads the file THEN its configuration hash is the label the start script gave (what the idle scaler compares)', async () => {
    const cp = await startKongAdminEmulator();
    const dp = await startKongAdminEmulator({ database: 'off' });
    try {
      const kong = createKongAdminClient({ baseUrl: cp.baseUrl });
      unwrap(await kong.POST('/services', { body: { name: 'billing', host: 'billing.internal' } }));
      unwrap(await kong.POST('/services/{service}/routes', { params: { path: { service: 'billing' } }, body: { name: 'billing', paths: ['/billing'] } }));
      unwrap(await kong.POST('/consumers', { body: { username: 'alice' } }));
      unwrap(await kong.POST('/consumers/{consumer}/key-auth', { params: { path: { consumer: 'alice' } }, body: { key: SECRET } }));
      const text = JSON.stringify(await exportDeclarativeConfig(kong));

      const m = machine();
      fetch(m, 'export', text);
      const started = start(m);
      dp.loadDeclarative(readFileSync(started.env.KONG_DECLARATIVE_CONFIG, 'utf8'));

      expect(started.env.KONG_CLUSTER_DP_LABELS).toBe(`${FALLBACK_LABEL}:${dp.configHash}`);
      expect(dp.entities('routes').map((r) => r.name)).toEqual(['billing']);
    } finally {
      await cp.stop();
      await dp.stop();
    }
  });
});
