import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Records in the template that a checkov check was looked at and why it does
 * not apply to this resource, as the cdk-nag acknowledgements do for cdk-nag:
 * checkov reads `Metadata.checkov.skip` of each CloudFormation resource
 * (https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html)
 * and reports the check as skipped, with this comment.
 *
 * `scope` is the resource itself or an L2 construct whose default child it is.
 */
export function skipCheckov(scope: IConstruct, id: string, comment: string): void {
  const resource = scope instanceof CfnResource ? scope : scope.node.defaultChild;
  if (!(resource instanceof CfnResource)) throw new Error(`skipCheckov(${id}): ${scope.node.path} is not a CloudFormation resource and has none as its default child`);
  const skip: Array<{ id: string; comment: string }> = resource.getMetadata('checkov')?.skip ?? [];
  if (!skip.some((s) => s.id === id)) resource.addMetadata('checkov', { skip: [...skip, { id, comment }] });
}

/**
 * Why a resource is encrypted at rest with the service's own key rather than a
 * customer-managed one: none was given. Every site that says so takes one
 * (`encryptionKey`), and drops the skip when it is given.
 */
export function awsManagedKey(what: string): string {
  return `${what} is encrypted at rest with the service's own key: no customer-managed KMS key was given (KongHybridGateway's encryptionKey, or the construct's own).`;
}

/** Reasons shared by several of our Lambda functions. */
export const LAMBDA_REASONS = {
  reservedConcurrency: 'No reserved concurrency: Lambda keeps at least 100 of the account\'s concurrency unreserved, so reserving any fails to deploy in accounts whose quota is below that (new accounts; https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). It runs rarely and briefly.',
  environmentKey: 'Its environment holds settings only (names, URLs, timings; test/quality-gates.test.ts checks that no credential is there), encrypted at rest by Lambda with an AWS managed key when no customer-managed key is given (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html).',
  customResource: 'CloudFormation invokes it asynchronously for a custom resource and waits for its answer (https://docs.aws.amazon.com/lambda/latest/dg/services-cloudformation.html): a failed invocation fails, or times out, the stack operation and shows in its events. A dead-letter queue would hold an event nobody can answer any more.',
};
