import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** A moto server on a free loopback port, with the settings SDK clients need. */
export interface MotoServer {
  readonly endpoint: string;
  /** Options for any AWS SDK v3 client. */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Done with it: a server of the caller's own ends; the jest worker's shared one is given back. */
  stop(): Promise<void>;
}

interface MotoLauncher {
  startMoto(timeoutMs?: number): Promise<MotoServer>;
}

/**
 * Under the repository's jest environment (tools/jest/environment.cjs), the
 * jest worker's moto server, lent to this test file and reset for it; anywhere
 * else (a bench script), a server of the caller's own. Both are started by
 * tools/jest/moto.cjs, which says why and how.
 */
function launcher(): MotoLauncher {
  const shared = (globalThis as { __kongHybridMoto?: MotoLauncher }).__kongHybridMoto;
  if (shared) return shared;
  // This file is also reached through node_modules/@kong-hybrid/idle-scaler.
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'tools', 'jest', 'moto.cjs');
    if (existsSync(file)) return require(file) as MotoLauncher; // eslint-disable-line @typescript-eslint/no-require-imports
    if (path.dirname(dir) === dir) throw new Error('tools/jest/moto.cjs not found above this folder');
  }
}

/**
 * A moto server answering one request at a time, so that each call is atomic
 * as the real APIs are (tools/moto-server.py), with no resources in it and ECS
 * tasks that stay in the state they are in. Waits until it answers.
 */
export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  return launcher().startMoto(timeoutMs);
}
