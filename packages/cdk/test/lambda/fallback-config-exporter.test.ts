import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { createKongAdminClient, listAll, unwrap, type DataPlane, type KongAdminClient } from '@kong-hybrid/admin-client';
import { exportDeclarativeConfig } from '@kong-hybrid/admin-client/declarative';
import { startKongAdminEmulator, type KongAdminEmulator } from '@kong-hybrid/admin-client/test/emulator';
import { unique } from '@kong-hybrid/idle-scaler/test/support/aws';
import { startMoto, type MotoServer } from '@kong-hybrid/idle-scaler/test/support/moto';
import { agreedConfigHash, readRequest, runExport, type ExporterDependencies } from '../../lambda/fallback-config-exporter/handler';
import { S3ExportStore } from '../../lambda/fallback-config-exporter/s3';

/**
 * The exporter against moto (S3, versioned, SSE-KMS) and the Admin API
 * emulator (a control plane with its data planes' rows); its document loaded
 * by a DB-less emulator as a data plane would load the file.
 */

const KEY_AUTH_SECRET = 'sk-live-fallback-0123456789';
const HASH_A = 'a'.repeat(32);
const HASH_B = 'b'.repeat(32);
const OBJECT_KEY = 'kong/declarative.json';

let moto: MotoServer;
let s3: S3Client;
let cp: KongAdminEmulator;
let dbless: KongAdminEmulator;
let kong: KongAdminClient;
let nowMs = Date.UTC(2026, 11, 1, 9);

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ ...moto.clientConfig, forcePathStyle: true });
  cp = await startKongAdminEmulator({ now: () => nowMs / 1000 });
  dbless = await startKongAdminEmulator({ database: 'off', now: () => nowMs / 1000 });
  kong = createKongAdminClient({ baseUrl: cp.baseUrl, retries: 0 });
}, 60_000);
afterAll(async () => {
  s3?.destroy();
  await cp?.stop();
  await dbless?.stop();
  await moto?.stop();
});
beforeEach(() => {
  cp.reset();
  dbless.reset();
  nowMs = Date.UTC(2026, 11, 1, 9);
});

/** A data plane row seen just now, on `hash`, optionally started from the fallback whose file hash is `fallback`. */
function row(i: number, hash: string, fallback?: string): DataPlane {
  return {
    id: `5b0f3c4e-7f3c-4d0e-9a57-00000000000${i}`, ip: `10.0.3.${10 + i}`, hostname: `dp-${i}`, version: '3.9.3',
    config_hash: hash, last_seen: Math.floor(nowMs / 1000) - 5, sync_status: 'normal', labels: fallback ? { 'fallback-config': fallback } : null,
  } as DataPlane;
}

async function givenBucket(): Promise<string> {
  const bucket = unique('kong-fallback').toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  return bucket;
}

async function givenConfiguration(): Promise<void> {
  unwrap(await kong.POST('/services', { body: { name: 'billing', host: 'billing.internal' } }));
  unwrap(await kong.POST('/services/{service}/routes', { params: { path: { service: 'billing' } }, body: { name: 'billing', paths: ['/billing'] } }));
  unwrap(await kong.POST('/consumers', { body: { username: 'alice' } }));
  unwrap(await kong.POST('/consumers/{consumer}/key-auth', { params: { path: { consumer: 'alice' } }, body: { key: KEY_AUTH_SECRET } }));
  unwrap(await kong.POST('/plugins', { body: { name: 'key-auth', service: { name: 'billing' } } }));
}

interface Run {
  readonly deps: ExporterDependencies;
  readonly logs: Array<Record<string, unknown>>;
  readonly raw: string[];
  readonly sleeps: number[];
}

function deps(bucket: string, overrides: Partial<ExporterDependencies> = {}): Run {
  const raw: string[] = [];
  const sleeps: number[] = [];
  const d: ExporterDependencies = {
    dataPlanes: () => listAll(kong, '/clustering/data-planes'),
    exportConfig: () => exportDeclarativeConfig(kong, { nowSeconds: nowMs / 1000 }),
    store: new S3ExportStore(s3, bucket, OBJECT_KEY),
    now: () => nowMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    log: (line) => raw.push(line),
    confirmDelayMs: 10_000,
    staleAfterSeconds: 90,
    metricsNamespace: 'KongHybrid/FallbackConfig',
    ...overrides,
  };
  return { deps: d, raw, sleeps, get logs() { return raw.map((l) => JSON.parse(l)); } };
}

async function stored(bucket: string): Promise<{ text: string; metadata: Record<string, string>; tags: Record<string, string>; sse?: string }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: OBJECT_KEY }));
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: OBJECT_KEY }));
  return {
    text: await object.Body!.transformToString(),
    metadata: object.Metadata ?? {},
    tags: Object.fromEntries((tags.TagSet ?? []).map((t) => [t.Key, t.Value])),
    sse: object.ServerSideEncryption,
  };
}

async function versions(bucket: string): Promise<number> {
  return (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: OBJECT_KEY }))).Versions?.length ?? 0;
}

describe('the fallback configuration exporter', () => {
  test('GIVEN data planes in sync on a hash WHEN asked for it THEN the configuration is stored under that hash, SSE-KMS, named by its tags and metadata, and a DB-less node loads it as the same configuration, reporting the file\'s MD5', async () => {
    await givenConfiguration();
    cp.setDataPlanes([row(1, HASH_A), row(2, HASH_A)]);
    const bucket = await givenBucket();
    const run = deps(bucket);

    const result = await runExport({ configHash: HASH_A }, run.deps);

    expect(result).toMatchObject({ outcome: 'exported', configHash: HASH_A });
    const object = await stored(bucket);
    const md5 = createHash('md5').update(object.text).digest('hex');
    expect(result.fallbackHash).toBe(md5);
    expect(result.bytes).toBe(Buffer.byteLength(object.text));
    expect(object.sse).toBe('aws:kms');
    expect(object.metadata).toEqual({ 'kong-config-hash': HASH_A, 'fallback-hash': md5, 'exported-at': new Date(nowMs).toISOString() });
    expect(object.tags).toEqual({ 'kong-config-hash': HASH_A, 'fallback-hash': md5 });
    const doc = JSON.parse(object.text);
    expect(doc._format_version).toBe('3.0');
    expect(doc._comment).toContain(HASH_A);
    // Looked twice, the propagation delay apart.
    expect(run.sleeps).toEqual([10_000]);

    dbless.loadDeclarative(object.text);
    expect(dbless.configHash).toBe(md5);
    expect(dbless.entities('key-auths').map((k) => k.key)).toEqual([KEY_AUTH_SECRET]);
    expect(dbless.entities('services').map((s) => s.id)).toEqual(cp.entities('services').map((s) => s.id));
  });

  test('GIVEN an export with credentials WHEN it runs THEN its log line says what it did and how much, never what the document holds', async () => {
    await givenConfiguration();
    cp.setDataPlanes([row(1, HASH_A)]);
    const run = deps(await givenBucket());

    await runExport({}, run.deps);

    expect(run.raw).toHaveLength(1);
    expect(run.raw[0]).not.toContain(KEY_AUTH_SECRET);
    expect(run.logs[0]).toMatchObject({
      handler: 'fallback-config-exporter', outcome: 'exported', configHash: HASH_A, Exports: 1,
      entities: { consumers: 1, keyauth_credentials: 1, plugins: 1, routes: 1, services: 1 },
    });
    expect(run.logs[0]._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'KongHybrid/FallbackConfig', Metrics: expect.arrayContaining([{ Name: 'Exports', Unit: 'Count' }, { Name: 'ExportBytes', Unit: 'Bytes' }]) }] });
  });

  test('GIVEN the export of that hash stored already WHEN asked again THEN nothing is written (its tag says so): one version', async () => {
    await givenConfiguration();
    cp.setDataPlanes([row(1, HASH_A)]);
    const bucket = await givenBucket();

    expect((await runExport({ configHash: HASH_A }, deps(bucket).deps)).outcome).toBe('exported');
    expect((await runExport({ configHash: HASH_A }, deps(bucket).deps)).outcome).toBe('already-exported');
    expect(await versions(bucket)).toBe(1);
  });

  test('GIVEN a configuration change WHEN the data planes agree on the new hash THEN it is a new version, and the previous export stays with its own hash (the last good exports are kept)', async () => {
    await givenConfiguration();
    const bucket = await givenBucket();
    cp.setDataPlanes([row(1, HASH_A)]);
    await runExport({}, deps(bucket).deps);
    unwrap(await kong.POST('/services', { body: { name: 'search', host: 'search.internal' } }));
    cp.setDataPlanes([row(1, HASH_B)]);

    expect((await runExport({ configHash: HASH_B }, deps(bucket).deps)).outcome).toBe('exported');

    const all = (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: OBJECT_KEY }))).Versions!;
    expect(all).toHaveLength(2);
    const hashes = await Promise.all(all.map(async (v) => (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: OBJECT_KEY, VersionId: v.VersionId }))).Metadata!['kong-config-hash']));
    expect(hashes.sort()).toEqual([HASH_A, HASH_B]);
    expect(JSON.parse((await stored(bucket)).text).services).toHaveLength(2);
  });

  test.each([
    ['the data planes disagree', [row(1, HASH_A), row(2, HASH_B)], 'not-in-sync'],
    ['no data plane is connected', [], 'not-in-sync'],
    ['every data plane serves its fallback (none is on the control plane\'s configuration yet)', [row(1, 'f'.repeat(32), 'f'.repeat(32))], 'not-in-sync'],
    ['the data planes moved on from the hash asked for', [row(1, HASH_B)], 'superseded'],
  ])('GIVEN %s WHEN asked for an export THEN nothing is stored', async (_, rows, outcome) => {
    await givenConfiguration();
    cp.setDataPlanes(rows as DataPlane[]);
    const bucket = await givenBucket();

    expect((await runExport({ configHash: HASH_A }, deps(bucket).deps)).outcome).toBe(outcome);
    expect(await versions(bucket)).toBe(0);
  });

  test('GIVEN a data plane on its fallback and one on the control plane\'s configuration WHEN asked THEN the one on the control plane\'s configuration names the export', async () => {
    await givenConfiguration();
    cp.setDataPlanes([row(1, 'f'.repeat(32), 'f'.repeat(32)), row(2, HASH_A, 'e'.repeat(32))]);
    const bucket = await givenBucket();

    expect(await runExport({ configHash: HASH_A }, deps(bucket).deps)).toMatchObject({ outcome: 'exported', configHash: HASH_A });
  });

  test('GIVEN a configuration pushed while the export reads it WHEN the second look sees another hash THEN nothing is stored under the old hash', async () => {
    await givenConfiguration();
    cp.setDataPlanes([row(1, HASH_A)]);
    const bucket = await givenBucket();
    const run = deps(bucket, {
      sleep: async (ms) => {
        nowMs += ms;
        cp.setDataPlanes([row(1, HASH_B)]);
      },
    });

    expect((await runExport({ configHash: HASH_A }, run.deps)).outcome).toBe('changed-during-export');
    expect(await versions(bucket)).toBe(0);
  });

  test('GIVEN a jwt plugin (its secrets cannot be exported) WHEN asked THEN the export is refused, logged as such, not thrown (a retry cannot help), and the last good export stays', async () => {
    await givenConfiguration();
    cp.setDataPlanes([row(1, HASH_A)]);
    const bucket = await givenBucket();
    await runExport({}, deps(bucket).deps);
    cp.seed('plugins', [{ name: 'jwt' }]);
    cp.setDataPlanes([row(1, HASH_B)]);
    const run = deps(bucket);

    expect(await runExport({ configHash: HASH_B }, run.deps)).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('jwt (its jwt_secrets)') });
    expect(run.logs[0]).toMatchObject({ outcome: 'refused', ExportRefused: 1 });
    expect(await versions(bucket)).toBe(1);
    expect((await stored(bucket)).tags['kong-config-hash']).toBe(HASH_A);
  });

  test('GIVEN a control plane with no configuration WHEN asked THEN nothing is stored (an empty fallback serves nothing: a data plane on it is not ready)', async () => {
    cp.setDataPlanes([row(1, HASH_A)]);
    const bucket = await givenBucket();
    expect((await runExport({}, deps(bucket).deps)).outcome).toBe('empty');
    expect(await versions(bucket)).toBe(0);
  });

  test('GIVEN S3 that refuses the write WHEN exporting THEN the run fails (Lambda retries it; the scaler asks again)', async () => {
    await givenConfiguration();
    cp.setDataPlanes([row(1, HASH_A)]);
    await expect(runExport({}, deps('no-such-bucket-kong-fallback').deps)).rejects.toThrow();
  });

  test('GIVEN the Admin API down WHEN exporting THEN the run fails', async () => {
    cp.setDown(true);
    try {
      await expect(runExport({}, deps(await givenBucket()).deps)).rejects.toThrow();
    } finally {
      cp.setDown(false);
    }
  });
});

describe('the exporter\'s event and agreement', () => {
  test.each([
    [{ action: 'export', configHash: HASH_A }, { configHash: HASH_A }],
    [{ action: 'export' }, {}],
    [{ 'detail-type': 'Scheduled Event', 'source': 'aws.events' }, {}],
  ])('GIVEN %j WHEN read THEN it is %j', (event, request) => {
    expect(readRequest(event)).toEqual(request);
  });

  test.each([
    [{ action: 'import' }, 'unknown action "import": this function takes {"action":"export"}'],
    [{ action: 'export', configHash: 'nope' }, 'configHash must be 32 lowercase hex digits, got "nope"'],
  ])('GIVEN %j WHEN read THEN it is refused: %s', (event, message) => {
    expect(() => readRequest(event)).toThrow(message);
  });

  test('GIVEN rows seen long ago, incompatible ones and empty ones WHEN the agreed hash is taken THEN they do not count', () => {
    const now = nowMs / 1000;
    expect(agreedConfigHash([row(1, HASH_A), { ...row(2, HASH_B), last_seen: now - 600 }], now, 90)).toBe(HASH_A);
    expect(agreedConfigHash([row(1, HASH_A), { ...row(2, HASH_B), sync_status: 'plugin_set_incompatible' }], now, 90)).toBe(HASH_A);
    expect(agreedConfigHash([row(1, HASH_A), row(2, '0'.repeat(32))], now, 90)).toBe(HASH_A);
    expect(agreedConfigHash([row(1, '0'.repeat(32))], now, 90)).toBeUndefined();
  });
});
