import type { ReferenceConfig } from '../config';

/** One setting a profile changes, and which lines of the estimate it can move. */
export interface ProfileSetting {
  /** The context key (`cdk.json`, or `-c key=value`). */
  readonly key: string;
  readonly value: unknown;
  /** The cost lines this setting can change. */
  readonly affects: RegExp;
}

/** A documented variant of the reference deployment: context on top of `cdk.json`. */
export interface Profile {
  readonly name: string;
  /** What it trades, in one line. */
  readonly description: string;
  readonly settings: ProfileSetting[];
}

/** Which cost lines each context key of the reference can move. */
const AFFECTS: Partial<Record<keyof ReferenceConfig, RegExp>> = {
  egress: /^(NAT gateways|EC2 instances|Public IPv4 addresses)$/,
  natCount: /^(NAT gateways|EC2 instances|Public IPv4 addresses)$/,
  dataPlaneMinTasks: /^Fargate .*DataPlane/,
  dataPlaneCpu: /^Fargate .*DataPlane/,
  dataPlaneMemoryMiB: /^Fargate .*DataPlane/,
  dataPlaneFargateSpot: /^Fargate .*DataPlane/,
  dataPlaneOnDemandBaseTasks: /^Fargate .*DataPlane/,
};

function profile(name: string, description: string, context: Partial<ReferenceConfig>): Profile {
  return {
    name,
    description,
    settings: Object.entries(context).map(([key, value]) => {
      const affects = AFFECTS[key as keyof ReferenceConfig];
      if (!affects) throw new Error(`profile ${name}: no cost lines are known for context key ${key}`);
      return { key, value, affects };
    }),
  };
}

/**
 * The profiles `npm run synth` prices beside the reference (which is
 * `cdk.json` as it is). Each is the reference with these context values.
 */
export const PROFILES: Profile[] = [
  profile('cheapest',
    'one NAT instance, one 0.25 vCPU data plane on Fargate Spot: for development; a Spot interruption or an AZ loss stops the gateway',
    { egress: 'natInstance', natCount: 1, dataPlaneMinTasks: 1, dataPlaneCpu: 256, dataPlaneMemoryMiB: 1024, dataPlaneFargateSpot: true, dataPlaneOnDemandBaseTasks: 0 }),
  profile('high availability',
    'a managed NAT gateway per AZ and three data planes: survives an AZ loss with two data planes left',
    { egress: 'natGateway', natCount: 2, dataPlaneMinTasks: 3 }),
];

/** The profile's settings as CDK context. */
export function profileContext(p: Profile): Record<string, unknown> {
  return Object.fromEntries(p.settings.map((s) => [s.key, s.value]));
}
