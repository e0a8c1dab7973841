import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { costTableHeading, monthlyFigures, renderCostTable, type CfnTemplate } from '@kong-hybrid/cost-model';
import { startMoto, type MotoServer } from '@kong-hybrid/idle-scaler/test/support/moto';
import { TestGateway } from './support/gateway';
import { startLocalLambda } from './support/lambda-endpoint';
import { validate } from './support/schemas';

let moto: MotoServer;
let gw: TestGateway;
let alwaysOn: TestGateway;

beforeAll(async () => {
  moto = await startMoto();
  gw = await TestGateway.start(moto);
  alwaysOn = await TestGateway.start(moto, { scaler: false, allowedCidrs: [] });
});
afterAll(async () => {
  await alwaysOn?.stop();
  await gw?.stop();
  await moto?.stop();
});

describe('errors a person understands', () => {
  test('GIVEN no credentials anywhere WHEN status THEN it says so and how to log in', async () => {
    const run = await gw.cli(['status'], { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^kong-hybrid: No AWS credentials: .*\(looked in the default credential chain/);
    expect(run.stderr).toContain('Log in (aws sso login, aws configure), or pass --profile NAME');
  });

  test('GIVEN a profile that does not exist WHEN status THEN the message names it', async () => {
    const run = await gw.cli(['status', '--profile', 'nosuch'], { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^kong-hybrid: No AWS credentials: .*\(looked in profile nosuch\)\./);
    expect(run.stderr).toContain('aws sso login --profile nosuch');
  });

  test('GIVEN no region WHEN status THEN it says where to set one', async () => {
    const run = await gw.cli(['status'], { env: { AWS_REGION: '' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('kong-hybrid: No AWS region is set.\n  Pass --region (for example --region eu-west-1), set AWS_REGION, or set `region` in your profile (~/.aws/config): the region you ran `cdk deploy` in.\n');
  });

  test('GIVEN the wrong region WHEN status THEN the stack is not found there, and the hints name --region and --stack', async () => {
    const run = await gw.cli(['status', '--region', 'eu-west-1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`kong-hybrid: Stack ${gw.stackName} not found in region eu-west-1.`);
    expect(run.stderr).toContain('Deployed in another region? Pass --region (or set AWS_REGION) to the region of `cdk deploy`.');
    // AWS_DEFAULT_REGION counts, as for the AWS CLI.
    const fallback = await gw.cli(['status'], { env: { AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-west-1' } });
    expect(fallback.stderr).toContain('not found in region eu-west-1.');
  });

  test('GIVEN a stack name that does not exist WHEN any command THEN stack not found, naming it', async () => {
    for (const command of [['status'], ['wake'], ['admin', 'GET', '/status'], ['cost']]) {
      const run = await gw.cli([...command, '--stack', 'NoSuchStack'], { stack: false });
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toContain('kong-hybrid: Stack NoSuchStack not found in region us-east-1.');
      expect(run.stderr).toContain('Deployed under another name? Pass --stack NAME');
    }
  });

  test('GIVEN a stack name that is not one WHEN status THEN it fails naming --stack and the value', async () => {
    const run = await gw.cli(['status', '--stack', 'no such stack'], { stack: false });
    expect(run).toMatchObject({ code: 1, stderr: 'kong-hybrid: --stack must be a CloudFormation stack name (letters, digits and hyphens, starting with a letter), got "no such stack"\n' });
  });

  test('GIVEN an unknown command or option WHEN run THEN commander says so with the help hint', async () => {
    const run = await gw.cli(['stauts'], { stack: false });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: unknown command 'stauts'");
    expect(run.stderr).toContain('(kong-hybrid --help lists the commands)');
  });
});

describe('a failing idle scaler', () => {
  test('GIVEN the scaler function fails WHEN status THEN the rest is shown and the scaler is unknown, with its error', async () => {
    const failing = await startLocalLambda({ [gw.functionName!]: async () => { throw Object.assign(new Error('state store: 5 conflicting writes in a row'), { name: 'Error' }); } });
    try {
      const run = await gw.cli(['status', '--json'], { env: { AWS_ENDPOINT_URL_LAMBDA: failing.endpoint } });
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      expect(validate('status', doc)).toEqual([]);
      expect(doc.controlPlane).not.toBeNull();
      expect(doc.scaler).toBeNull();
      expect(doc.unknown).toContainEqual({ item: 'idle scaler', reason: `The idle scaler (${gw.functionName}) failed: Error: state store: 5 conflicting writes in a row` });
      const wake = await gw.cli(['wake', '--wait'], { env: { AWS_ENDPOINT_URL_LAMBDA: failing.endpoint } });
      expect(wake.code).toBe(1);
      expect(wake.stderr).toContain(`kong-hybrid: The idle scaler (${gw.functionName}) failed: Error: state store: 5 conflicting writes in a row`);
      expect(wake.stderr).toContain('Its log group (/aws/lambda/<function>) says more');
    } finally {
      await failing.stop();
    }
  });

  test('GIVEN a function name the account does not have WHEN wake THEN Lambda\'s refusal is named', async () => {
    const empty = await startLocalLambda({});
    try {
      const run = await gw.cli(['wake'], { env: { AWS_ENDPOINT_URL_LAMBDA: empty.endpoint } });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`kong-hybrid: Lambda Invoke (${gw.functionName}, wake) failed in region us-east-1: ResourceNotFoundException: Function not found`);
    } finally {
      await empty.stop();
    }
  });
});

describe('a gateway without the idle scaler (controlPlaneAlwaysOn)', () => {
  test('GIVEN no scaler WHEN wake or sleep THEN it says the control plane is always on', async () => {
    for (const command of ['wake', 'sleep']) {
      const run = await alwaysOn.cli([command]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`has no IdleScalerFunctionName output, which kong-hybrid ${command} needs.`);
      expect(run.stderr).toContain('This gateway has no idle scaler (controlPlaneAlwaysOn): its control plane is always up.');
    }
  });

  test('GIVEN no scaler WHEN status THEN the scaler is none and the sync is unknown, with where to look', async () => {
    const run = await alwaysOn.cli(['status', '--json']);
    const doc = JSON.parse(run.stdout);
    expect(validate('status', doc)).toEqual([]);
    expect(doc.scaler).toBeNull();
    expect(doc.unknown).toContainEqual({ item: 'data plane sync', reason: expect.stringContaining('kong-hybrid admin GET /clustering/data-planes') });
    const text = await alwaysOn.cli(['status']);
    expect(text.stdout).toMatch(/^Idle scaler +none \(the control plane is always on\)$/m);
  });

  test('GIVEN no admin CIDRs WHEN a 403 is explained THEN it says the admin path is closed to everyone', async () => {
    await (async () => {
      // The control plane is up for this one (as an always-on gateway's is).
      const where = alwaysOn.where;
      const { ECSClient, UpdateServiceCommand } = await import('@aws-sdk/client-ecs');
      const ecs = new ECSClient(moto.clientConfig);
      await ecs.send(new UpdateServiceCommand({ cluster: where.cluster, service: where.controlPlaneService, desiredCount: 1 }));
      ecs.destroy();
    })();
    const run = await alwaysOn.cli(['admin', 'GET', '/services']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('  Allowed (adminAllowedCidrs): none: the admin path is closed to everyone\n');
  });
});

describe('cost', () => {
  test('GIVEN a deployed stack WHEN cost THEN its deployed template is priced with the shared cost model', async () => {
    const run = await gw.cli(['cost']);
    expect(run.code).toBe(0);
    const cfn = new CloudFormationClient(moto.clientConfig);
    const template = JSON.parse((await cfn.send(new GetTemplateCommand({ StackName: gw.stackName }))).TemplateBody!) as CfnTemplate;
    cfn.destroy();
    const figures = monthlyFigures([template]);
    // What the reference's summary prints for the same template, under the stack's name.
    expect(run.stdout).toBe(`Stack ${gw.stackName} (us-east-1): its deployed template, at list prices\n${costTableHeading()}\n${renderCostTable(figures).join('\n')}\n`);
    expect(run.stdout).toMatch(/^  Fargate DataPlane\/Service +\$\d+\.\d\d +\$\d+\.\d\d +\$\d+\.\d\d$/m);
    expect(figures.idle.totalUsd).toBeLessThan(figures.alwaysOn.totalUsd);
  });

  test('GIVEN a deployed stack WHEN cost --json THEN the document matches its schema and the estimate', async () => {
    const run = await gw.cli(['cost', '--json']);
    const doc = JSON.parse(run.stdout);
    expect(validate('cost', doc)).toEqual([]);
    expect(doc.scenarios.map((s: { name: string }) => s.name)).toEqual(['idle', 'busy', 'always-on']);
    const [idle, , always] = doc.scenarios as Array<{ totalUsd: number; lines: Array<{ usd: number }> }>;
    expect(idle.totalUsd).toBeCloseTo(idle.lines.reduce((n, l) => n + l.usd, 0), 1);
    expect(doc.idleToAlwaysOn).toBeCloseTo(idle.totalUsd / always.totalUsd, 2);
  });
});
