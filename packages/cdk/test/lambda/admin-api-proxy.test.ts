import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createKongAdminClient } from '@kong-hybrid/admin-client';
import { startKongAdminEmulator, type KongAdminEmulator, type RecordedRequest } from '@kong-hybrid/admin-client/test/emulator';
import { givenDatabaseCluster, givenKongServices, unique } from '@kong-hybrid/idle-scaler/test/support/aws';
import { startMoto, type MotoServer } from '@kong-hybrid/idle-scaler/test/support/moto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { AuroraCluster, EcsControlPlane, newApiKey, SecretsManagerKeyStore } from '../../lambda/admin-api-proxy/aws';
import { classify } from '../../lambda/admin-api-proxy/events';
import { handleAdminProxyEvent, handleRepair, PHYSICAL_ID, type Dependencies } from '../../lambda/admin-api-proxy/handler';
import { readSettings } from '../../lambda/admin-api-proxy/settings';
import { KongProxyStore, kongStatusProbe } from '../../lambda/admin-api-proxy/kong';
import { systemClock } from '../../lambda/admin-api-proxy/wake';
import { customResource, type ResponseBody } from '../../lambda/shared/custom-resource';

let moto: MotoServer;
let kong: KongAdminEmulator;
let ecs: ECSClient;
let rds: RDSClient;
let sm: SecretsManagerClient;

beforeAll(async () => {
  moto = await startMoto();
  kong = await startKongAdminEmulator();
  ecs = new ECSClient(moto.clientConfig);
  rds = new RDSClient(moto.clientConfig);
  sm = new SecretsManagerClient(moto.clientConfig);
}, 60_000);
afterAll(async () => {
  for (const client of [ecs, rds, sm]) client?.destroy();
  await kong?.stop();
  await moto?.stop();
});
beforeEach(() => kong.reset());

type Props = Record<string, unknown>;

/** A gateway as far as the bootstrap sees it: the CP service (moto), its database (moto), the key's secret (moto), the Admin API (emulator). */
async function givenGateway(options: { controlPlane?: number; databaseStopped?: boolean } = {}): Promise<{ props: Props; key: string; cluster: string }> {
  const where = await givenKongServices(ecs, { controlPlane: options.controlPlane ?? 1 });
  const database = await givenDatabaseCluster(rds, { stopped: options.databaseStopped });
  // As CloudFormation creates it: a generated string.
  const key = newApiKey();
  const secret = await sm.send(new CreateSecretCommand({ Name: unique('kong-admin-api-key'), SecretString: key }));
  return {
    key,
    cluster: where.cluster,
    props: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:admin-api-proxy',
      AdminApiUrl: kong.baseUrl,
      RoutePath: '/kong-admin',
      AllowedCidrs: ['203.0.113.0/24'],
      ManagerOrigins: [],
      ApiKeySecretId: secret.ARN!,
      ApiKeyGeneration: '1',
      Cluster: where.cluster,
      ControlPlaneService: where.controlPlaneService,
      DatabaseCluster: database,
      WaitSeconds: '60',
    },
  };
}

function event(type: 'Create' | 'Update' | 'Delete', props: Props, old?: Props): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: String(props.ServiceToken),
    ResponseURL: 'http://127.0.0.1:1/unused',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Gateway/1',
    RequestId: `req-${Math.random()}`,
    LogicalResourceId: 'KongAdminApiProxy',
    ResourceType: 'Custom::KongAdminApiProxy',
    ResourceProperties: props as CloudFormationCustomResourceEvent['ResourceProperties'],
  };
  if (type === 'Create') return { ...base, RequestType: 'Create' };
  if (type === 'Update') return { ...base, RequestType: 'Update', PhysicalResourceId: PHYSICAL_ID, OldResourceProperties: (old ?? props) as CloudFormationCustomResourceEvent['ResourceProperties'] };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: PHYSICAL_ID };
}

/**
 * The bundled asset's handler in a Node.js process of its own, as Lambda
 * loads it, against moto and polling fast: what it returned (printed after
 * `RESULT `), and its output.
 */
async function runBundle(ev: unknown, env: Record<string, string> = {}): Promise<{ result: unknown; stdout: string; stderr: string }> {
  const bundle = path.join(__dirname, '..', '..', 'assets', 'admin-api-proxy', 'index.js');
  const program = `require(${JSON.stringify(bundle)}).handler(${JSON.stringify(ev)}, { getRemainingTimeInMillis: () => 600000 }).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r)))`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', program], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL: moto.endpoint,
      POLL_INTERVAL_MS: '50',
      NODE_NO_WARNINGS: '1',
      ...env,
    },
  });
  return { result: JSON.parse(stdout.slice(stdout.indexOf('RESULT ') + 'RESULT '.length)), stdout, stderr };
}

/** The handler's real adapters, against moto and the emulator, polling fast. */
function dependencies(logs: Array<Record<string, unknown>>, options: { fetch?: typeof fetch } = {}): Dependencies {
  return {
    connect: (s) => ({
      controlPlane: new EcsControlPlane(ecs, s.cluster, s.controlPlaneService),
      ...(s.databaseCluster ? { database: new AuroraCluster(rds, s.databaseCluster) } : {}),
      adminApi: kongStatusProbe(createKongAdminClient({ baseUrl: s.adminApiUrl, timeoutMs: 2_000, retries: 0 })),
      kong: new KongProxyStore(createKongAdminClient({ baseUrl: s.adminApiUrl, retryBaseDelayMs: 10, ...(options.fetch ? { fetch: options.fetch } : {}) })),
    }),
    keys: new SecretsManagerKeyStore(sm),
    clock: systemClock,
    log: (fields) => logs.push(fields),
    pollIntervalMs: 25,
    remainingMs: () => 15 * 60_000,
  };
}

/** Runs one event through the handler; returns its result, its log lines and the requests Kong received. */
async function run(ev: CloudFormationCustomResourceEvent, options: { fetch?: typeof fetch } = {}) {
  const logs: Array<Record<string, unknown>> = [];
  const before = kong.requests.length;
  const result = await handleAdminProxyEvent(ev, dependencies(logs, options));
  return { result, logs, requests: kong.requests.slice(before) };
}

const isWrite = (r: RecordedRequest) => r.method !== 'GET';
const line = (r: RecordedRequest) => `${r.method} ${r.path}`;
const ours = (collection: string) => kong.entities(collection).filter((e) => (e.tags ?? []).includes('kong-hybrid-admin-proxy'));
const printRequests = (title: string, requests: RecordedRequest[]) => {
  if (process.env.PRINT_REQUESTS) console.info(`${title}\n${requests.map((r) => `  ${line(r)}${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}`).join('\n')}`);
};

describe('admin bootstrap against the Admin API emulator', () => {
  test('GIVEN an empty control plane WHEN created THEN Kong gets the service, its protections, the consumer and its key, and the route last', async () => {
    const { props, key } = await givenGateway();

    const { result, logs, requests } = await run(event('Create', props));
    printRequests('first run', requests);

    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID, data: { ServiceName: 'kong-admin', RoutePath: '/kong-admin', ConsumerName: 'kong-admin', Writes: '8' } });
    expect(requests.filter(isWrite).map(line)).toEqual([
      'PUT /services/kong-admin',
      'PUT /plugins/kong-admin-key-auth',
      'PUT /plugins/kong-admin-acl',
      'PUT /plugins/kong-admin-ip-restriction',
      'PUT /consumers/kong-admin',
      'POST /consumers/kong-admin/acls',
      'POST /consumers/kong-admin/key-auth',
      'PUT /routes/kong-admin',
    ]);
    const [service] = kong.entities('services');
    const port = Number(new URL(kong.baseUrl).port);
    expect(service).toMatchObject({ name: 'kong-admin', protocol: 'http', host: '127.0.0.1', port, path: null, enabled: true, tags: ['kong-hybrid-admin-proxy'] });
    expect(kong.entities('routes')).toEqual([expect.objectContaining({ name: 'kong-admin', paths: ['/kong-admin'], strip_path: true, service: { id: service.id } })]);
    const plugins = Object.fromEntries(kong.entities('plugins').map((p) => [p.name, p]));
    expect(Object.keys(plugins).sort()).toEqual(['acl', 'ip-restriction', 'key-auth']);
    for (const p of Object.values(plugins)) expect(p).toMatchObject({ service: { id: service.id }, route: null, consumer: null, enabled: true });
    expect(plugins['key-auth'].config).toMatchObject({ key_names: ['apikey'], hide_credentials: true, key_in_query: false });
    expect(plugins['ip-restriction'].config).toMatchObject({ allow: ['203.0.113.0/24'], deny: null });
    // Kong answers every field of the acl config, defaults included (kong/plugins/acl/schema.lua at 3.9.3)
    expect(plugins.acl.config).toEqual({ allow: ['kong-admin'], deny: null, hide_groups_header: true, always_use_authenticated_groups: false });
    const [consumer] = kong.entities('consumers');
    expect(consumer).toMatchObject({ username: 'kong-admin' });
    expect(kong.entities('key-auths')).toEqual([expect.objectContaining({ key, consumer: { id: consumer.id } })]);
    expect(kong.entities('acls')).toEqual([expect.objectContaining({ group: 'kong-admin', consumer: { id: consumer.id } })]);
    // The key went to Kong in a body, never in a URL, and nowhere else.
    expect(requests.filter((r) => JSON.stringify(r.body ?? '').includes(key)).map(line)).toEqual(['POST /consumers/kong-admin/key-auth']);
    expect(requests.some((r) => r.path.includes(key))).toBe(false);
    expect(JSON.stringify(logs)).not.toContain(key);
    expect(JSON.stringify(result)).not.toContain(key);
    expect(logs.at(-1)).toMatchObject({ event: 'done', outcome: 'converged', writes: 8, woke: [] });
  });

  test('GIVEN a converged Kong WHEN run again with the same input THEN it only reads: no write at all, no wake', async () => {
    const { props } = await givenGateway();
    await run(event('Create', props));

    const { result, logs, requests } = await run(event('Update', props));
    printRequests('re-run', requests);

    expect(requests.filter(isWrite)).toEqual([]);
    expect(requests.map(line).sort()).toEqual([
      'GET /consumers/kong-admin',
      `GET /consumers/${kong.entities('consumers')[0].id}/acls`,
      `GET /consumers/${kong.entities('consumers')[0].id}/key-auth`,
      'GET /routes/kong-admin',
      'GET /services/kong-admin',
      `GET /services/${kong.entities('services')[0].id}/plugins`,
      'GET /status',
    ].sort());
    expect(result.data!.Writes).toBe('0');
    expect(logs.filter((l) => l.event === 'wake')).toEqual([]);
    expect(logs.at(-1)).toMatchObject({ event: 'done', outcome: 'unchanged', writes: 0 });
  });

  test('GIVEN a converged Kong WHEN the admin CIDRs change THEN the one write is a PATCH of the ip-restriction plugin', async () => {
    const { props } = await givenGateway();
    await run(event('Create', props));
    const before = JSON.stringify(kong.entities('services')) + JSON.stringify(kong.entities('routes')) + JSON.stringify(kong.entities('key-auths'));

    const next = { ...props, AllowedCidrs: ['198.51.100.7/32', '2001:db8::/48'] };
    const { requests } = await run(event('Update', next, props));

    const ip = kong.entities('plugins').find((p) => p.name === 'ip-restriction')!;
    expect(requests.filter(isWrite).map((r) => [line(r), r.body])).toEqual([[`PATCH /plugins/${ip.id}`, { config: { allow: ['198.51.100.7/32', '2001:db8::/48'] } }]]);
    expect(ip.config).toMatchObject({ allow: ['198.51.100.7/32', '2001:db8::/48'], deny: null });
    expect(JSON.stringify(kong.entities('services')) + JSON.stringify(kong.entities('routes')) + JSON.stringify(kong.entities('key-auths'))).toBe(before);

    // AND with no CIDRs left, ip-restriction denies everyone
    await run(event('Update', { ...props, AllowedCidrs: [] }, next));
    expect(kong.entities('plugins').find((p) => p.name === 'ip-restriction')!.config).toMatchObject({ allow: null, deny: ['0.0.0.0/0', '::/0'] });
  });

  test('GIVEN Kong Manager origins WHEN set THEN a cors plugin is put on the service, AND WHEN removed THEN it is deleted', async () => {
    const { props } = await givenGateway();
    await run(event('Create', props));

    const withCors = { ...props, ManagerOrigins: ['http://localhost:8002'] };
    const on = await run(event('Update', withCors, props));
    expect(on.requests.filter(isWrite).map(line)).toEqual(['PUT /plugins/kong-admin-cors']);
    const cors = kong.entities('plugins').find((p) => p.name === 'cors')!;
    expect(cors).toMatchObject({ service: { id: kong.entities('services')[0].id }, config: expect.objectContaining({ origins: ['http://localhost:8002'], credentials: false }) });

    const off = await run(event('Update', props, withCors));
    expect(off.requests.filter(isWrite).map(line)).toEqual([`DELETE /plugins/${cors.id}`]);
    expect(kong.entities('plugins').map((p) => p.name).sort()).toEqual(['acl', 'ip-restriction', 'key-auth']);
  });

  test('GIVEN a bumped key generation WHEN updated THEN a new key is written to the secret once and replaces the old credential; a re-run and a rollback keep it', async () => {
    const { props, key } = await givenGateway();
    await run(event('Create', props));
    const versions = async () => (await sm.send(new ListSecretVersionIdsCommand({ SecretId: String(props.ApiKeySecretId) }))).Versions!.length;
    const v1 = await versions();

    const gen2 = { ...props, ApiKeyGeneration: '2' };
    const { requests, logs } = await run(event('Update', gen2, props));

    const newKey = (await sm.send(new GetSecretValueCommand({ SecretId: String(props.ApiKeySecretId) }))).SecretString!;
    expect(newKey).not.toBe(key);
    expect(newKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(kong.entities('key-auths').map((c) => c.key)).toEqual([newKey]);
    expect(requests.filter(isWrite).map(line)).toEqual(['POST /consumers/kong-admin/key-auth', expect.stringMatching(/^DELETE \/consumers\/kong-admin\/key-auth\/[0-9a-f-]{36}$/)]);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'api-key', outcome: 'rotated', generation: 2 }));
    expect(JSON.stringify(logs)).not.toContain(newKey);
    expect(await versions()).toBe(v1 + 1);

    // AND the same generation again (a retried deployment) writes nothing
    const again = await run(event('Update', gen2, gen2));
    expect(again.requests.filter(isWrite)).toEqual([]);
    // AND a rollback to generation 1 keeps the current key rather than writing another
    const rollback = await run(event('Update', props, gen2));
    expect(rollback.requests.filter(isWrite)).toEqual([]);
    expect(await versions()).toBe(v1 + 1);
    expect(kong.entities('key-auths').map((c) => c.key)).toEqual([newKey]);
  });

  test('GIVEN a converged Kong WHEN deleted THEN the route goes first and nothing of ours is left', async () => {
    const { props } = await givenGateway();
    await run(event('Create', { ...props, ManagerOrigins: ['http://localhost:8002'] }));
    // Something that is not ours, to keep.
    kong.seed('services', [{ name: 'billing', url: 'http://billing.internal:8080' }]);

    const { result, logs, requests } = await run(event('Delete', props));

    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID });
    expect(requests.filter(isWrite).map((r) => r.path.replace(/[0-9a-f-]{36}/, '<id>'))).toEqual([
      '/routes/<id>', '/plugins/<id>', '/plugins/<id>', '/plugins/<id>', '/plugins/<id>', '/services/<id>', '/consumers/<id>',
    ]);
    expect(requests.filter(isWrite).every((r) => r.method === 'DELETE')).toBe(true);
    for (const collection of ['services', 'routes', 'plugins', 'consumers', 'key-auths', 'acls']) expect(ours(collection)).toEqual([]);
    expect(kong.entities('key-auths')).toEqual([]);
    expect(kong.entities('services').map((s) => s.name)).toEqual(['billing']);
    expect(logs.at(-1)).toMatchObject({ event: 'done', outcome: 'removed' });
  });

  test('GIVEN someone added a route to our service WHEN deleted THEN what cannot go is left, the log says what, and the delete still succeeds', async () => {
    const { props } = await givenGateway();
    await run(event('Create', props));
    kong.seed('routes', [{ name: 'theirs', paths: ['/theirs'], service: { name: 'kong-admin' } }]);

    const { result, logs } = await run(event('Delete', props));

    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID });
    expect(logs.at(-1)).toMatchObject({
      event: 'done',
      outcome: 'left',
      left: expect.stringMatching(/^DELETE service [0-9a-f-]{36}; DELETE consumer [0-9a-f-]{36}/),
      reason: expect.stringContaining("an existing 'routes' entity references this 'services' entity"),
    });
    expect(ours('routes')).toEqual([]);
  });

  test('GIVEN an Admin API that never answers WHEN deleted THEN it waits the bounded time, logs what may be left, and succeeds', async () => {
    const { props } = await givenGateway();
    kong.setDown(true);

    const { result, logs } = await run(event('Delete', { ...props, WaitSeconds: '1' }));

    expect(result).toEqual({ physicalResourceId: PHYSICAL_ID });
    expect(logs.at(-1)).toMatchObject({
      event: 'done',
      outcome: 'left',
      left: expect.stringContaining('service kong-admin with its plugins'),
      reason: expect.stringMatching(/did not become ready within 1 s: Admin API not answering/),
    });
  });

  test('GIVEN an Admin API slow to come up WHEN created THEN it waits, then converges', async () => {
    const { props } = await givenGateway();
    kong.setDown(true);
    const up = setTimeout(() => kong.setDown(false), 400);

    const { logs } = await run(event('Create', props));
    clearTimeout(up);

    expect(logs).toContainEqual(expect.objectContaining({ event: 'waiting', for: expect.stringContaining('Admin API not answering (control plane desired 1, running 1') }));
    expect(logs.at(-1)).toMatchObject({ event: 'done', outcome: 'converged', writes: 8 });
    expect(ours('routes')).toHaveLength(1);
  });

  test('GIVEN Kong fails a write with a database error WHEN created THEN it reads again, plans again and converges', async () => {
    const { props } = await givenGateway();
    let injected = false;
    const flaky: typeof fetch = (input, init) => {
      const method = (input instanceof Request ? input.method : init?.method) ?? 'GET';
      if (method === 'PUT' && !injected) {
        injected = true;
        kong.failNext({ status: 500, body: { code: 8, name: 'database error', message: 'timeout' } });
      }
      return fetch(input, init);
    };

    const { logs } = await run(event('Create', props), { fetch: flaky });

    expect(logs).toContainEqual(expect.objectContaining({ event: 'retry', attempt: 1, error: 'timeout' }));
    expect(logs.at(-1)).toMatchObject({ event: 'done', outcome: 'converged' });
    expect(ours('routes')).toHaveLength(1);
  });

  test('GIVEN an Admin API that stays down WHEN created THEN it fails after the wait, saying what it waited for', async () => {
    const { props } = await givenGateway();
    kong.setDown(true);

    await expect(run(event('Create', { ...props, WaitSeconds: '1' })))
      .rejects.toThrow(/^the Kong Admin API did not become ready within 1 s: Admin API not answering \(control plane desired 1, running 1, pending 0; database available\)$/);
  });
});

/** The events EventBridge delivers to the function, as AWS documents them. */
const stackUpdated = (status = 'UPDATE_COMPLETE') => ({
  'version': '0', 'id': `e-${Math.random()}`, 'detail-type': 'CloudFormation Stack Status Change', 'source': 'aws.cloudformation',
  'account': '123456789012', 'time': '2026-12-01T10:00:00Z', 'region': 'us-east-1', 'resources': ['arn:aws:cloudformation:us-east-1:123456789012:stack/Gateway/1'],
  'detail': { 'stack-id': 'arn:aws:cloudformation:us-east-1:123456789012:stack/Gateway/1', 'status-details': { status, 'status-reason': '' }, 'client-request-token': 'exec-1' },
});
const controlPlaneStarted = (lastStatus = 'RUNNING', desiredStatus = 'RUNNING') => ({
  'version': '0', 'id': `e-${Math.random()}`, 'detail-type': 'ECS Task State Change', 'source': 'aws.ecs',
  'account': '123456789012', 'time': '2026-12-01T10:00:00Z', 'region': 'us-east-1', 'resources': ['arn:aws:ecs:us-east-1:123456789012:task/kong/abc'],
  'detail': { clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/kong', group: 'service:kong-cp', lastStatus, desiredStatus, taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/kong/abc', version: 3 },
});

/** Delivers an EventBridge event as the Lambda entry does: classify it, then repair with the construct's settings (the custom resource's properties). */
async function deliver(ev: unknown, props: Props) {
  const invocation = classify(ev);
  if (invocation.kind !== 'repair') throw new Error(`not a repair: ${JSON.stringify(invocation)}`);
  const logs: Array<Record<string, unknown>> = [];
  const before = kong.requests.length;
  const result = await handleRepair(invocation.trigger, readSettings(props), dependencies(logs), invocation.detail);
  return { result, logs, requests: kong.requests.slice(before) };
}

/** What an admin (or decK) does to Kong through the Admin API. */
const admin = (method: string, path: string) => fetch(`${kong.baseUrl}${path}`, { method }).then((r) => r.status);

describe('drift repair: a deleted /kong-admin comes back on the next deploy and the next control plane start, with the same key', () => {
  test('GIVEN the route deleted (a deck gateway sync without select tags) WHEN the stack is updated THEN the route is back, and only the route was written', async () => {
    const { props, key } = await givenGateway();
    await run(event('Create', props));
    const credential = kong.entities('key-auths')[0];
    const versions = async () => (await sm.send(new ListSecretVersionIdsCommand({ SecretId: String(props.ApiKeySecretId) }))).Versions!.length;
    const secretVersions = await versions();
    expect(await admin('DELETE', '/routes/kong-admin')).toBe(204);
    expect(kong.entities('routes')).toEqual([]);

    // WHEN CloudFormation reports the stack updated (any change, or a rollback)
    const { result, requests, logs } = await deliver(stackUpdated(), props);
    printRequests('repair after a stack update', requests);

    expect(result).toEqual({ outcome: 'repaired', writes: ['PUT route kong-admin (/kong-admin)'] });
    expect(requests.filter(isWrite).map(line)).toEqual(['PUT /routes/kong-admin']);
    expect(kong.entities('routes')).toEqual([expect.objectContaining({ name: 'kong-admin', paths: ['/kong-admin'], service: { id: kong.entities('services')[0].id } })]);
    // The key did not rotate: the same credential, the same secret versions.
    expect(kong.entities('key-auths')).toEqual([credential]);
    expect(credential.key).toBe(key);
    expect(await versions()).toBe(secretVersions);
    expect(logs.at(-1)).toMatchObject({ mode: 'repair', trigger: 'stack-updated', stackStatus: 'UPDATE_COMPLETE', event: 'done', outcome: 'repaired', writes: 1 });
    expect(JSON.stringify(logs)).not.toContain(key);
  });

  test('GIVEN route, plugins, consumer and key all deleted WHEN the control plane task starts (a wake) THEN everything is back in the safe order, with the key from the secret', async () => {
    const { props, key } = await givenGateway();
    await run(event('Create', props));
    const keyAuth = kong.entities('plugins').find((p) => p.name === 'key-auth')!;
    const consumer = kong.entities('consumers')[0];
    for (const path of ['/routes/kong-admin', `/plugins/${keyAuth.id}`, `/consumers/${consumer.id}`]) expect(await admin('DELETE', path)).toBe(204);

    const { result, requests } = await deliver(controlPlaneStarted(), props);
    printRequests('repair after a wake', requests);

    expect(result.outcome).toBe('repaired');
    expect(requests.filter(isWrite).map(line)).toEqual([
      'PUT /plugins/kong-admin-key-auth',
      'PUT /consumers/kong-admin',
      'POST /consumers/kong-admin/acls',
      'POST /consumers/kong-admin/key-auth',
      'PUT /routes/kong-admin',
    ]);
    expect(kong.entities('key-auths').map((c) => c.key)).toEqual([key]);
    expect(kong.entities('plugins').map((p) => p.name).sort()).toEqual(['acl', 'ip-restriction', 'key-auth']);
    expect(ours('routes')).toHaveLength(1);
  });

  test('GIVEN nothing drifted WHEN a repair runs THEN it only reads', async () => {
    const { props } = await givenGateway();
    await run(event('Create', props));
    const { result, requests } = await deliver(controlPlaneStarted(), props);
    expect(result).toEqual({ outcome: 'unchanged', writes: [] });
    expect(requests.filter(isWrite)).toEqual([]);
  });

  test('GIVEN a plugin disabled and ip-restriction opened by hand WHEN the stack is updated THEN they are corrected back to the deployed settings', async () => {
    const { props } = await givenGateway();
    await run(event('Create', props));
    const ip = kong.entities('plugins').find((p) => p.name === 'ip-restriction')!;
    expect((await fetch(`${kong.baseUrl}/plugins/${ip.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: false, config: { allow: ['0.0.0.0/0'] } }) })).status).toBe(200);

    await deliver(stackUpdated('UPDATE_ROLLBACK_COMPLETE'), props);

    expect(kong.entities('plugins').find((p) => p.name === 'ip-restriction')).toMatchObject({ enabled: true, config: expect.objectContaining({ allow: ['203.0.113.0/24'] }) });
  });

  test('GIVEN a newer key in Kong than the one the repair reads (a rotation under way) WHEN a repair runs THEN it adds its key but deletes no credential', async () => {
    const { props, key } = await givenGateway();
    await run(event('Create', props));
    const consumer = kong.entities('consumers')[0];
    kong.seed('key-auths', [{ key: newApiKey(), consumer: { id: consumer.id }, tags: ['kong-hybrid-admin-proxy'] }]);

    const { requests } = await deliver(controlPlaneStarted(), props);

    expect(requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(kong.entities('key-auths').map((c) => c.key)).toContain(key);
    expect(kong.entities('key-auths')).toHaveLength(2);
  });

  test('GIVEN the same start delivered twice at once (EventBridge duplicates, a health change) WHEN both repair concurrently THEN both succeed and Kong holds one of each', async () => {
    const { props, key } = await givenGateway();
    await run(event('Create', props));
    for (const path of ['/routes/kong-admin', `/consumers/${kong.entities('consumers')[0].id}`]) expect(await admin('DELETE', path)).toBe(204);

    const [a, b] = await Promise.all([deliver(controlPlaneStarted(), props), deliver(controlPlaneStarted(), props)]);

    expect([a.result.outcome, b.result.outcome].sort()).toEqual(expect.arrayContaining(['repaired']));
    expect(kong.entities('consumers')).toHaveLength(1);
    expect(kong.entities('acls')).toHaveLength(1);
    expect(kong.entities('key-auths').map((c) => c.key)).toEqual([key]);
    expect(ours('routes')).toHaveLength(1);
  });

  test('GIVEN the control plane stopped by the idle scaler WHEN a repair is triggered THEN it wakes nothing and writes nothing (its next start repairs)', async () => {
    const { props, cluster } = await givenGateway({ controlPlane: 0, databaseStopped: true });
    kong.setDown(true);

    const { result, logs } = await deliver(stackUpdated(), props);

    expect(result).toMatchObject({ outcome: 'skipped', writes: [], reason: expect.stringContaining('control plane desired 0') });
    expect((await ecs.send(new DescribeServicesCommand({ cluster, services: ['kong-cp'] }))).services![0].desiredCount).toBe(0);
    const db = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: String(props.DatabaseCluster) }))).DBClusters![0];
    expect(db.Status).toBe('stopped');
    expect(logs.filter((l) => l.event === 'wake')).toEqual([]);
  });

  test('GIVEN the bundled asset and the settings the construct puts in its environment WHEN EventBridge delivers a control plane start THEN the deleted route is back', async () => {
    const { props, key } = await givenGateway();
    await run(event('Create', props));
    expect(await admin('DELETE', '/routes/kong-admin')).toBe(204);
    const settings = { ...props };
    delete settings.ServiceToken;
    const { result, stdout, stderr } = await runBundle(controlPlaneStarted(), { ADMIN_PROXY_SETTINGS: JSON.stringify(settings) });

    expect(stderr).toBe('');
    expect(result).toEqual({ outcome: 'repaired', writes: ['PUT route kong-admin (/kong-admin)'] });
    expect(ours('routes')).toHaveLength(1);
    expect(stdout).not.toContain(key);
  });

  test('GIVEN a control plane task that is stopping, or a stack that failed to update WHEN delivered THEN no repair runs', () => {
    expect(classify(controlPlaneStarted('RUNNING', 'STOPPED'))).toMatchObject({ kind: 'ignored' });
    expect(classify(controlPlaneStarted('PROVISIONING', 'RUNNING'))).toMatchObject({ kind: 'ignored' });
    expect(classify(stackUpdated('UPDATE_IN_PROGRESS'))).toMatchObject({ kind: 'ignored' });
    expect(classify({ action: 'repair' })).toEqual({ kind: 'repair', trigger: 'manual', detail: {} });
    expect(classify({ hello: 1 })).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('{"action":"repair"}') });
  });
});

describe('admin bootstrap wake-and-wait against moto', () => {
  test('GIVEN a control plane stopped at 0 and a stopped database WHEN created THEN the CP goes to desired 1, the database starts, and Kong is configured once the CP answers', async () => {
    // GIVEN the CP down; its Admin API answers once ECS runs a task
    const { props, cluster } = await givenGateway({ controlPlane: 0, databaseStopped: true });
    kong.setDown(true);
    const watcher = setInterval(() => {
      void ecs.send(new DescribeServicesCommand({ cluster, services: ['kong-cp'] })).then((out) => {
        if ((out.services?.[0]?.runningCount ?? 0) > 0) kong.setDown(false);
      });
    }, 50);

    const { logs } = await run(event('Create', props));
    clearInterval(watcher);

    const cp = (await ecs.send(new DescribeServicesCommand({ cluster, services: ['kong-cp'] }))).services![0];
    expect(cp.desiredCount).toBe(1);
    const db = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: String(props.DatabaseCluster) }))).DBClusters![0];
    expect(db.Status).not.toBe('stopped');
    expect(logs.filter((l) => l.event === 'wake').map((l) => l.action)).toEqual(['start-control-plane', 'start-database']);
    expect(logs.at(-1)).toMatchObject({ event: 'done', outcome: 'converged', woke: ['start-control-plane', 'start-database'] });
    expect(ours('routes')).toHaveLength(1);
  });

  test('GIVEN a running control plane WHEN created THEN ECS is left alone', async () => {
    const { props, cluster } = await givenGateway({ controlPlane: 1 });
    const before = (await ecs.send(new DescribeServicesCommand({ cluster, services: ['kong-cp'] }))).services![0];

    const { logs } = await run(event('Create', props));

    const after = (await ecs.send(new DescribeServicesCommand({ cluster, services: ['kong-cp'] }))).services![0];
    expect(after.deployments).toEqual(before.deployments);
    expect(logs.filter((l) => l.event === 'wake')).toEqual([]);
  });

  test('GIVEN a control plane service that does not exist WHEN created THEN it fails naming the service and the cluster', async () => {
    const { props, cluster } = await givenGateway();
    await expect(run(event('Create', { ...props, ControlPlaneService: 'kong-cp-missing' })))
      .rejects.toThrow(`control plane service kong-cp-missing in cluster ${cluster}: MISSING`);
  });
});

describe('admin bootstrap custom-resource protocol', () => {
  let server: Server;
  let url: string;
  const received: ResponseBody[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { received.push(JSON.parse(body)); res.end(); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/response`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('GIVEN Kong refuses the key (another consumer holds it) WHEN created THEN CloudFormation gets FAILED with Kong\'s status, and the key is in neither the reason nor the logs', async () => {
    const { props, key } = await givenGateway();
    const [someone] = kong.seed('consumers', [{ username: 'someone' }]);
    kong.seed('key-auths', [{ key, consumer: { id: someone.id } }]);
    const logs: Array<Record<string, unknown>> = [];
    const console_ = jest.spyOn(console, 'log').mockImplementation((l: string) => { logs.push(JSON.parse(l)); });

    const body = await customResource((e) => handleAdminProxyEvent(e, dependencies(logs)), 'admin-api-proxy')({ ...event('Create', props), ResponseURL: url });
    console_.mockRestore();

    expect(body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: expect.stringMatching(/^admin-api-proxy-req-/) });
    expect(body.Reason).toBe('admin-api-proxy: adding the key-auth credential to consumer kong-admin failed: Kong answered 409 (unique constraint violation)');
    expect(received.at(-1)).toEqual(body);
    expect(JSON.stringify(received)).not.toContain(key);
    expect(JSON.stringify(logs)).not.toContain(key);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'failed', error: expect.stringContaining('409') }));
  });

  test('GIVEN the bundled asset WHEN a fresh Node.js process loads it and handles a Create THEN CloudFormation gets SUCCESS and Kong is configured, with the key nowhere in the output', async () => {
    const { props, key } = await givenGateway();
    const { result: response, stdout, stderr } = await runBundle({ ...event('Create', props), ResponseURL: url });

    expect(stderr).toBe('');
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: PHYSICAL_ID, Data: { Writes: '8' } });
    expect(received.at(-1)).toEqual(response);
    expect(stdout).toContain('"outcome":"converged"');
    expect(stdout).not.toContain(key);
    expect(kong.entities('key-auths').map((c) => c.key)).toEqual([key]);
  });
});
