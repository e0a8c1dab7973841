import { ArnFormat, Names, Stack } from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { newLogGroup } from './private/encryption';
import { propNamer } from './private/prop-names';
import { checkCidrList, checkInteger } from './private/validation';

/**
 * The AWS managed rule groups the firewall uses unless told otherwise.
 * @deprecated use `GatewayFirewall.DEFAULT_MANAGED_RULE_GROUPS`, which Python and Java see too
 */
export const DEFAULT_MANAGED_RULE_GROUPS: string[] = Object.freeze([
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
]) as string[];

/**
 * Rules of `AWSManagedRulesCommonRuleSet` the firewall counts instead of blocking unless told otherwise.
 * @deprecated use `GatewayFirewall.DEFAULT_COUNTED_RULES`, which Python and Java see too
 */
export const DEFAULT_COUNTED_RULES: string[] = Object.freeze(['SizeRestrictions_BODY', 'NoUserAgent_HEADER', 'GenericRFI_BODY']) as string[];

const COMMON_RULE_SET = 'AWSManagedRulesCommonRuleSet';

/** Properties of `GatewayFirewall`. */
export interface GatewayFirewallProps {
  /** The load balancer the web ACL protects. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /**
   * The only addresses (IPv4 or IPv6 CIDR blocks) that may reach the admin
   * path at the edge. Kong's own ip-restriction checks them again.
   * @default - none: the admin path is blocked at the edge
   */
  readonly adminAllowedCidrs?: string[];

  /**
   * The path prefix of the proxied admin API.
   * @default '/kong-admin'
   */
  readonly adminPathPrefix?: string;

  /**
   * AWS managed rule groups (vendor `AWS`), evaluated in this order.
   * @default - IP reputation, common rule set, known bad inputs
   */
  readonly managedRuleGroups?: string[];

  /**
   * Rules of `AWSManagedRulesCommonRuleSet` set to Count instead of Block.
   * Pass `[]` to block with every rule (tightest), or a subset.
   * @default - SizeRestrictions_BODY, NoUserAgent_HEADER, GenericRFI_BODY
   */
  readonly countedRules?: string[];

  /**
   * Requests one client address may send in 5 minutes before it is blocked.
   * @default 2000
   */
  readonly rateLimit?: number;

  /**
   * Whether to log requests to CloudWatch Logs (the `apikey`, `authorization`
   * and `cookie` headers are redacted).
   * @default false
   */
  readonly logging?: boolean;

  /**
   * How long WAF logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * A customer-managed KMS key (symmetric) that encrypts the WAF logs. CloudWatch
   * Logs encrypts what it receives with the log group's key
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html);
   * the WAF guide sets no condition on it
   * (https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html).
   * Not tried against a real account here.
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A regional WAF web ACL on the load balancer: the admin path only from the
 * admin CIDRs, a per-address rate limit, and AWS managed rule groups.
 */
export class GatewayFirewall extends Construct {
  /**
   * The AWS managed rule groups the firewall uses unless told otherwise.
   *
   * IP reputation, the common rule set and known bad inputs, in that order.
   * Extend them rather than restate them, for example
   * `[...GatewayFirewall.DEFAULT_MANAGED_RULE_GROUPS, 'AWSManagedRulesLinuxRuleSet']`.
   */
  public static readonly DEFAULT_MANAGED_RULE_GROUPS: string[] = DEFAULT_MANAGED_RULE_GROUPS;

  /**
   * Rules of `AWSManagedRulesCommonRuleSet` the firewall counts instead of blocking unless told otherwise.
   *
   * Ordinary API and admin traffic trips them
   * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html):
   * `SizeRestrictions_BODY` blocks request bodies over 8 KB (uploads, batch
   * calls, a decK sync through `/kong-admin`), `NoUserAgent_HEADER` blocks
   * requests without a User-Agent (many API clients, health probes and SDKs
   * send none), and `GenericRFI_BODY` blocks bodies with a URL whose host is an
   * IPv4 address (a Kong service `url` such as `http://10.0.3.7:8080` sent to
   * `/kong-admin`). Counted requests still show in the web ACL's metrics and
   * sampled requests.
   */
  public static readonly DEFAULT_COUNTED_RULES: string[] = DEFAULT_COUNTED_RULES;

  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;

  /** The admin IPv4 addresses. */
  public readonly adminIpv4Set: wafv2.CfnIPSet;

  /** The admin IPv6 addresses. */
  public readonly adminIpv6Set: wafv2.CfnIPSet;

  /** Where WAF logs go, when logging is on. */
  public readonly logGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: GatewayFirewallProps) {
    super(scope, id);
    const n = propNamer(this);
    const admin = checkCidrList(n('adminAllowedCidrs'), props.adminAllowedCidrs ?? []);
    const rateLimit = props.rateLimit ?? 2000;
    checkInteger(n('rateLimit'), rateLimit, 10, 2_000_000_000);
    const prefix = props.adminPathPrefix ?? '/kong-admin';
    if (!/^\/[A-Za-z0-9._~-]+$/.test(prefix)) throw new Error(`${n('adminPathPrefix')} must be one path segment such as "/kong-admin", got ${JSON.stringify(prefix)}`);
    const groups = [...(props.managedRuleGroups ?? GatewayFirewall.DEFAULT_MANAGED_RULE_GROUPS)];
    groups.forEach((name, i) => {
      if (!/^AWSManagedRules[A-Za-z0-9]+$/.test(name)) throw new Error(`${n('managedRuleGroups')}[${i}] must be an AWS managed rule group name such as "AWSManagedRulesCommonRuleSet", got ${JSON.stringify(name)}`);
    });
    const counted = [...(props.countedRules ?? GatewayFirewall.DEFAULT_COUNTED_RULES)];
    counted.forEach((name, i) => {
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`${n('countedRules')}[${i}] must be a rule name of ${COMMON_RULE_SET} such as "SizeRestrictions_BODY", got ${JSON.stringify(name)}`);
    });
    if (props.countedRules !== undefined && counted.length > 0 && !groups.includes(COMMON_RULE_SET)) {
      throw new Error(`${n('countedRules')} apply to ${COMMON_RULE_SET}, which ${n('managedRuleGroups')} does not include (got ${n('countedRules')} ${JSON.stringify(counted)})`);
    }
    const metricPrefix = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${metricPrefix}-${metricName}`.slice(-128) });

    this.adminIpv4Set = new wafv2.CfnIPSet(this, 'AdminIpv4', {
      scope: 'REGIONAL',
      ipAddressVersion: 'IPV4',
      addresses: admin.ipv4,
      description: 'Addresses allowed to the Kong admin path',
    });
    this.adminIpv6Set = new wafv2.CfnIPSet(this, 'AdminIpv6', {
      scope: 'REGIONAL',
      ipAddressVersion: 'IPV6',
      addresses: admin.ipv6,
      description: 'Addresses allowed to the Kong admin path',
    });

    const adminPath: wafv2.CfnWebACL.StatementProperty = {
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: prefix.toLowerCase(),
        // Match what Kong routes, not what the client typed: %6Bong-admin, //kong-admin, /x/../kong-admin.
        textTransformations: [
          { priority: 0, type: 'URL_DECODE' },
          { priority: 1, type: 'NORMALIZE_PATH' },
          { priority: 2, type: 'LOWERCASE' },
        ],
      },
    };
    const fromAdmin: wafv2.CfnWebACL.StatementProperty = {
      orStatement: {
        statements: [
          { ipSetReferenceStatement: { arn: this.adminIpv4Set.attrArn } },
          { ipSetReferenceStatement: { arn: this.adminIpv6Set.attrArn } },
        ],
      },
    };

    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      {
        name: 'AdminPathFromAdminCidrsOnly',
        priority: 0,
        action: { block: {} },
        statement: { andStatement: { statements: [adminPath, { notStatement: { statement: fromAdmin } }] } },
        visibilityConfig: visibility('admin-path'),
      },
      {
        name: 'RateLimitPerAddress',
        priority: 1,
        action: { block: {} },
        statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
        visibilityConfig: visibility('rate-limit'),
      },
      ...groups.map((name, i): wafv2.CfnWebACL.RuleProperty => ({
        name,
        priority: 10 + i,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name,
            ...(name === COMMON_RULE_SET && counted.length > 0
              ? { ruleActionOverrides: counted.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
              : {}),
          },
        },
        visibilityConfig: visibility(name),
      })),
    ];

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'Kong gateway: admin path restricted, rate limited, AWS managed rules',
      rules,
      visibilityConfig: visibility('web-acl'),
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.loadBalancer.loadBalancerArn,
      webAclArn: this.webAcl.attrArn,
    });

    if (props.logging) {
      const logGroup = newLogGroup(this, 'Logs', 'The web ACL\'s log group', {
        encryptionKey: props.encryptionKey,
        // WAF only logs to groups whose name starts with aws-waf-logs-.
        logGroupName: `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 60, separator: '-' })}`,
        retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      });
      new wafv2.CfnLoggingConfiguration(this, 'Logging', {
        resourceArn: this.webAcl.attrArn,
        logDestinationConfigs: [Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        })],
        redactedFields: ['apikey', 'authorization', 'cookie'].map((name) => ({ singleHeader: { Name: name } })),
      });
      this.logGroup = logGroup;
    }
  }
}
