// Figures, not assertions: exportDeclarativeConfig over a configuration of
// the size a platform team runs (1,000 services, 2,000 routes, 500 consumers
// with key-auth and ACL credentials, plugins, upstreams and targets), read
// from the in-repo Admin API emulator on 127.0.0.1. The emulator runs Kong's
// schema and DAO rules and validates every request and answer against the
// OpenAPI document, so its time is an upper bound of what the client adds,
// and says nothing of a real Kong's latency: the request count does (each
// request is one round trip to the control plane).
// Run with `npx projen bench` (after the ESM bench) or `npx ts-node --transpile-only bench/export.ts`.
import { performance } from 'node:perf_hooks';
import { createKongAdminClient } from '@kong-hybrid/admin-client';
import { exportDeclarativeConfig } from '@kong-hybrid/admin-client/declarative';
import { startKongAdminEmulator } from '../test/emulator';

const SERVICES = 1_000;
const ROUTES_PER_SERVICE = 2;
const CONSUMERS = 500;
const UPSTREAMS = 50;
const TARGETS_PER_UPSTREAM = 2;
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const now = 1_780_000_000;
  const cp = await startKongAdminEmulator({ role: 'control_plane', now: () => now });
  const dbless = await startKongAdminEmulator({ database: 'off', now: () => now + 60 });
  try {
    const seedStart = performance.now();
    const services = cp.seed('services', Array.from({ length: SERVICES }, (_, i) => ({ name: `svc-${i}`, url: `http://svc-${i}.internal:8080/api` })));
    cp.seed('routes', services.flatMap((s, i) => Array.from({ length: ROUTES_PER_SERVICE }, (_, j) => ({ name: `route-${i}-${j}`, paths: [`/svc-${i}/v${j}`], service: { id: s.id } }))));
    const consumers = cp.seed('consumers', Array.from({ length: CONSUMERS }, (_, i) => ({ username: `user-${i}` })));
    cp.seed('key-auths', consumers.map((c, i) => ({ key: `key-${i}-${'x'.repeat(24)}`, consumer: { id: c.id } })));
    cp.seed('acls', consumers.map((c, i) => ({ group: `group-${i % 10}`, consumer: { id: c.id } })));
    cp.seed('plugins', [
      { name: 'key-auth', config: { key_names: ['apikey'] } },
      ...services.slice(0, 100).map((s) => ({ name: 'rate-limiting', service: { id: s.id }, config: { minute: 100, policy: 'local' } })),
      ...services.slice(100, 200).map((s, i) => ({ name: 'acl', service: { id: s.id }, config: { allow: [`group-${i % 10}`] } })),
    ]);
    const upstreams = cp.seed('upstreams', Array.from({ length: UPSTREAMS }, (_, i) => ({ name: `upstream-${i}.internal` })));
    cp.seed('targets', upstreams.flatMap((u, i) => Array.from({ length: TARGETS_PER_UPSTREAM }, (_, j) => ({ target: `10.0.${i}.${j + 1}:8080`, upstream: { id: u.id } }))));
    const seeded = performance.now() - seedStart;

    const client = createKongAdminClient({ baseUrl: cp.baseUrl });
    await exportDeclarativeConfig(client, { nowSeconds: now }); // warm-up
    const times: number[] = [];
    let doc: Record<string, unknown> = {};
    let requests = 0;
    for (let i = 0; i < RUNS; i++) {
      cp.requests.length = 0;
      cp.takeViolations();
      const start = performance.now();
      doc = await exportDeclarativeConfig(client, { nowSeconds: now });
      times.push(performance.now() - start);
      requests = cp.requests.length;
      const violations = cp.takeViolations();
      if (violations.length > 0) throw new Error(`the emulator saw requests or answers outside the OpenAPI document: ${JSON.stringify(violations.slice(0, 3))}`);
    }
    const text = JSON.stringify(doc);
    const counts = Object.entries(doc).filter(([, v]) => Array.isArray(v)).map(([k, v]) => `${k} ${(v as unknown[]).length}`);
    const entities = Object.values(doc).filter(Array.isArray).reduce((n, v) => n + (v as unknown[]).length, 0);

    // The same document loaded by a DB-less node, as a data plane loads the fallback (the emulator's port of Kong's validation).
    const loadStart = performance.now();
    dbless.loadDeclarative(text);
    const loaded = performance.now() - loadStart;

    console.log(`exportDeclarativeConfig: ${SERVICES} services, ${SERVICES * ROUTES_PER_SERVICE} routes, ${CONSUMERS} consumers (key-auth, acl), ${UPSTREAMS} upstreams; Admin API emulator on 127.0.0.1`);
    console.log(`  seeded in                        ${seeded.toFixed(0)} ms`);
    console.log(`  entities exported                ${entities} (${counts.join(', ')})`);
    console.log(`  requests (pages of 1000)         ${requests}`);
    console.log(`  export time, median of ${RUNS}         ${median(times).toFixed(0)} ms (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}; emulator with OpenAPI validation included)`);
    console.log(`  document size (JSON)             ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB`);
    console.log(`  loaded by the DB-less emulator   ${loaded.toFixed(0)} ms (its configuration hash ${dbless.configHash})`);
  } finally {
    await cp.stop();
    await dbless.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
