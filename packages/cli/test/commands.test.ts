import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startMoto, type MotoServer } from '@kong-hybrid/idle-scaler/test/support/moto';
import { scaleDataPlaneTasks } from '@kong-hybrid/idle-scaler/test/support/aws';
import { ECSClient } from '@aws-sdk/client-ecs';
import { expectCooldownShown } from './support/cooldown';
import { HASH, PUBLIC_IP, TestGateway } from './support/gateway';
import { validate } from './support/schemas';

/**
 * Every command as a process, against a deployed gateway: moto (CloudFormation,
 * ECS, RDS, Secrets Manager, CloudWatch, DynamoDB), the idle scaler's real
 * handler behind a local Lambda Invoke endpoint, the Admin API emulator
 * behind a stand-in for the /kong-admin path.
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/;
let moto: MotoServer;
let gw: TestGateway;

beforeAll(async () => {
  moto = await startMoto();
  gw = await TestGateway.start(moto);
});
afterAll(async () => {
  await gw?.stop();
  await moto?.stop();
});

describe('a sleeping gateway', () => {
  test('GIVEN the control plane asleep WHEN status THEN each part is shown, plain (not a terminal), and the unknown sync says why and how to wake', async () => {
    const run = await gw.cli(['status']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stdout).toContain(`Stack ${gw.stackName} (us-east-1, `);
    // Stopped an hour before the gateway was set up, on the real clock: a loaded machine may take minutes to get here.
    expect(run.stdout).toMatch(/^Control plane +stopped 0\/0 since \d\d:\d\d:\d\d \(1h 0\dm\)$/m);
    expect(run.stdout).toMatch(/^Database +available, 0 ACU \(paused; resumes when the control plane connects\), min 0 max 2$/m);
    expect(run.stdout).toMatch(/^Data planes +2\/2 running$/m);
    expect(run.stdout).toMatch(/^Idle scaler +idle \(the control plane sleeps/m);
    expect(run.stdout).toContain('data plane sync: the control plane is stopped, and only it can tell which configuration each data plane runs (wake it: kong-hybrid wake --wait)');
  });

  test('GIVEN the control plane asleep WHEN status --json THEN the document matches its schema and the world', async () => {
    const run = await gw.cli(['status', '--json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(validate('status', doc)).toEqual([]);
    expect(doc.stack).toEqual({ name: gw.stackName, status: expect.stringMatching(/^CREATE_/), region: 'us-east-1' });
    expect(doc.controlPlane).toMatchObject({ state: 'stopped', desired: 0, running: 0 });
    expect(doc.database).toMatchObject({ identifier: gw.databaseId, status: 'available', acu: 0, minAcu: 0, maxAcu: 2 });
    expect(doc.dataPlanes.tasks).toHaveLength(2);
    expect(doc.dataPlanes.tasks.every((t: { sync: unknown; ip: string }) => t.sync === null && /^\d+\.\d+\.\d+\.\d+$/.test(t.ip))).toBe(true);
    expect(doc.scaler).toMatchObject({ phase: 'idle', cooldownUntil: null });
    expect(doc.unknown.map((u: { item: string }) => u.item)).toContain('data plane sync');
  });

  test('GIVEN the control plane asleep WHEN export THEN it says the control plane does not answer and how to wake it', async () => {
    const run = await gw.cli(['export']);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('kong-hybrid: The control plane does not answer (503: name resolution failed): it is asleep, or starting.');
  });

  test('GIVEN the control plane asleep WHEN an Admin API call is made THEN it says the control plane does not answer and how to wake it', async () => {
    const run = await gw.cli(['admin', 'GET', '/services']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('kong-hybrid: The control plane does not answer (503: name resolution failed): it is asleep, or starting.');
    expect(run.stderr).toContain('Wake it and wait for the data planes to sync: kong-hybrid wake --wait');
  });
});

describe('wake, admin, sleep', () => {
  test('GIVEN an idle gateway WHEN wake --wait THEN progress goes to stderr step by step, the result to stdout, through the real scaler', async () => {
    const before = gw.lambda!.invocations.length;
    const run = await gw.cli(['wake', '--wait']);
    expect(run.code).toBe(0);
    const progress = run.stderr.split('\n').filter(Boolean);
    // Off a terminal: one line per change, each step ticked once, in order.
    const done = progress.filter((l) => l.startsWith('✔ '));
    expect(done).toEqual([
      '✔ database available (Aurora resumes as the control plane connects)',
      '✔ control plane answering (1/1 running)',
      `✔ data planes in sync: 2 of 2 on config ${HASH.slice(0, 8)}`,
    ]);
    // Steps under way are shown before they are ticked.
    expect(progress[0]).toBe(`… asking the idle scaler of ${gw.stackName} to wake the control plane`);
    expect(progress.indexOf('… data planes syncing: 0 of 2 on the control plane\'s configuration')).toBeLessThan(progress.indexOf(done[2]));
    expect(run.stdout).toMatch(new RegExp(`^In sync: 2 data planes on the control plane's configuration \\(${HASH.slice(0, 8)}\\) after \\d+s\\.$`, 'm'));
    const stays = run.stdout.match(/^The control plane stays up until (\d\d:\d\d:\d\d) \(cooldown: (\d+)m (\d\d)s left\); a wake, a data plane start or a config change extends it\.$/m);
    expect(stays).not.toBeNull();
    expectCooldownShown({ minutes: stays![2], seconds: stays![3] }, stays![1]);
    expect(await gw.controlPlaneDesired()).toBe(1);
    const calls = gw.lambda!.invocations.slice(before);
    expect(calls.filter((c) => (c.event as { action: string }).action === 'wake')).toEqual([
      { functionName: gw.functionName, invocationType: 'RequestResponse', event: { action: 'wake', reason: 'kong-hybrid wake' } },
    ]);
    expect(calls.filter((c) => (c.event as { action: string }).action === 'status').length).toBeGreaterThanOrEqual(1);
  });

  test('GIVEN the control plane up WHEN status --json THEN every data plane shows its sync: hash, last seen, version', async () => {
    const run = await gw.cli(['status', '--json']);
    const doc = JSON.parse(run.stdout);
    expect(validate('status', doc)).toEqual([]);
    expect(doc.controlPlane).toMatchObject({ state: 'running', desired: 1, running: 1, adminApiAnswering: true });
    expect(doc.database.acu).toBeGreaterThan(0);
    for (const task of doc.dataPlanes.tasks) expect(task.sync).toEqual({ state: 'on-cp-config', configHash: HASH, lastSeen: expect.any(String), version: '3.9.3' });
    expect(doc.scaler).toMatchObject({ phase: 'cooldown', controlPlaneConfigHash: HASH, syncGaps: [] });
    expect(doc.scaler.cooldownLeftMs).toBeGreaterThan(25 * 60_000);
    expect(doc.scaler.lastDecisions[0]).toMatchObject({ decision: 'synced', phase: 'cooldown' });
    expect(doc.unknown.map((u: { item: string }) => u.item)).not.toContain('data plane sync');
  });

  test('GIVEN the control plane up WHEN admin POST then GET THEN the calls go through /kong-admin with the key, which is never printed', async () => {
    const created = await gw.cli(['admin', 'POST', '/services', '--data', '{"name":"httpbin","url":"https://httpbin.org"}']);
    expect(created.code).toBe(0);
    expect(created.stderr).toBe('201 Created\n');
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'httpbin', host: 'httpbin.org' });
    const listed = await gw.cli(['admin', 'get', '/services']);
    expect(JSON.parse(listed.stdout).data.map((s: { name: string }) => s.name)).toEqual(['httpbin']);
    expect(gw.emulator.entities('services').map((s) => s.name)).toEqual(['httpbin']);
    for (const run of [created, listed]) expect(run.stdout + run.stderr).not.toContain(gw.apiKey);
  });

  test('GIVEN the control plane up WHEN export THEN the configuration comes as a Kong declarative document, to stdout or to a file only its owner reads', async () => {
    const printed = await gw.cli(['export']);
    expect(printed.code).toBe(0);
    const doc = JSON.parse(printed.stdout);
    expect(doc).toMatchObject({ _format_version: '3.0', _transform: false });
    expect(doc.services.map((s: { name: string }) => s.name)).toEqual(['httpbin']);
    expect(doc.services[0].id).toBe(gw.emulator.entities('services')[0].id);

    const dir = mkdtempSync(path.join(tmpdir(), 'kong-hybrid-export-'));
    const file = path.join(dir, 'kong.json');
    const written = await gw.cli(['export', '--out', file]);
    expect(written).toMatchObject({ code: 0, stdout: '' });
    expect(written.stderr).toContain(`Wrote ${file} (Kong declarative format 3.0, 1 entities; readable by you only: it holds credentials).`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(doc);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Not over an existing file without --force (no one to ask off a terminal).
    expect(await gw.cli(['export', '--out', file])).toMatchObject({ code: 1, stderr: `kong-hybrid: ${file} exists: pass --force to overwrite it\n` });
    expect((await gw.cli(['export', '--out', file, '--force'])).code).toBe(0);
  });

  test('GIVEN a bad method, path or body WHEN admin THEN it fails naming the argument and the value, before any call', async () => {
    expect(await gw.cli(['admin', 'FETCH', '/services'])).toMatchObject({ code: 1, stderr: 'kong-hybrid: METHOD must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"\n' });
    expect(await gw.cli(['admin', 'GET', 'services'])).toMatchObject({ code: 1, stderr: 'kong-hybrid: path must start with / (an Admin API path such as /services), got "services"\n' });
    const bad = await gw.cli(['admin', 'POST', '/services', '--data', '{name:']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^kong-hybrid: --data must be JSON \(or @file, or - for stdin\), got "\{name:": /);
  });

  test('GIVEN a caller outside the admin CIDRs WHEN admin THEN the 403 names the caller\'s public IP (looked up) and the allowed CIDRs', async () => {
    gw.adminPath.options.callerIp = '203.0.113.9';
    try {
      const run = await gw.cli(['admin', 'GET', '/services']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`refused this machine (403 from Kong's ip-restriction: "IP address not allowed: 203.0.113.9").`);
      expect(run.stderr).toContain('  Your public IP address: 203.0.113.9\n');
      expect(run.stderr).toContain('  Allowed (adminAllowedCidrs): 198.51.100.0/24\n');
      expect(run.stderr).toContain('-c adminAllowedCidrs=198.51.100.0/24,203.0.113.9/32');
      // No network for the lookup: the refusal is still explained, the address said unknown.
      const offline = await gw.cli(['admin', 'GET', '/services'], { env: { KONG_HYBRID_CHECKIP_URL: 'http://127.0.0.1:1/' } });
      expect(offline.stderr).toContain('  Your public IP address: unknown (http://127.0.0.1:1/ did not answer (fetch failed))');
    } finally {
      gw.adminPath.options.callerIp = PUBLIC_IP;
    }
  });

  test('GIVEN a key Kong does not hold WHEN admin THEN the 401 is explained', async () => {
    const options = gw.adminPath.options as { apiKey: string };
    const key = options.apiKey;
    options.apiKey = 'another-key';
    try {
      const run = await gw.cli(['admin', 'GET', '/services']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('refused the admin API key (401: Unauthorized).');
      expect(run.stderr).not.toContain(key);
    } finally {
      options.apiKey = key;
    }
  });

  test('GIVEN the control plane up WHEN admin-proxy THEN Kong Manager reaches the Admin API on 127.0.0.1 without a key, and the key is never printed', async () => {
    const proxy = gw.spawnCli(['admin-proxy', '--port', '0', '--manager-origin', 'http://localhost:8002']);
    try {
      const url = await proxy.waitFor(/on (http:\/\/127\.0\.0\.1:\d+)\n/);
      const res = await fetch(`${url}/services`, { headers: { origin: 'http://localhost:8002' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8002');
      expect(((await res.json()) as { data: Array<{ name: string }> }).data.map((s) => s.name)).toEqual(['httpbin']);
      await proxy.waitForStderr(/GET \/services 200/);
    } finally {
      const exit = await proxy.stop();
      expect(exit.code).toBe(0);
      expect(exit.stdout + exit.stderr).not.toContain(gw.apiKey);
    }
  });

  test('GIVEN a data plane that has not synced WHEN sleep THEN it is refused, with what blocks the stop; once synced, sleep stops the control plane', async () => {
    gw.holdNewDataPlanes = true;
    await scaleDataPlaneTasks(new ECSClient(moto.clientConfig), gw.where, 3);
    const refused = await gw.cli(['sleep']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^kong-hybrid: The control plane stays up \(/);
    expect(refused.stderr).toMatch(/What blocks a stop: .*1 running data plane tasks without a recent row from their address/);
    const json = await gw.cli(['sleep', '--json']);
    expect(json.code).toBe(3);
    const doc = JSON.parse(json.stdout);
    expect(validate('sleep', doc)).toEqual([]);
    expect(doc).toMatchObject({ outcome: 'refused' });

    gw.holdNewDataPlanes = false;
    await gw.settle();
    const stopped = await gw.cli(['sleep']);
    expect(stopped).toMatchObject({ code: 0, stderr: '' });
    expect(stopped.stdout).toMatch(/^Stopped: /);
    expect(await gw.controlPlaneDesired()).toBe(0);
    const again = await gw.cli(['sleep', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'stopped', decision: 'already-idle' });
  });

  test('GIVEN the control plane asleep WHEN admin-proxy --wake THEN it wakes it and waits for sync before it listens', async () => {
    expect(await gw.controlPlaneDesired()).toBe(0);
    const proxy = gw.spawnCli(['admin-proxy', '--port', '0', '--wake']);
    try {
      const url = await proxy.waitFor(/on (http:\/\/127\.0\.0\.1:\d+)\n/);
      // (Three data planes since the sleep test's scale-out.)
      expect(proxy.stderr).toContain(`✔ data planes in sync: 3 of 3 on config ${HASH.slice(0, 8)}`);
      expect(await gw.controlPlaneDesired()).toBe(1);
      expect((await fetch(`${url}/status`)).status).toBe(200);
    } finally {
      expect((await proxy.stop()).code).toBe(0);
    }
    await gw.cli(['sleep']);
    await gw.settle();
  });

  test('GIVEN the control plane asleep WHEN wake --json (no wait) THEN the wake is queued as an Event invocation', async () => {
    const before = gw.lambda!.invocations.length;
    const run = await gw.cli(['wake', '--json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(validate('wake', doc)).toEqual([]);
    expect(doc).toEqual({ schema: 'kong-hybrid/wake/v1', stack: gw.stackName, outcome: 'requested', waitedMs: null, cooldownUntil: null, configHash: null, dataPlanes: null });
    expect(gw.lambda!.invocations.slice(before)).toEqual([{ functionName: gw.functionName, invocationType: 'Event', event: { action: 'wake', reason: 'kong-hybrid wake' } }]);
    await gw.lambda!.idle();
  });
});

describe('data planes on the fallback configuration', () => {
  const FALLBACK = 'fa11bacc'.repeat(4);

  test('GIVEN a data plane started from the fallback, not configured by the control plane yet, WHEN status, status --json and wake --wait THEN it shows as on the fallback, waiting for the control plane, and never as in sync', async () => {
    await gw.lambda!.idle();
    // The control plane up, every data plane on its configuration; then one more task starts from the fallback.
    expect((await gw.cli(['wake', '--wait'])).code).toBe(0);
    const n = JSON.parse((await gw.cli(['status', '--json'])).stdout).dataPlanes.desired as number;
    gw.fallbackHash = FALLBACK;
    await scaleDataPlaneTasks(new ECSClient(moto.clientConfig), gw.where, n + 1);
    await gw.settle();

    const text = await gw.cli(['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^ +on fallback config ${FALLBACK.slice(0, 8)}, waiting for the control plane, seen \\d+s ago, Kong 3\\.9\\.3$`, 'm'));
    expect(text.stdout.match(/^ +in sync, config /gm)).toHaveLength(n);

    const json = await gw.cli(['status', '--json']);
    const doc = JSON.parse(json.stdout);
    expect(validate('status', doc)).toEqual([]);
    const states = doc.dataPlanes.tasks.map((t: { sync: { state: string; configHash: string } | null }) => t.sync && `${t.sync.state} ${t.sync.configHash.slice(0, 8)}`).sort();
    expect(states).toEqual([...Array<string>(n).fill(`on-cp-config ${HASH.slice(0, 8)}`), `on-fallback ${FALLBACK.slice(0, 8)}`]);
    expect(doc.scaler.controlPlaneConfigHash).toBe(HASH);
    expect(doc.scaler.syncGaps).toEqual([expect.stringMatching(/^1 data planes serving their fallback configuration, not yet the control plane's/)]);

    const wake = await gw.cli(['wake', '--wait', '--timeout', '5s']);
    expect(wake.code).not.toBe(0);
    expect(wake.stderr).toContain(`… data planes syncing: ${n} of ${n + 1} on the control plane's configuration; 1 on fallback config ${FALLBACK.slice(0, 8)}, waiting for the control plane`);
    expect(wake.stderr).not.toMatch(/✔ data planes in sync/);
    expect(wake.stderr).toContain('serving their fallback configuration');

    // The control plane's push replaces the fallback: the same wake ends in sync.
    gw.configureFallbackDataPlanes();
    await gw.settle();
    const synced = await gw.cli(['wake', '--wait']);
    expect(synced.code).toBe(0);
    expect(synced.stderr).toContain(`✔ data planes in sync: ${n + 1} of ${n + 1} on config ${HASH.slice(0, 8)}`);
    await gw.lambda!.idle();
  });
});
