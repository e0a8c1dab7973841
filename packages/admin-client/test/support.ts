import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createKongAdminClient, type KongAdminClient, type KongAdminClientOptions } from '../src';
import { startKongAdminEmulator, type KongAdminEmulator, type KongAdminEmulatorOptions } from './emulator';

/** Test certificates (test/fixtures/tls/generate.sh): real PEM, as Kong parses them. */
export const TLS = Object.fromEntries(
  ['rsa', 'rsa-key', 'rsa-alt', 'rsa-alt-key', 'ecdsa', 'ecdsa-key', 'ecdsa-alt', 'ecdsa-alt-key', 'ca', 'ca-key', 'expired-ca']
    .map((name) => [name, readFileSync(path.join(__dirname, 'fixtures', 'tls', `${name}.pem`), 'utf8')]),
) as Record<'rsa' | 'rsa-key' | 'rsa-alt' | 'rsa-alt-key' | 'ecdsa' | 'ecdsa-key' | 'ecdsa-alt' | 'ecdsa-alt-key' | 'ca' | 'ca-key' | 'expired-ca', string>;
export const CERT = TLS.rsa;
export const KEY = TLS['rsa-key'];
export const CA_CERT = TLS.ca;

/** An emulator and a client talking to it; closes both after the suite. */
export function emulated(options: KongAdminEmulatorOptions = {}, client: Partial<KongAdminClientOptions> = {}) {
  const ctx = {} as { emulator: KongAdminEmulator; kong: KongAdminClient; raw: RawClient };
  beforeAll(async () => {
    ctx.emulator = await startKongAdminEmulator(options);
    ctx.kong = createKongAdminClient({ baseUrl: ctx.emulator.baseUrl, apiKey: options.apiKey, apiKeyHeader: options.apiKeyHeader, retryBaseDelayMs: 1, ...client });
    ctx.raw = ctx.kong as unknown as RawClient;
  });
  beforeEach(() => ctx.emulator.reset());
  afterAll(() => ctx.emulator.stop());
  return ctx;
}

interface RawResult {
  data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  error?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  response: Response;
}
type RawCall = (path: string, init?: object) => Promise<RawResult>;

/** The client without path typing, for table-driven tests over every entity family. */
export interface RawClient {
  GET: RawCall;
  POST: RawCall;
  PUT: RawCall;
  PATCH: RawCall;
  DELETE: RawCall;
}
