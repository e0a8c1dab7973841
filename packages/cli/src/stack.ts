import { CliError } from './errors';
import type { Context } from './context';

/** What the CLI knows of a deployment, all read from its stack's outputs. */
export interface Deployment {
  readonly stackName: string;
  readonly stackStatus: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly adminUrl?: string;
  readonly adminApiKeySecretArn?: string;
  /** Absent on a gateway without the idle scaler (controlPlaneAlwaysOn). */
  readonly idleScalerFunctionName?: string;
  readonly clusterName?: string;
  readonly controlPlaneServiceName?: string;
  readonly dataPlaneServiceName?: string;
  readonly databaseClusterIdentifier?: string;
  /** Who may reach the admin path (empty: nobody). */
  readonly adminAllowedCidrs?: readonly string[];
}

/**
 * The outputs `KongHybridGateway` writes (packages/cdk/src/kong-hybrid-gateway.ts),
 * by the name of each: CloudFormation's key is the construct path's logical
 * ID (`Kong` + name + an 8-digit hash, `KongAdminUrl8A1B2C3D`).
 */
export const OUTPUTS = {
  endpoint: 'Endpoint',
  adminUrl: 'AdminUrl',
  adminApiKeySecretArn: 'AdminApiKeySecretArn',
  idleScalerFunctionName: 'IdleScalerFunctionName',
  clusterName: 'ClusterName',
  controlPlaneServiceName: 'ControlPlaneServiceName',
  dataPlaneServiceName: 'DataPlaneServiceName',
  databaseClusterIdentifier: 'DatabaseClusterIdentifier',
  adminAllowedCidrs: 'AdminAllowedCidrs',
} as const;

export type OutputName = keyof typeof OUTPUTS;

/** One output as DescribeStacks answers it. */
export interface StackOutput {
  readonly OutputKey?: string;
  readonly OutputValue?: string;
}

/** Reads a gateway's outputs; fails when a stack holds two gateways (their outputs would be ambiguous). */
export function parseOutputs(stackName: string, stackStatus: string, region: string | undefined, outputs: readonly StackOutput[]): Deployment {
  const found: Partial<Record<OutputName, string>> = {};
  for (const [field, name] of Object.entries(OUTPUTS) as Array<[OutputName, string]>) {
    const matches = outputs.filter((o) => o.OutputKey !== undefined && (o.OutputKey === name || new RegExp(`${name}[0-9A-F]{8}$`).test(o.OutputKey)));
    if (matches.length > 1) {
      throw new CliError(`Stack ${stackName} has ${matches.length} outputs named ${name} (${matches.map((m) => m.OutputKey).join(', ')}): one gateway a stack is all this command knows.`);
    }
    if (matches[0]?.OutputValue !== undefined) found[field] = matches[0].OutputValue;
  }
  const { adminAllowedCidrs, ...rest } = found;
  return {
    stackName,
    stackStatus,
    ...(region ? { region } : {}),
    ...rest,
    ...(adminAllowedCidrs !== undefined ? { adminAllowedCidrs: adminAllowedCidrs === 'none' ? [] : adminAllowedCidrs.split(',').map((c) => c.trim()).filter(Boolean) } : {}),
  };
}

/** The output a command needs, or an error that says which and why. */
export function required<K extends OutputName>(deployment: Deployment, field: K, purpose: string): string {
  const value = deployment[field as keyof Deployment];
  if (typeof value !== 'string' || value === '') {
    throw new CliError(`Stack ${deployment.stackName} has no ${OUTPUTS[field]} output, which ${purpose} needs.`, [
      field === 'idleScalerFunctionName'
        ? 'This gateway has no idle scaler (controlPlaneAlwaysOn): its control plane is always up.'
        : field === 'adminUrl' || field === 'adminApiKeySecretArn'
          ? 'This gateway has no admin API proxy (adminApiProxy: false): there is no /kong-admin path to call.'
          : 'The stack was deployed with an older @kong-hybrid/cdk: update it and run `cdk deploy` again.',
    ]);
  }
  return value;
}

/** Reads the stack and its outputs (CloudFormation DescribeStacks). */
export async function readDeployment(ctx: Context): Promise<Deployment> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient(ctx.aws);
  try {
    const answer = await ctx.call('CloudFormation DescribeStacks', () => client.send(new DescribeStacksCommand({ StackName: ctx.options.stack })));
    const stack = answer.Stacks?.[0];
    if (!stack) throw new CliError(`Stack ${ctx.options.stack} not found.`);
    const region = await client.config.region().catch(() => undefined);
    return parseOutputs(stack.StackName ?? ctx.options.stack, stack.StackStatus ?? 'UNKNOWN', region, stack.Outputs ?? []);
  } finally {
    client.destroy();
  }
}

/** The stack's template as deployed (CloudFormation GetTemplate), parsed. */
export async function readTemplate(ctx: Context): Promise<Record<string, unknown>> {
  const { CloudFormationClient, GetTemplateCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient(ctx.aws);
  try {
    const answer = await ctx.call('CloudFormation GetTemplate', () => client.send(new GetTemplateCommand({ StackName: ctx.options.stack, TemplateStage: 'Original' })));
    const body = answer.TemplateBody ?? '';
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw new CliError(`Stack ${ctx.options.stack}'s template is not JSON (${body.slice(0, 40).replace(/\s+/g, ' ')}…): the cost model reads the JSON templates the CDK deploys.`);
    }
  } finally {
    client.destroy();
  }
}
