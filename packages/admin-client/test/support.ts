import { createKongAdminClient, type KongAdminClient, type KongAdminClientOptions } from '../src';
import { startKongAdminEmulator, type KongAdminEmulator, type KongAdminEmulatorOptions } from './emulator';

export const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZmFrZS1jZXJ0LWZvci10ZXN0czAKBggqhkjOPQQDAjAA\n-----END CERTIFICATE-----\n';
export const CA_CERT = '-----BEGIN CERTIFICATE-----\nMIIBtDCCAVqgAwIBAgIUZmFrZS1jYS1jZXJ0LWZvci10ZXN0czAKBggqhkjOPQQD\n-----END CERTIFICATE-----\n';
export const KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZmFrZS1rZXk=\n-----END PRIVATE KEY-----\n';

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
