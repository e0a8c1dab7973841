import type { StatusReport } from '@kong-hybrid/idle-scaler';
import { createColors } from 'picocolors';
import { explainAdminFailure } from '../src/admin-api';
import { CliError, explainAwsError } from '../src/errors';
import { colorsEnabled } from '../src/io';
import { parseDuration } from '../src/main';
import { lookupPublicIp } from '../src/public-ip';
import { parseOutputs, required } from '../src/stack';
import { buildStatus, type StatusInputs } from '../src/status/collect';
import { renderStatus } from '../src/status/render';
import { wakeProgress } from '../src/wake-stages';
import { validate } from './support/schemas';

const site = { call: 'CloudFormation DescribeStacks', region: 'us-east-1', stackName: 'KongHybridReference' };
const error = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });

describe('explainAwsError', () => {
  test('GIVEN each failure an operator meets WHEN explained THEN the message says what it is and the hint what to do', () => {
    expect(explainAwsError(error('CredentialsProviderError', 'Could not load credentials from any providers'), site).message)
      .toMatch(/^No AWS credentials: Could not load credentials from any providers \(looked in the default credential chain/);
    expect(explainAwsError(error('ExpiredTokenException', 'The security token included in the request is expired'), { ...site, profile: 'ops' }).hints)
      .toEqual(['Log in again: aws sso login --profile ops']);
    const dns = explainAwsError(error('Error', 'getaddrinfo ENOTFOUND cloudformation.us-est-1.amazonaws.com', { code: 'ENOTFOUND' }), { ...site, region: 'us-est-1' });
    expect(dns.message).toBe('Could not reach AWS in region us-est-1 (CloudFormation DescribeStacks: ENOTFOUND).');
    expect(dns.hints[0]).toContain('Is "us-est-1" a region name');
    expect(explainAwsError(error('UnrecognizedClientException', 'The security token included in the request is invalid.'), { ...site, region: 'ap-east-2' }).hints[0])
      .toContain('this region is not enabled for the account (opt-in regions)');
    expect(explainAwsError(error('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized to perform: lambda:InvokeFunction'), { ...site, call: 'Lambda Invoke' }).message)
      .toBe('AWS refused Lambda Invoke in region us-east-1: User: arn:aws:iam::1:user/x is not authorized to perform: lambda:InvokeFunction');
    expect(explainAwsError(error('ValidationError', 'Stack with id KongHybridReference does not exist'), site).message).toBe('Stack KongHybridReference not found in region us-east-1.');
    expect(explainAwsError(error('ThrottlingException', 'Rate exceeded'), site).message).toBe('CloudFormation DescribeStacks failed in region us-east-1: ThrottlingException: Rate exceeded');
    const own = new CliError('mine');
    expect(explainAwsError(own, site)).toBe(own);
  });
});

describe('explainAdminFailure', () => {
  const deployment = { stackName: 'KongHybridReference', stackStatus: 'UPDATE_COMPLETE', adminUrl: 'https://kong-gw.example.com/kong-admin', adminAllowedCidrs: ['203.0.113.0/24'] };

  test('GIVEN a 403 from the WAF (an HTML page) and no network for the lookup WHEN explained THEN the edge is named and the address said unknown', () => {
    const why = explainAdminFailure({ status: 403, body: '<html><head><title>403 Forbidden</title></head></html>' }, deployment, { error: 'https://checkip.amazonaws.com/ did not answer (fetch failed)', source: 'x' })!;
    expect(why.message).toBe('https://kong-gw.example.com/kong-admin refused this machine (403 from the firewall (WAF) at the load balancer).');
    expect(why.hints).toEqual([
      'Your public IP address: unknown (https://checkip.amazonaws.com/ did not answer (fetch failed))',
      'Allowed (adminAllowedCidrs): 203.0.113.0/24',
      'To allow it, deploy with -c adminAllowedCidrs=203.0.113.0/24,<your address>/32 (or work from an allowed network).',
    ]);
  });

  test('GIVEN answers of the Admin API itself WHEN explained THEN they are left to the command (its result)', () => {
    expect(explainAdminFailure({ status: 404, body: '{"message":"Not found"}' }, deployment)).toBeUndefined();
    expect(explainAdminFailure({ status: 400, body: '{"code":2,"name":"schema violation","message":"schema violation (url: missing host in url)"}' }, deployment)).toBeUndefined();
    expect(explainAdminFailure({ status: 403, body: '{"message":"You cannot consume this service"}' }, deployment)).toBeUndefined();
  });

  test('GIVEN a stopped control plane, a missing route WHEN explained THEN each says what to do', () => {
    expect(explainAdminFailure({ status: 502, body: '{"message":"An invalid response was received from the upstream server"}' }, deployment)!.hints[0]).toBe('Wake it and wait for the data planes to sync: kong-hybrid wake --wait');
    expect(explainAdminFailure({ status: 404, body: '{"message":"no Route matched with those values"}' }, deployment)!.message).toContain('is not routed by the data planes');
  });
});

describe('parseOutputs', () => {
  test('GIVEN the outputs CloudFormation lists WHEN parsed THEN each is found by its name, whatever the construct path and hash', () => {
    const d = parseOutputs('S', 'CREATE_COMPLETE', 'eu-west-1', [
      { OutputKey: 'KongEndpoint5D1E8F1A', OutputValue: 'https://kong-gw.example.com' },
      { OutputKey: 'GatewayKongAdminUrlB0C1D2E3', OutputValue: 'https://kong-gw.example.com/kong-admin' },
      { OutputKey: 'KongAdminAllowedCidrs9A8B7C6D', OutputValue: '203.0.113.0/24, 2001:db8::/48' },
      { OutputKey: 'SomethingElse', OutputValue: 'x' },
    ]);
    expect(d).toEqual({ stackName: 'S', stackStatus: 'CREATE_COMPLETE', region: 'eu-west-1', endpoint: 'https://kong-gw.example.com', adminUrl: 'https://kong-gw.example.com/kong-admin', adminAllowedCidrs: ['203.0.113.0/24', '2001:db8::/48'] });
    expect(parseOutputs('S', 'X', undefined, [{ OutputKey: 'KongAdminAllowedCidrs9A8B7C6D', OutputValue: 'none' }]).adminAllowedCidrs).toEqual([]);
    expect(() => required(d, 'clusterName', 'kong-hybrid status')).toThrow('Stack S has no ClusterName output, which kong-hybrid status needs.');
  });

  test('GIVEN two gateways in one stack WHEN parsed THEN it fails naming both outputs', () => {
    expect(() => parseOutputs('S', 'X', undefined, [{ OutputKey: 'AEndpoint11111111', OutputValue: 'a' }, { OutputKey: 'BEndpoint22222222', OutputValue: 'b' }]))
      .toThrow('Stack S has 2 outputs named Endpoint (AEndpoint11111111, BEndpoint22222222)');
  });
});

describe('lookupPublicIp (offline: the fetch is injected)', () => {
  const answer = (status: number, body: string) => (async () => new Response(body, { status })) as typeof fetch;
  test('GIVEN each answer WHEN looked up THEN an address, or why not; the URL comes from KONG_HYBRID_CHECKIP_URL when set', async () => {
    expect(await lookupPublicIp({}, answer(200, '198.51.100.7\n'))).toEqual({ ip: '198.51.100.7', source: 'https://checkip.amazonaws.com/' });
    expect(await lookupPublicIp({}, answer(200, '2001:db8::7'))).toMatchObject({ ip: '2001:db8::7' });
    expect(await lookupPublicIp({}, answer(200, '<html>captive portal</html>'))).toEqual({ error: 'https://checkip.amazonaws.com/ answered "<html>captive portal</html>", not an address', source: 'https://checkip.amazonaws.com/' });
    expect(await lookupPublicIp({ KONG_HYBRID_CHECKIP_URL: 'http://proxy.internal/ip' }, answer(503, ''))).toEqual({ error: 'http://proxy.internal/ip answered 503', source: 'http://proxy.internal/ip' });
    const offline = (async () => { throw new TypeError('fetch failed'); }) as typeof fetch;
    expect(await lookupPublicIp({}, offline)).toEqual({ error: 'https://checkip.amazonaws.com/ did not answer (fetch failed)', source: 'https://checkip.amazonaws.com/' });
    let seen: string | undefined;
    await lookupPublicIp({ KONG_HYBRID_CHECKIP_URL: 'http://127.0.0.1:9/' }, (async (url: string) => { seen = url; return new Response('192.0.2.1'); }) as unknown as typeof fetch);
    expect(seen).toBe('http://127.0.0.1:9/');
  });
});

describe('colors', () => {
  test('GIVEN each environment WHEN asked THEN colors only on a terminal, never with NO_COLOR or --no-color, always with FORCE_COLOR', () => {
    expect(colorsEnabled({ write: () => true, isTTY: true }, {})).toBe(true);
    expect(colorsEnabled({ write: () => true, isTTY: false }, {})).toBe(false);
    expect(colorsEnabled({ write: () => true, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorsEnabled({ write: () => true, isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorsEnabled({ write: () => true, isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorsEnabled({ write: () => true, isTTY: true }, {}, false)).toBe(false);
    expect(colorsEnabled({ write: () => true, isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
  });
});

test('GIVEN durations WHEN parsed THEN seconds by default, ms/s/m/h, anything else refused naming the value', () => {
  expect([parseDuration('90'), parseDuration('90s'), parseDuration('10m'), parseDuration('1.5h'), parseDuration('250ms')]).toEqual([90_000, 90_000, 600_000, 5_400_000, 250]);
  expect(() => parseDuration('ten minutes')).toThrow('expected a duration such as 90s, 10m or 1h, got "ten minutes"');
});

/** A status report of the idle scaler, as it answers while a wake goes on. */
function report(overrides: Partial<StatusReport> & { obs?: Partial<StatusReport['observation']> } = {}): StatusReport {
  const { obs, ...rest } = overrides;
  return {
    kind: 'status', phase: 'waking', version: 3, state: { phase: 'waking', wokeAt: Date.parse('2026-12-01T09:00:00Z'), seen: {} },
    lastDecisions: [], syncGaps: ['data planes not read'], stopBlockers: [],
    observation: { controlPlane: { desired: 1, running: 0, pending: 1 }, dataPlane: { desired: 2, running: 2, pending: 0, deploymentInProgress: false }, databaseStatus: 'available', errors: [], ...obs },
    ...rest,
  } as StatusReport;
}

describe('wakeProgress', () => {
  test('GIVEN each moment of a wake WHEN read THEN the steps done and the one under way', () => {
    const text = (r: StatusReport) => wakeProgress(r).stages.map((s) => `${s.done ? '✔' : '…'} ${s.text}`);
    expect(text(report({ obs: { databaseStatus: 'stopped' } }))[0]).toBe('… database stopped: the idle scaler starts it');
    expect(text(report())[1]).toBe('… control plane starting (Fargate places the task, pulls the image)');
    expect(text(report({ obs: { controlPlane: { desired: 1, running: 1, pending: 0 } } }))[1]).toBe('… control plane running; Kong connects to the database');
    const syncing = report({
      obs: { controlPlane: { desired: 1, running: 1, pending: 0 }, sync: { rows: [] } },
      dataPlanes: [{ task: 'a', lastStatus: 'RUNNING', state: 'on-cp-config', configHash: 'f'.repeat(32) }, { task: 'b', lastStatus: 'RUNNING', state: 'not-connected' }],
    });
    expect(text(syncing).slice(1)).toEqual(['✔ control plane answering (1/1 running)', '… data planes syncing: 1 of 2 on the control plane\'s configuration']);
    expect(wakeProgress(syncing).synced).toBe(false);
    // A data plane serving its fallback: named as such, never counted on the control plane's configuration.
    const onFallback = report({ ...syncing, obs: syncing.observation, dataPlanes: [syncing.dataPlanes![0], { task: 'b', lastStatus: 'RUNNING', state: 'on-fallback', configHash: 'a'.repeat(32) }] });
    expect(text(onFallback)[2]).toBe('… data planes syncing: 1 of 2 on the control plane\'s configuration; 1 on fallback config aaaaaaaa, waiting for the control plane');
    expect(wakeProgress(onFallback).synced).toBe(false);
    const synced = report({ ...syncing, phase: 'cooldown', syncGaps: [], controlPlaneConfigHash: 'f'.repeat(32), obs: syncing.observation, dataPlanes: [syncing.dataPlanes![0], { ...syncing.dataPlanes![0], task: 'b' }] });
    expect(wakeProgress(synced)).toEqual({ synced: true, stages: expect.arrayContaining([{ key: 'data-planes', done: true, text: 'data planes in sync: 2 of 2 on config ffffffff' }]) });
  });
});

describe('renderStatus', () => {
  const inputs: StatusInputs = {
    now: Date.parse('2026-12-01T10:00:00Z'),
    deployment: { stackName: 'KongHybridReference', stackStatus: 'UPDATE_COMPLETE', region: 'us-east-1', idleScalerFunctionName: 'fn' },
    controlPlane: { ok: true, value: { desired: 0, running: 0, pending: 0, deploymentInProgress: false, tasks: [] } },
    dataPlane: { ok: true, value: { desired: 2, running: 2, pending: 0, deploymentInProgress: false, tasks: [
      { id: '0123456789abcdef0123456789abcdef', lastStatus: 'RUNNING', desiredStatus: 'RUNNING', health: 'HEALTHY', ip: '10.0.3.11', startedAt: Date.parse('2026-12-01T08:00:00Z') },
      { id: 'fedcba9876543210fedcba9876543210', lastStatus: 'RUNNING', desiredStatus: 'RUNNING', health: 'HEALTHY', ip: '10.0.3.12', startedAt: Date.parse('2026-12-01T08:00:00Z') },
    ] } },
    database: { ok: true, value: { identifier: 'db', status: 'available', minAcu: 0, maxAcu: 2 } },
    capacity: { ok: false, reason: 'AWS refused CloudWatch GetMetricStatistics in region us-east-1: User: arn:aws:sts::123456789012:assumed-role/ReadOnlyOps/me is not authorized to perform: cloudwatch:GetMetricStatistics' },
    scaler: { ok: true, value: report({ phase: 'idle', state: { phase: 'idle', stoppedAt: Date.parse('2026-12-01T09:00:00Z'), seen: {} }, syncGaps: [], obs: { controlPlane: { desired: 0, running: 0, pending: 0 } } }) },
  };

  test('GIVEN an 80-column terminal WHEN rendered THEN no line is wider, and the unknown parts are wrapped, not cut, so that the way out is read', () => {
    const text = renderStatus(buildStatus(inputs), createColors(false), 80);
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(text).toContain('(wake it: kong-hybrid wake --wait)');
    expect(text).toContain('cloudwatch:GetMetricStatistics');
    expect(text).toMatch(/^Control plane +stopped 0\/0 since \d\d:\d\d:\d\d \(1h 00m\)$/m);
  });

  test('GIVEN colors WHEN rendered THEN states are colored; without, the same text with no escape codes', () => {
    const plain = renderStatus(buildStatus(inputs), createColors(false));
    const colored = renderStatus(buildStatus(inputs), createColors(true));
    // eslint-disable-next-line no-control-regex
    expect(colored).toMatch(/\x1b\[/);
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
  });

  test('GIVEN a data plane serving its fallback configuration WHEN rendered and as JSON THEN it says so, with the fallback\'s hash, and the document matches its schema', () => {
    const [a, b] = (inputs.dataPlane as { ok: true; value: { tasks: ReadonlyArray<{ id: string }> } }).value.tasks;
    const scaler = report({
      phase: 'waking', syncGaps: ['1 data planes serving their fallback configuration, not yet the control plane\'s (fedcba98)'], controlPlaneConfigHash: 'f'.repeat(32),
      obs: { controlPlane: { desired: 1, running: 1, pending: 0 }, sync: { rows: [] } },
      dataPlanes: [
        { task: a.id, lastStatus: 'RUNNING', state: 'on-cp-config', configHash: 'f'.repeat(32), lastSeen: Date.parse('2026-12-01T09:59:50Z') },
        { task: b.id, lastStatus: 'RUNNING', state: 'on-fallback', configHash: 'a'.repeat(32), lastSeen: Date.parse('2026-12-01T09:59:40Z') },
      ],
    });
    const doc = buildStatus({ ...inputs, controlPlane: { ok: true, value: { desired: 1, running: 1, pending: 0, deploymentInProgress: false, tasks: [] } }, scaler: { ok: true, value: scaler } });
    expect(validate('status', JSON.parse(JSON.stringify(doc)))).toEqual([]);
    expect(doc.dataPlanes!.tasks.map((t) => t.sync?.state)).toEqual(['on-cp-config', 'on-fallback']);
    const text = renderStatus(doc, createColors(false));
    expect(text).toContain('  in sync, config ffffffff, seen 10s ago');
    expect(text).toContain('  on fallback config aaaaaaaa, waiting for the control plane, seen 20s ago');
  });

  test('GIVEN a part that could not be read WHEN built THEN it is null and its reason is listed', () => {
    const doc = buildStatus({ ...inputs, database: { ok: false, reason: 'Aurora cluster db not found' }, scaler: { ok: false, reason: 'The idle scaler (fn) failed: Error: boom' } });
    expect(doc.database).toBeNull();
    expect(doc.scaler).toBeNull();
    expect(doc.unknown).toEqual(expect.arrayContaining([
      { item: 'database', reason: 'Aurora cluster db not found' },
      { item: 'idle scaler', reason: 'The idle scaler (fn) failed: Error: boom' },
      { item: 'data plane sync', reason: 'the idle scaler could not be asked: The idle scaler (fn) failed: Error: boom' },
    ]));
  });
});
