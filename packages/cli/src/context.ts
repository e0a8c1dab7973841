import { CliError, explainAwsError } from './errors';
import { colors, type Colors, type Io } from './io';

/** The options every command takes (`kong-hybrid --help`). */
export interface GlobalOptions {
  /** The stack `cdk deploy` created. */
  readonly stack: string;
  readonly region?: string;
  readonly profile?: string;
  /** False with `--no-color`. */
  readonly color: boolean;
}

export const DEFAULT_STACK = 'KongHybridReference';

/** What a command runs with. */
export interface Context {
  readonly io: Io;
  readonly options: GlobalOptions;
  /** Colors of stdout and stderr (off off a terminal, with NO_COLOR, with --no-color). */
  readonly out: Colors;
  readonly err: Colors;
  /** Settings for every AWS SDK client. */
  readonly aws: AwsClientSettings;
  /** Runs an AWS call, turning its failure into an error a person understands. */
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

/** The AWS SDK v3 client settings: the usual region and profile resolution, standard retries. */
export interface AwsClientSettings {
  readonly region?: string;
  readonly profile?: string;
  readonly maxAttempts: number;
}

/**
 * The region, as the AWS CLI resolves it: `--region`, then AWS_REGION, then
 * AWS_DEFAULT_REGION (which the AWS CLI reads and the JavaScript SDK does
 * not), then the profile's `region` (left to the SDK).
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html
 */
export function resolveRegion(options: GlobalOptions, env: Io['env']): string | undefined {
  return options.region ?? (env.AWS_REGION || undefined) ?? (env.AWS_DEFAULT_REGION || undefined);
}

export function createContext(io: Io, options: GlobalOptions): Context {
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(options.stack)) {
    throw new CliError(`--stack must be a CloudFormation stack name (letters, digits and hyphens, starting with a letter), got ${JSON.stringify(options.stack)}`);
  }
  const region = resolveRegion(options, io.env);
  const aws: AwsClientSettings = {
    ...(region ? { region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    maxAttempts: 3,
  };
  return {
    io,
    options,
    out: colors(io.stdout, io.env, options.color),
    err: colors(io.stderr, io.env, options.color),
    aws,
    call: async (what, fn) => {
      try {
        return await fn();
      } catch (error) {
        throw explainAwsError(error, { call: what, region, profile: options.profile, stackName: options.stack });
      }
    },
  };
}
