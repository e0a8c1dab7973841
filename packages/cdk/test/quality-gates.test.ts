import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Validations, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { cfnLint } from './support/cfn-lint';
import { bringEverythingStack, gatewayStack, pkiStack } from './support/stacks';

// GIVEN the three shapes a user deploys, each synthesized once for the file
const configs = {
  default: gatewayStack(),
  bringEverything: bringEverythingStack(),
  pki: pkiStack(),
};
const templates = Object.fromEntries(Object.entries(configs).map(([name, c]) => [name, Template.fromStack(c.stack).toJSON()]));

/** A PEM block: armour line, base64 body, end line. */
const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/;

/** Every acknowledged nag rule in a stack, with its reason and where. */
function acknowledgements(stack: Stack): Array<{ id: string; reason: string; path: string }> {
  const out: Array<{ id: string; reason: string; path: string }> = [];
  const visit = (c: IConstruct) => {
    for (const entry of c.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) out.push({ id: id.replace(/^annotation::/i, ''), reason, path: c.node.path });
      }
    }
    c.node.children.forEach(visit);
  };
  visit(stack);
  return out;
}

describe('quality gates', () => {
  test.each(Object.keys(configs))('GIVEN the %s configuration WHEN synthesized THEN no PEM text and no secret value is anywhere in the template', (name) => {
    const text = JSON.stringify(templates[name]);
    expect(text).not.toMatch(PEM);
    expect(text).not.toMatch(/BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)/);
    const resources = Object.values(templates[name].Resources) as any[];
    for (const secret of resources.filter((r) => r.Type === 'AWS::SecretsManager::Secret')) {
      expect(secret.Properties).not.toHaveProperty('SecretString');
    }
    for (const cluster of resources.filter((r) => r.Type === 'AWS::RDS::DBCluster')) {
      expect(JSON.stringify(cluster.Properties.MasterUserPassword)).toMatch(/^"\{\{resolve:secretsmanager:|^\{"Fn::Join":\["",\["\{\{resolve:secretsmanager:/);
    }
    for (const task of resources.filter((r) => r.Type === 'AWS::ECS::TaskDefinition')) {
      for (const container of task.Properties.ContainerDefinitions) {
        const names = (container.Environment ?? []).map((e: any) => e.Name);
        expect(names.filter((n: string) => /PASSWORD|_KEY$|CLUSTER_CERT|PG_USER/.test(n))).toEqual([]);
      }
    }
    for (const fn of resources.filter((r) => r.Type === 'AWS::Lambda::Function')) {
      // Settings only (names, URLs, timings): nothing that could be a credential.
      const names = Object.keys(fn.Properties.Environment?.Variables ?? {});
      expect(names.filter((n) => /PASSWORD|SECRET|TOKEN|PRIVATE|API_?KEY|_KEY$|CERT/i.test(n))).toEqual([]);
    }
  });

  test.each(['cluster-certificate', 'admin-api-proxy', 'fallback-config-exporter'])('GIVEN the %s handler bundle WHEN read THEN it holds no PEM block either', (name) => {
    const bundle = readFileSync(path.join(__dirname, '..', 'assets', name, 'index.js'), 'utf8');
    expect(bundle.length).toBeGreaterThan(1000);
    expect(bundle).not.toMatch(PEM);
  });

  test('GIVEN the default and the "bring everything" templates WHEN cfn-lint checks them THEN it finds nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kong-cfn-lint-'));
    const files = Object.entries(templates).map(([name, t]) => {
      const file = path.join(dir, `${name}.template.json`);
      writeFileSync(file, JSON.stringify(t, null, 1));
      return file;
    });
    expect(cfnLint(files).trim()).toBe('');
  });

  test.each(Object.keys(configs))('GIVEN the %s configuration WHEN cdk-nag AwsSolutions checks it THEN there is no unsuppressed finding', (name) => {
    const { app } = configs[name as keyof typeof configs];
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  test('GIVEN the suppressions WHEN listed THEN each names its rule and gives a reason', () => {
    // Only ours: aws-cdk-lib acknowledges some of its own rules (CloudFormation-Validate::…).
    const all = Object.values(configs).flatMap((c) => acknowledgements(c.stack)).filter((a) => a.id.startsWith('AwsSolutions-'));
    expect(all.length).toBeGreaterThan(0);
    for (const a of all) {
      // A rule, optionally narrowed to one finding (IAM4[Policy::…]).
      expect(a.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      expect(a.reason.length).toBeGreaterThan(40);
    }
    if (process.env.PRINT_SUPPRESSIONS) {
      const unique = new Map(all.map((a) => [`${a.id} ${a.path.split('/').slice(1).join('/')}`, a]));
      console.log([...unique.values()].map((a) => `${a.id} @ ${a.path}: ${a.reason}`).join('\n'));
    }
  });
});
