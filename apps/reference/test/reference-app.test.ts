import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createReferenceApp, STACK_NAME } from '../src/app';
import { BUSY, estimateMonthlyCost, IDLE, inventoryFromTemplates, readCloudAssembly, renderSummary } from '../src/summary';
import { cfnLint } from '../../../packages/cdk/test/support/cfn-lint';
import { checkov } from '../../../packages/cdk/test/support/checkov';

/** The context `cdk synth` gives the app: cdk.json, plus the construct paths the CLI asks for. */
const context = {
  ...JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context,
  'aws:cdk:enable-path-metadata': true,
};

// GIVEN the reference app, synthesized once into a cloud assembly of its own, as `npm run synth` does
const outdir = mkdtempSync(path.join(tmpdir(), 'kong-reference-'));
const { app } = createReferenceApp({ context, outdir });
app.synth();
const stacks = readCloudAssembly(outdir);
const summary = renderSummary(stacks);

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) yield* files(file);
    else yield file;
  }
}

describe('the reference deployment', () => {
  test('GIVEN cdk.json WHEN synthesized THEN one stack deploys the gateway for kong-gw.example.com', () => {
    expect(stacks.map((s) => s.name)).toEqual([STACK_NAME]);
    const resources = Object.values(stacks[0].template.Resources ?? {});
    expect(resources.filter((r) => r.Type === 'AWS::ECS::Service')).toHaveLength(2);
    expect(resources.find((r) => r.Type === 'AWS::Route53::RecordSet')?.Properties).toMatchObject({ Name: 'kong-gw.example.com.', Type: 'A' });
    expect(resources.find((r) => r.Type === 'AWS::WAFv2::IPSet')?.Properties).toMatchObject({ Addresses: ['203.0.113.0/24'] });
  });

  test('GIVEN a finding cdk-nag does not accept WHEN synthesized THEN synthesis fails (the AwsSolutions gate is on)', () => {
    const bad = createReferenceApp({ context, outdir: mkdtempSync(path.join(tmpdir(), 'kong-reference-nag-')) });
    new s3.Bucket(bad.stack, 'UnencryptedTransport');
    expect(() => bad.app.synth()).toThrow(/ERROR The S3 Bucket or bucket policy does not require requests to use SSL[\s\S]*Acknowledge with 'AwsSolutions::AwsSolutions-S10'/);
  });

  test('GIVEN the templates WHEN cfn-lint checks them THEN it finds nothing', () => {
    const templates = [...files(outdir)].filter((f) => f.endsWith('.template.json'));
    expect(templates).toHaveLength(1);
    expect(cfnLint(templates).trim()).toBe('');
  });

  test('GIVEN the templates WHEN checkov checks them THEN no check fails, and each skipped one gives its reason', () => {
    const report = checkov(Object.fromEntries(stacks.map((s) => [s.name, s.template])));
    expect(report.passed).toBeGreaterThan(100);
    expect(report.failed.map((f) => `${f.resource}: ${f.checkId} ${f.checkName}`)).toEqual([]);
    expect(report.skipped.filter((s) => (s.comment ?? '').length < 40).map((s) => `${s.resource}: ${s.checkId}`)).toEqual([]);
  });

  test('GIVEN every file of the cloud assembly WHEN scanned THEN no PEM text and no key material is in a template or an asset', () => {
    const all = [...files(outdir)];
    expect(all.some((f) => f.endsWith('index.js'))).toBe(true); // the Lambda bundles are in there too
    for (const file of all) {
      const text = readFileSync(file, 'utf8');
      expect({ file, pem: /-----BEGIN [A-Z0-9 ]+-----/.test(text) }).toEqual({ file, pem: false });
    }
    const resources = Object.values(stacks[0].template.Resources ?? {});
    for (const secret of resources.filter((r) => r.Type === 'AWS::SecretsManager::Secret')) {
      expect(secret.Properties).not.toHaveProperty('SecretString');
    }
  });
});

describe('the synth summary', () => {
  test('GIVEN the reference deployment WHEN summarized THEN it names the stack, the endpoint and the admin URL', () => {
    expect(summary).toMatch(new RegExp(`^  ${STACK_NAME}: \\d+ resources`, 'm'));
    expect(summary).toMatch(/^  KongEndpoint\s+https:\/\/kong-gw\.example\.com$/m);
    expect(summary).toMatch(/^  KongAdminUrl\s+https:\/\/kong-gw\.example\.com\/kong-admin$/m);
  });

  test('GIVEN the reference deployment WHEN summarized THEN the matrix chains ALB → DP → CP → DB and nothing else reaches in', () => {
    const ingress = summary.split('\n').filter((l) => l.startsWith('  ingress')).map((l) => l.trim().split(/\s+/).filter((w) => w !== '→'));
    expect(ingress).toEqual(expect.arrayContaining([
      ['ingress', '0.0.0.0/0', 'Kong/LoadBalancer', 'tcp/443'],
      ['ingress', 'Kong/LoadBalancer', 'Kong/DataPlane', 'tcp/8000'],
      ['ingress', 'Kong/DataPlane', 'Kong/ControlPlane', 'tcp/8005'],
      ['ingress', 'Kong/ControlPlane', 'Kong/Database', 'tcp/5432'],
    ]));
    // The database lets in the control plane only; the world reaches the load balancer only.
    expect(ingress.filter(([, , to]) => to === 'Kong/Database').map(([, from]) => from)).toEqual(['Kong/ControlPlane']);
    expect(ingress.filter(([, from]) => from === '0.0.0.0/0').map(([, , to]) => to)).toEqual(['Kong/LoadBalancer', 'Kong/LoadBalancer']);
  });

  test('GIVEN the reference deployment WHEN costed THEN idle pays no control plane and no ACU, busy pays both', () => {
    const inventory = inventoryFromTemplates(stacks.map((s) => s.template));
    const idle = estimateMonthlyCost(inventory, IDLE);
    const busy = estimateMonthlyCost(inventory, BUSY);
    const cp = (e: typeof idle) => e.lines.find((l) => l.item === 'Fargate Kong/ControlPlane/Service')!.usd;
    expect(cp(idle)).toBe(0);
    expect(cp(busy)).toBeGreaterThan(0);
    expect(busy.totalUsd).toBeGreaterThan(idle.totalUsd);
    expect(summary).toContain(`$${idle.totalUsd.toFixed(2)}`);
    expect(summary).toContain(`$${busy.totalUsd.toFixed(2)}`);
  });
});
