import { Template } from 'aws-cdk-lib/assertions';
import { GatewayEgress } from '../src';
import { checkov, type CheckovReport } from './support/checkov';
import { bringEverythingStack, gatewayStack, pkiStack } from './support/stacks';

// GIVEN the shapes a user deploys (the quality gates' configurations, and the
// switches that remove whole parts), each synthesized once for the file
const templates = {
  default: gatewayStack(),
  bringEverything: bringEverythingStack(),
  pki: pkiStack(),
  alwaysOn: gatewayStack({ controlPlaneAlwaysOn: true, adminApiProxy: false }, 'AlwaysOn'),
  natInstances: gatewayStack({ egress: GatewayEgress.NAT_INSTANCE, dataPlaneFargateSpot: true }, 'NatInstances'),
};
let report: CheckovReport;

beforeAll(() => {
  // WHEN checkov (CloudFormation checks) reads them all, in one run
  report = checkov(Object.fromEntries(Object.entries(templates).map(([name, c]) => [name, Template.fromStack(c.stack).toJSON()])));
  if (process.env.PRINT_CHECKOV) {
    console.log(`checkov: ${report.passed} passed, ${report.failed.length} failed, ${report.skipped.length} skipped with a reason\n${[...new Set(report.skipped.map((s) => `${s.checkId} ${s.checkName}: ${s.comment}`))].sort().join('\n')}`);
  }
});

describe('checkov', () => {
  test('GIVEN every configuration WHEN checkov checks the templates THEN no check fails', () => {
    expect(report.passed).toBeGreaterThan(500);
    expect(report.failed.map((f) => `${f.template} ${f.resource}: ${f.checkId} ${f.checkName}`)).toEqual([]);
  });

  test('GIVEN the checks skipped in the templates WHEN listed THEN each gives its reason next to the resource', () => {
    expect(report.skipped.length).toBeGreaterThan(0);
    for (const s of report.skipped) {
      expect({ check: `${s.template} ${s.resource} ${s.checkId}`, reason: (s.comment ?? '').length > 40 }).toEqual({ check: `${s.template} ${s.resource} ${s.checkId}`, reason: true });
    }
  });

  test('GIVEN a customer-managed key (the bring-everything configuration) WHEN checkov checks it THEN the encryption checks pass there instead of being skipped', () => {
    // Log groups, secrets, DynamoDB, SQS, Lambda environment: skipped only where no key was given.
    const encryption = ['CKV_AWS_158', 'CKV_AWS_149', 'CKV_AWS_119', 'CKV_AWS_27', 'CKV_AWS_173'];
    expect(report.skipped.filter((s) => s.template === 'bringEverything' && encryption.includes(s.checkId)).map((s) => `${s.resource} ${s.checkId}`)).toEqual([]);
    expect(report.skipped.filter((s) => s.template === 'default' && encryption.includes(s.checkId)).length).toBeGreaterThan(5);
  });

  test('GIVEN the idle scaler\'s asynchronous invocations WHEN checkov checks its function THEN it has a dead-letter queue, not a skip', () => {
    const scalerFunctions = [...report.skipped, ...report.failed].filter((f) => f.checkId === 'CKV_AWS_116' && /IdleScaler/.test(f.resource));
    expect(scalerFunctions).toEqual([]);
  });
});
