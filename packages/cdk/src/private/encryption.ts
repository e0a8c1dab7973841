import { Annotations, ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { awsManagedKey, skipCheckov } from './checkov';

/**
 * What a customer-managed key (`encryptionKey`) needs, and where it goes.
 *
 * A key created in the app gets the key policy statements below added to it.
 * A key imported by ARN cannot be changed here: a warning says which
 * statements its policy must hold, and a deployment without them fails when
 * CloudFormation creates the first log group (CloudWatch Logs checks that it
 * may use the key: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */

/** Which services a key's policy already lets in, so each statement is added once. */
const ADDED = new WeakMap<kms.IKey, Set<string>>();

function addOnce(scope: Construct, key: kms.IKey, sid: string, statement: () => iam.PolicyStatement, needed: string): void {
  let added = ADDED.get(key);
  if (!added) ADDED.set(key, added = new Set());
  if (added.has(sid)) return;
  added.add(sid);
  const { statementAdded } = key.addToResourcePolicy(statement(), true);
  if (!statementAdded) {
    Annotations.of(scope).addWarningV2(`@kong-hybrid/cdk:encryptionKeyPolicy:${sid}`,
      `encryptionKey: the key's policy cannot be changed from this app (an imported key); it must already allow ${needed}, or the deployment fails`);
  }
}

/**
 * Lets CloudWatch Logs use `key` for this account's log groups in this
 * region: the statement the CloudWatch Logs guide gives ("Step 2: Set
 * permissions on the KMS key",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html),
 * limited by the encryption context CloudWatch Logs sends
 * (`kms:EncryptionContext:aws:logs:arn`) to log groups of this account and
 * region. Not to one log group: the groups name the key, so the key cannot
 * name them back.
 */
export function allowLogsToUse(scope: Construct, key: kms.IKey): void {
  const stack = Stack.of(scope);
  addOnce(scope, key, 'CloudWatchLogs', () => new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME, account: Aws.ACCOUNT_ID }),
      },
    },
  }), `logs.${stack.region}.amazonaws.com to use it (kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, kms:Describe*) for this account's log groups (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)`);
}

/**
 * Lets EventBridge put undeliverable events of this account's rules into a
 * queue encrypted with `key`: EventBridge needs kms:GenerateDataKey and
 * kms:Decrypt on the key of an encrypted dead-letter queue
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html,
 * "Granting permissions to the dead-letter queue"; the SQS guide lists the
 * same two for EventBridge:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
 * Limited to rules of this account and region (the rules reference the
 * queue, so the key cannot name them).
 */
export function allowEventBridgeToUse(scope: Construct, key: kms.IKey): void {
  const stack = Stack.of(scope);
  addOnce(scope, key, 'EventBridge', () => new iam.PolicyStatement({
    sid: 'AllowEventBridgeDeadLetters',
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: '*', account: Aws.ACCOUNT_ID }) },
    },
  }), 'events.amazonaws.com to use it (kms:Decrypt, kms:GenerateDataKey) for this account\'s rules (https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html)');
}

/**
 * Lets `grantee` use `key` through Secrets Manager only, as `secret.grantRead`
 * does for reading (kms:Decrypt) and, with `write`, for the new versions it
 * puts (kms:GenerateDataKey: https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
 */
export function grantSecretsManagerKey(scope: Construct, key: kms.IKey | undefined, grantee: iam.IGrantable, write: boolean): void {
  if (!key) return;
  const viaSecretsManager = new kms.ViaServicePrincipal(`secretsmanager.${Stack.of(scope).region}.amazonaws.com`, grantee.grantPrincipal);
  key.grant(viaSecretsManager, 'kms:Decrypt', ...(write ? ['kms:GenerateDataKey'] : []));
}

/**
 * A log group encrypted with `key` when one is given (and CloudWatch Logs
 * allowed to use it); without one, with CloudWatch Logs' own encryption and
 * checkov's CKV_AWS_158 skipped with that reason.
 */
export function newLogGroup(scope: Construct, id: string, what: string, props: logs.LogGroupProps & { readonly encryptionKey?: kms.IKey }): logs.LogGroup {
  const logGroup = new logs.LogGroup(scope, id, props);
  if (props.encryptionKey) allowLogsToUse(scope, props.encryptionKey);
  else skipCheckov(logGroup, 'CKV_AWS_158', awsManagedKey(what));
  return logGroup;
}
