import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startMoto, type MotoServer } from '@kong-hybrid/idle-scaler/test/support/moto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { checkExpiry, isExpiryCheck } from '../../lambda/cluster-certificate/expiry';
import { handleCertificateEvent, type SecretStore } from '../../lambda/cluster-certificate/handler';
import { secretsManagerStore } from '../../lambda/cluster-certificate/secrets-manager';
import { issue } from '../../lambda/cluster-certificate/x509';
import { customResource, type ResponseBody } from '../../lambda/shared/custom-resource';

const PEM = /-----BEGIN [A-Z ]+-----/;
const DAY = 86_400_000;

let moto: MotoServer;
let sm: SecretsManagerClient;
let store: SecretStore;
let logs: string[];
let logSpy: jest.SpyInstance;

beforeAll(async () => {
  moto = await startMoto();
  sm = new SecretsManagerClient(moto.clientConfig);
  store = secretsManagerStore(moto.clientConfig);
}, 60_000);
afterAll(async () => { await moto?.stop(); });
beforeEach(() => {
  logs = [];
  logSpy = jest.spyOn(console, 'log').mockImplementation((line: string) => { logs.push(String(line)); });
});
afterEach(() => logSpy.mockRestore());

let n = 0;
/** A secret as CloudFormation creates it: a throwaway generated value. */
async function newSecret(value = 'placeholder-value-0123456789abcdef'): Promise<string> {
  const out = await sm.send(new CreateSecretCommand({ Name: `kong/cluster-${++n}-${Date.now()}`, SecretString: value }));
  return out.ARN!;
}
const current = async (id: string) => sm.send(new GetSecretValueCommand({ SecretId: id }));
const versions = async (id: string) => (await sm.send(new ListSecretVersionIdsCommand({ SecretId: id }))).Versions!.length;

function event(type: 'Create' | 'Update' | 'Delete', props: Record<string, string>, old?: Record<string, string>, physicalId?: string): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:cert',
    ResponseURL: 'http://127.0.0.1:1/unused',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Gateway/1',
    RequestId: `req-${Math.random()}`,
    LogicalResourceId: 'KongClusterCertificate',
    ResourceType: 'Custom::KongClusterCertificate',
    ResourceProperties: { ServiceToken: 'x', ...props },
  };
  if (type === 'Create') return { ...base, RequestType: 'Create' };
  if (type === 'Update') return { ...base, RequestType: 'Update', PhysicalResourceId: physicalId!, OldResourceProperties: { ServiceToken: 'x', ...old } };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: physicalId! };
}

const shared = (secretId: string, extra: Record<string, string> = {}) => ({
  Mode: 'shared', ControlPlaneSecretId: secretId, ControlPlaneCommonName: 'kong_clustering', ValidityDays: '1095', RenewBeforeDays: '30', Generation: '1', ...extra,
});

describe('cluster certificate custom resource (against moto)', () => {
  test('GIVEN a new secret WHEN created THEN it holds a certificate and key for CN kong_clustering that parse and match, and the version is returned', async () => {
    // GIVEN
    const id = await newSecret();
    // WHEN
    const result = await handleCertificateEvent(event('Create', shared(id)), store);
    // THEN
    const stored = JSON.parse((await current(id)).SecretString!);
    const cert = new X509Certificate(stored.cert);
    expect(cert.subject).toBe('CN=kong_clustering');
    expect(cert.checkPrivateKey(require('node:crypto').createPrivateKey(stored.key))).toBe(true);
    expect(new Date(cert.validTo).getTime() - Date.now()).toBeGreaterThan(1094 * DAY);
    expect(result.physicalResourceId).toBe(id);
    expect(result.data!.ControlPlaneVersionId).toBe((await current(id)).VersionId);
    expect(result.data!.DataPlaneVersionId).toBe(result.data!.ControlPlaneVersionId);
    expect(result.data!.Fingerprint).toBe(cert.fingerprint256);
  });

  test('GIVEN a created certificate WHEN updated with the same properties THEN nothing is written and the same version comes back', async () => {
    const id = await newSecret();
    const first = await handleCertificateEvent(event('Create', shared(id)), store);
    const before = await versions(id);
    // WHEN
    const again = await handleCertificateEvent(event('Update', shared(id), shared(id), id), store);
    // THEN
    expect(again.data).toEqual(first.data);
    expect(await versions(id)).toBe(before);
    expect(logs.at(-1)).toContain('"outcome":"kept"');
  });

  test('GIVEN a created certificate WHEN the generation is bumped THEN a new certificate and key are written as a new version', async () => {
    const id = await newSecret();
    const first = await handleCertificateEvent(event('Create', shared(id)), store);
    const firstKey = JSON.parse((await current(id)).SecretString!).key;
    // WHEN
    const rotated = await handleCertificateEvent(event('Update', shared(id, { Generation: '2' }), shared(id), id), store);
    // THEN
    expect(rotated.data!.ControlPlaneVersionId).not.toBe(first.data!.ControlPlaneVersionId);
    expect(rotated.data!.Fingerprint).not.toBe(first.data!.Fingerprint);
    expect(JSON.parse((await current(id)).SecretString!).key).not.toBe(firstKey);
    expect(rotated.data!.ControlPlaneVersionId).toBe((await current(id)).VersionId);
    expect(logs.at(-1)).toContain('issued (spec-changed)');
  });

  test('GIVEN a certificate close to expiry WHEN any deployment updates the resource THEN it is renewed', async () => {
    const id = await newSecret();
    const first = await handleCertificateEvent(event('Create', shared(id)), store);
    // WHEN: 1070 days later, inside the 30-day renewal window
    const renewed = await handleCertificateEvent(event('Update', shared(id), shared(id), id), store, () => new Date(Date.now() + 1070 * DAY));
    // THEN
    expect(renewed.data!.Fingerprint).not.toBe(first.data!.Fingerprint);
    expect(logs.at(-1)).toContain('issued (expiring)');
  });

  test('GIVEN a certificate WHEN the resource is deleted THEN the secret is left to CloudFormation, untouched', async () => {
    const id = await newSecret();
    await handleCertificateEvent(event('Create', shared(id)), store);
    const before = await current(id);
    // WHEN
    const result = await handleCertificateEvent(event('Delete', shared(id), undefined, id), store);
    // THEN
    expect(result.physicalResourceId).toBe(id);
    const after = await current(id);
    expect([after.VersionId, after.SecretString]).toEqual([before.VersionId, before.SecretString]);
  });

  test('GIVEN PKI mode and a CA secret WHEN created THEN CP and DP get their own certificates, issued by the CA, with the CA alongside', async () => {
    // GIVEN
    const ca = issue({ commonName: 'Kong Test CA', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 3650 * DAY) });
    const caId = await newSecret(JSON.stringify(ca));
    const cpId = await newSecret();
    const dpId = await newSecret();
    const props = {
      Mode: 'pki', ControlPlaneSecretId: cpId, DataPlaneSecretId: dpId, CaSecretId: caId,
      ControlPlaneCommonName: 'kong-cp.kong.internal', DataPlaneCommonName: 'kong-dp.kong.internal',
      ValidityDays: '365', RenewBeforeDays: '30', Generation: '1',
    };
    // WHEN
    const result = await handleCertificateEvent(event('Create', props), store);
    // THEN
    const caCert = new X509Certificate(ca.cert);
    for (const [id, name, version] of [[cpId, 'kong-cp.kong.internal', result.data!.ControlPlaneVersionId], [dpId, 'kong-dp.kong.internal', result.data!.DataPlaneVersionId]]) {
      const stored = JSON.parse((await current(id)).SecretString!);
      const cert = new X509Certificate(stored.cert);
      expect(cert.subject).toBe(`CN=${name}`);
      expect(cert.checkHost(name)).toBe(name);
      expect(cert.checkIssued(caCert)).toBe(true);
      expect(cert.verify(caCert.publicKey)).toBe(true);
      expect(stored.ca).toBe(ca.cert);
      expect(version).toBe((await current(id)).VersionId);
    }
    // AND an unchanged update keeps both
    const again = await handleCertificateEvent(event('Update', props, props, cpId), store);
    expect(again.data).toEqual(result.data);
  });

  test('GIVEN a CA secret that is not JSON WHEN created THEN it fails without quoting the secret', async () => {
    const caId = await newSecret('-----BEGIN PRIVATE KEY-----not json');
    const props = {
      Mode: 'pki', ControlPlaneSecretId: await newSecret(), DataPlaneSecretId: await newSecret(), CaSecretId: caId,
      ControlPlaneCommonName: 'kong-cp.kong.internal', DataPlaneCommonName: 'kong-dp.kong.internal', ValidityDays: '365', RenewBeforeDays: '30', Generation: '1',
    };
    const error = await handleCertificateEvent(event('Create', props), store).catch((e: Error) => e);
    expect(String(error)).toMatch(/must hold JSON with string fields "cert" and "key"/);
    expect(String(error)).not.toMatch(/BEGIN|not json/);
  });

  test('GIVEN a create WHEN the logs are read THEN they hold the fingerprint and no PEM text', async () => {
    const id = await newSecret();
    const result = await handleCertificateEvent(event('Create', shared(id)), store);
    expect(logs.join('\n')).toContain(result.data!.Fingerprint);
    expect(logs.join('\n')).not.toMatch(PEM);
  });
});

describe('custom resource entry point', () => {
  let server: Server;
  let url: string;
  const received: ResponseBody[] = [];
  const headers: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { received.push(JSON.parse(body)); headers.push(req.headers); res.end(); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as any).port}/response`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('GIVEN a handler that succeeds WHEN invoked THEN CloudFormation gets SUCCESS with the data, by PUT with an empty content type', async () => {
    const entry = customResource(async () => ({ physicalResourceId: 'pid', data: { VersionId: 'v1' } }), 'test');
    const body = await entry({ ...event('Create', {}), ResponseURL: url });
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'pid', Data: { VersionId: 'v1' }, LogicalResourceId: 'KongClusterCertificate' });
    expect(received.at(-1)).toEqual(body);
    expect(headers.at(-1)!['content-type']).toBe('');
  });

  test('GIVEN a handler that throws WHEN invoked THEN CloudFormation gets FAILED with the reason', async () => {
    const entry = customResource(async () => { throw new Error('boom'); }, 'test');
    const body = await entry({ ...event('Create', {}), ResponseURL: url });
    expect(body).toMatchObject({ Status: 'FAILED', Reason: 'test: boom' });
    expect(body.PhysicalResourceId).toMatch(/^test-req-/);
  });

  test('GIVEN a handler that hangs WHEN the Lambda is about to time out THEN CloudFormation gets FAILED instead of waiting an hour', async () => {
    const entry = customResource(() => new Promise(() => undefined), 'test');
    const body = await entry({ ...event('Create', {}), ResponseURL: url }, { getRemainingTimeInMillis: () => 5_050 });
    expect(body).toMatchObject({ Status: 'FAILED', Reason: 'test: timed out' });
  });

  test('GIVEN the bundled asset WHEN a fresh Node.js process loads it and handles a Create THEN the secret gets a certificate', async () => {
    // GIVEN
    const id = await newSecret();
    const bundle = path.join(__dirname, '..', '..', 'assets', 'cluster-certificate', 'index.js');
    const ev = { ...event('Create', shared(id)), ResponseURL: url };
    const program = `require(${JSON.stringify(bundle)}).handler(${JSON.stringify(ev)}).then((b) => process.stdout.write('RESULT ' + b.Status))`;
    // WHEN
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', program], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
      },
    });
    // THEN
    expect(stdout).toContain('RESULT SUCCESS');
    expect(stdout).not.toMatch(PEM);
    expect(new X509Certificate(JSON.parse((await current(id)).SecretString!).cert).subject).toBe('CN=kong_clustering');
    expect(received.at(-1)!.Data!.ControlPlaneVersionId).toBe((await current(id)).VersionId);
  });
});

describe('daily expiry check', () => {
  const check = (secretIds: string[], now = new Date()) => {
    const lines: string[] = [];
    return checkExpiry({ action: 'check-expiry', certificate: 'Gateway-KongClusterCertificate', secretIds }, store, () => now, (l) => lines.push(l)).then((r) => ({ r, lines }));
  };

  test('GIVEN a certificate that expires in 40 days WHEN checked THEN one metric line says 40 days, in the embedded metric format, without the key', async () => {
    const now = new Date('2027-01-01T00:00:00Z');
    const pair = issue({ commonName: 'kong_clustering', notBefore: new Date(now.getTime() - 1000 * DAY), notAfter: new Date(now.getTime() + 40 * DAY) });
    const id = await newSecret(JSON.stringify({ ...pair, spec: 'x' }));

    const { r, lines } = await check([id], now);

    expect(r.daysToExpiry).toBe(40);
    expect(lines).toHaveLength(1);
    const metric = JSON.parse(lines[0]);
    expect(metric._aws).toEqual({
      Timestamp: now.getTime(),
      CloudWatchMetrics: [{ Namespace: 'KongHybrid', Dimensions: [['Certificate']], Metrics: [{ Name: 'ClusterCertificateDaysToExpiry', Unit: 'None' }] }],
    });
    expect(metric).toMatchObject({ Certificate: 'Gateway-KongClusterCertificate', ClusterCertificateDaysToExpiry: 40 });
    expect(lines[0]).not.toMatch(PEM);
    expect(lines[0]).not.toContain(pair.key.split('\n')[1]);
  });

  test('GIVEN PKI mode (two certificates) WHEN checked THEN the metric is the one that expires first', async () => {
    const now = new Date('2027-01-01T00:00:00Z');
    const cp = await newSecret(JSON.stringify(issue({ commonName: 'cp', notBefore: now, notAfter: new Date(now.getTime() + 300 * DAY) })));
    const dp = await newSecret(JSON.stringify(issue({ commonName: 'dp', notBefore: now, notAfter: new Date(now.getTime() + 12.5 * DAY) })));
    const { r } = await check([cp, dp], now);
    expect(r.daysToExpiry).toBe(12.5);
    expect(r.certificates.map((c) => c.daysToExpiry)).toEqual([300, 12.5]);
  });

  test('GIVEN a secret without a certificate WHEN checked THEN it fails naming the secret, never quoting its value, and emits no metric', async () => {
    const id = await newSecret('{"key":"-----BEGIN PRIVATE KEY-----\\nsecret\\n-----END PRIVATE KEY-----"}');
    const lines: string[] = [];
    await expect(checkExpiry({ action: 'check-expiry', certificate: 'c', secretIds: [id] }, store, () => new Date(), (l) => lines.push(l)))
      .rejects.toThrow(`secret ${id} must hold JSON with a string field "cert" (PEM)`);
    expect(lines).toEqual([]);
  });

  test('GIVEN the scheduled event WHEN the entry point gets it THEN it is an expiry check, not a custom-resource event', () => {
    expect(isExpiryCheck({ action: 'check-expiry', certificate: 'c', secretIds: ['s'] })).toBe(true);
    expect(isExpiryCheck({ RequestType: 'Create' })).toBe(false);
  });
});
