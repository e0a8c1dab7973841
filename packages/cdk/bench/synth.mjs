// Figures, not assertions: how long the default KongHybridGateway stack takes to
// synthesize, how big it is, what the handlers bundled here cost, and the two
// paths of a data plane task started while the control plane sleeps (without
// and with the fallback configuration; the figures of src/private/timing.ts,
// estimates marked as such).
// Run after a compile: `npx projen bench` (or `npm run bench` at the root).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const cdk = require('aws-cdk-lib');
const route53 = require('aws-cdk-lib/aws-route53');
const { KongHybridGateway } = require(path.join(here, '..', 'lib', 'index.js'));

function synth(id) {
  const app = new cdk.App({ outdir: path.join(here, '..', 'cdk.out.bench', id) });
  const stack = new cdk.Stack(app, id, { env: { region: 'us-east-1' } });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
  new KongHybridGateway(stack, 'Kong', { domainName: 'kong-gw.example.com', hostedZone });
  const assembly = app.synth();
  return assembly.getStackByName(id).template;
}

const s1 = performance.now();
const template = synth('BenchFirst');
const s2 = performance.now();
synth('BenchSecond');
const s3 = performance.now();

const resources = Object.values(template.Resources);
const byType = {};
for (const r of resources) byType[r.Type] = (byType[r.Type] ?? 0) + 1;

function coldLoad(bundle) {
  const loads = [];
  for (let i = 0; i < 5; i++) {
    const out = execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`], { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' } });
    loads.push(Number(out));
  }
  return loads.sort((a, b) => a - b)[2];
}
const handlers = ['cluster-certificate', 'admin-api-proxy', 'fallback-config-exporter'].map((name) => {
  const bundle = path.join(here, '..', 'assets', name, 'index.js');
  return { name, size: statSync(bundle).size, coldMs: coldLoad(bundle) };
});

console.log('KongHybridGateway, default configuration');
console.log(`  first synth (loads CDK modules)  ${(s2 - s1).toFixed(0)} ms`);
console.log(`  second synth (warm)              ${(s3 - s2).toFixed(0)} ms`);
console.log(`  resources                        ${resources.length}`);
console.log(`  by type                          ${Object.entries(byType).sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t.replace(/^AWS::/, '')} ${n}`).join(', ')}`);
for (const h of handlers) {
  console.log(`${h.name} handler bundle`);
  console.log(`  size (minified, SDK included)    ${(h.size / 1024).toFixed(0)} KiB`);
  console.log(`  cold require, median of 5        ${h.coldMs.toFixed(0)} ms`);
}

// A data plane task started while the control plane sleeps: through the control plane's wake, and from the fallback.
const timing = require(path.join(here, '..', 'lib', 'private', 'timing.js'));
const paths = [
  ['without the fallback (the cold start: the control plane wakes and pushes)', [...timing.CONTROL_PLANE_WAKE_PATH, ...timing.DATA_PLANE_SYNC_PATH], timing.COLD_START_SECONDS],
  ['with the fallback (the last export, before the control plane answers)', timing.FALLBACK_START_PATH, timing.FALLBACK_START_SECONDS],
];
for (const [title, figures, total] of paths) {
  console.log(`data plane ready (/status/ready 200, load balancer healthy), ${title}`);
  let at = 0;
  const healthy = { seconds: timing.ALB_HEALTHY_SECONDS, what: 'the load balancer sees the data plane healthy', source: `setting: ${timing.ALB_HEALTH_CHECK.healthyThreshold} checks ${timing.ALB_HEALTH_CHECK.intervalSeconds} s apart (DataPlane target group)` };
  for (const f of [...figures, healthy]) {
    at += f.seconds;
    console.log(`  ${String(at).padStart(4)} s  +${String(f.seconds).padEnd(3)} ${f.what}`);
    console.log(`  ${' '.repeat(11)}source: ${f.source}`);
  }
  console.log(`  total ${total} s`);
}
console.log(`  the fallback saves ${timing.COLD_START_SECONDS - timing.FALLBACK_START_SECONDS} s of ${timing.COLD_START_SECONDS} s (${((1 - timing.FALLBACK_START_SECONDS / timing.COLD_START_SECONDS) * 100).toFixed(0)}%); the fetch is abandoned after ${timing.FALLBACK_FETCH_TIMEOUT_SECONDS} s`);
console.log(`  with a stopped database cluster (StartDBCluster, ${timing.FIGURES.auroraStoppedClusterStart.seconds} s, estimate) the path without the fallback takes ${timing.COLD_START_SECONDS + timing.FIGURES.auroraStoppedClusterStart.seconds} s; the fallback path does not wait for it (${timing.FALLBACK_START_SECONDS} s)`);
