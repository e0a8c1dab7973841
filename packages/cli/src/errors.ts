/**
 * An error a person can act on: what went wrong, in their words, and what to
 * do about it. Everything the CLI fails with becomes one (see
 * {@link explainAwsError}); the entry point prints it without a stack trace.
 */
export class CliError extends Error {
  constructor(message: string, readonly hints: readonly string[] = [], readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** Where an AWS call was made, for the explanation of its failure. */
export interface AwsCallSite {
  /** `CloudFormation DescribeStacks`, `Lambda Invoke`, … */
  readonly call: string;
  readonly region?: string;
  readonly profile?: string;
  readonly stackName?: string;
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'CredentialsError', 'TokenProviderError']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const UNRECOGNIZED = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch']);
const NETWORK = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Turns what the AWS SDK threw into a {@link CliError}: no credentials, an
 * expired session, no region, a region name that does not exist or is not
 * enabled, a stack that is not there, a refused permission, no network.
 */
export function explainAwsError(error: unknown, site: AwsCallSite): CliError {
  if (error instanceof CliError) return error;
  const e = (error ?? {}) as { name?: string; message?: string; code?: string; Code?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  const name = e.name ?? e.Code ?? '';
  const message = e.message ?? String(error);
  const code = e.code ?? e.cause?.code ?? '';
  const profile = site.profile ? `profile ${site.profile}` : 'the default credential chain (AWS_PROFILE or the default profile, environment variables, SSO, an instance or container role)';
  const where = site.region ? `region ${site.region}` : 'the configured region';

  if (CREDENTIAL_ERRORS.has(name) || /could not load credentials|credential.*not found|profile .* could not be found|the sso session/i.test(message)) {
    return new CliError(`No AWS credentials: ${message.replace(/\.$/, '')} (looked in ${profile}).`, [
      site.profile ? `Log in: aws sso login --profile ${site.profile} (or check the profile's name in ~/.aws/config).` : 'Log in (aws sso login, aws configure), or pass --profile NAME for a profile that has credentials.',
    ]);
  }
  if (EXPIRED.has(name) || /token .*expired|session .*expired/i.test(message)) {
    return new CliError(`Your AWS session has expired (${site.call}: ${message}).`, [site.profile ? `Log in again: aws sso login --profile ${site.profile}` : 'Log in again (aws sso login), or refresh your credentials.']);
  }
  if (/region is missing|region.*not.*(set|configured)|region="" is not a valid/i.test(message)) {
    return new CliError('No AWS region is set.', ['Pass --region (for example --region eu-west-1), set AWS_REGION, or set `region` in your profile (~/.aws/config): the region you ran `cdk deploy` in.']);
  }
  if (NETWORK.has(code) || /getaddrinfo|ENOTFOUND|ECONNREFUSED|socket hang up|connect ETIMEDOUT/.test(message)) {
    return new CliError(`Could not reach AWS in ${where} (${site.call}: ${code || message}).`, [
      site.region ? `Is "${site.region}" a region name (such as us-east-1 or eu-west-1)? Check --region, AWS_REGION and your profile.` : 'Check your network, and the region (--region).',
    ]);
  }
  if (UNRECOGNIZED.has(name)) {
    return new CliError(`AWS did not accept your credentials in ${where} (${site.call}: ${name}).`, [
      'Either the credentials belong to no account (check them, or --profile), or this region is not enabled for the account (opt-in regions): check --region.',
    ]);
  }
  if (name === 'ValidationError' && /does not exist/.test(message) && site.stackName) {
    return new CliError(`Stack ${site.stackName} not found in ${where}.`, [
      'Deployed in another region? Pass --region (or set AWS_REGION) to the region of `cdk deploy`.',
      'Deployed under another name? Pass --stack NAME (the stack name `cdk deploy` printed).',
      'Another account? Pass --profile for that account.',
    ]);
  }
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized|AuthorizationError/i.test(name) || e.$metadata?.httpStatusCode === 403) {
    return new CliError(`AWS refused ${site.call} in ${where}: ${message}`, ['Ask for that permission on the deployment, or use a profile that has it (--profile).']);
  }
  return new CliError(`${site.call} failed in ${where}: ${name && name !== 'Error' ? `${name}: ` : ''}${message}`);
}

/** The message of anything thrown, in one line. */
export function describe(error: unknown): string {
  const e = error as { name?: string; message?: string };
  if (e && typeof e === 'object' && typeof e.message === 'string') return e.name && e.name !== 'Error' && e.name !== 'TypeError' ? `${e.name}: ${e.message}` : e.message;
  return String(error);
}
