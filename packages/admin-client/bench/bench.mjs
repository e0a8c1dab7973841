// Benchmarks of the built client (lib/esm), against a local HTTP server that
// answers like the Admin API. Prints figures; asserts nothing (no timing
// assertions anywhere): the targets are read, not enforced.
//   1. Per-request overhead of the client (openapi-fetch + our middleware)
//      against plain fetch. Target: within 1.15x.
//   2. Time to page through 10,000 entities (10 pages of 1000).
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createKongAdminClient, listAll } from '../lib/esm/index.js';

const ENTITIES = 10_000;
const consumers = Array.from({ length: ENTITIES }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  created_at: 1764150000, updated_at: 1764150000, username: `user-${i}`, custom_id: null, tags: null,
}));
const status = JSON.stringify({ database: { reachable: true }, server: { total_requests: 1, connections_active: 1 } });

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let body = status;
  if (url.pathname === '/consumers') {
    const size = Number(url.searchParams.get('size') ?? 100);
    const start = Number(url.searchParams.get('offset') ?? 0);
    const more = start + size < consumers.length;
    body = JSON.stringify({
      data: consumers.slice(start, start + size),
      ...(more ? { offset: String(start + size) } : {}),
      next: more ? `/consumers?offset=${start + size}` : null,
    });
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const kong = createKongAdminClient({ baseUrl: base });

// Wall time, and the process's CPU time (client and server both run here):
// on a loaded machine the CPU time is the steadier of the two.
async function timeEach(n, fn) {
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const { user, system } = process.cpuUsage(cpu);
  return { wall: ((performance.now() - start) * 1000) / n, cpu: (user + system) / n }; // µs per call
}
const plain = async () => (await fetch(`${base}/status`)).json();
const typed = async () => (await kong.GET('/status')).data;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Interleaved blocks (plain, client, plain, client, …) so that load from
// other processes on the machine hits both sides alike; medians of blocks.
const BLOCK = 200;
const BLOCKS = 25;
await timeEach(500, plain);
await timeEach(500, typed);
const blocks = { plain: [], typed: [] };
for (let b = 0; b < BLOCKS; b++) {
  blocks.plain.push(await timeEach(BLOCK, plain));
  blocks.typed.push(await timeEach(BLOCK, typed));
}
console.log(`per request: ${BLOCKS} interleaved blocks of ${BLOCK} sequential GETs each side (median block), keep-alive, 127.0.0.1`);
for (const clock of ['wall', 'cpu']) {
  const p = median(blocks.plain.map((b) => b[clock]));
  const t = median(blocks.typed.map((b) => b[clock]));
  console.log(`  ${clock} time`);
  console.log(`    plain fetch + json():        ${p.toFixed(1)} µs`);
  console.log(`    client.GET('/status'):       ${t.toFixed(1)} µs  (overhead ${(t - p).toFixed(1)} µs = ${(t / p).toFixed(3)}x plain fetch; target <= 1.15x)`);
}

async function pagePlain() {
  let offset;
  let count = 0;
  do {
    const page = await (await fetch(`${base}/consumers?size=1000${offset ? `&offset=${offset}` : ''}`)).json();
    count += page.data.length;
    offset = page.offset;
  } while (offset);
  return count;
}
const pageRuns = { plain: [], typed: [] };
for (let r = 0; r < 7; r++) {
  let s = performance.now();
  if ((await pagePlain()) !== ENTITIES) throw new Error('plain paging lost entities');
  pageRuns.plain.push(performance.now() - s);
  s = performance.now();
  if ((await listAll(kong, '/consumers')).length !== ENTITIES) throw new Error('paginate lost entities');
  pageRuns.typed.push(performance.now() - s);
}
console.log(`paging through ${ENTITIES.toLocaleString('en')} entities (10 pages of 1000, median of 7):`);
console.log(`  plain fetch loop:              ${median(pageRuns.plain).toFixed(1)} ms`);
console.log(`  listAll(client, '/consumers'): ${median(pageRuns.typed).toFixed(1)} ms  (${(median(pageRuns.typed) / median(pageRuns.plain)).toFixed(2)}x)`);
server.close();
