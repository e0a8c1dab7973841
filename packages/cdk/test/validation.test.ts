import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { KongHybridGatewayProps } from '../src';
import { gatewayStack } from './support/stacks';

/** Each case: props that must fail at synth time, and what the message must say (the prop and the value). */
const cases: Array<[string, Partial<KongHybridGatewayProps>, RegExp]> = [
  ['database min capacity above max', { databaseMinCapacity: 4, databaseMaxCapacity: 2 }, /minCapacity \(4\) must not be greater than maxCapacity \(2\)/],
  ['database max capacity below 1', { databaseMaxCapacity: 0.5 }, /maxCapacity must be between 1 and 256, got 0.5/],
  ['database capacity not a multiple of 0.5', { databaseMaxCapacity: 2.3 }, /maxCapacity must be a multiple of 0.5, got 2.3/],
  ['data plane min tasks above max', { dataPlaneMinTasks: 5, dataPlaneMaxTasks: 3 }, /minTasks \(5\) must not be greater than maxTasks \(3\)/],
  ['data plane min tasks below 1', { dataPlaneMinTasks: 0 }, /minTasks must be between 1 and 1000, got 0/],
  ['an invalid VPC CIDR', { vpcCidr: '10.0.0.0/33' }, /cidr must be an IPv4 CIDR block such as "10.0.0.0\/16", got "10.0.0.0\/33"/],
  ['an invalid admin CIDR', { adminAllowedCidrs: ['203.0.113.0/24', 'not-a-cidr'] }, /adminAllowedCidrs\[1\] must be an IPv4 or IPv6 CIDR block .*got "not-a-cidr"/],
  ['an admin CIDR without prefix length', { adminAllowedCidrs: ['203.0.113.7'] }, /adminAllowedCidrs\[0\] .*got "203.0.113.7"/],
  ['a domain outside the hosted zone', { domainName: 'kong-gw.example.org' }, /domainName must be inside the hosted zone "example.com", got "kong-gw.example.org"/],
  ['a domain that only ends like the zone', { domainName: 'kong-gwexample.com' }, /domainName must be inside the hosted zone "example.com", got "kong-gwexample.com"/],
  ['a Kong image older than 3.3', { kongImage: 'kong:3.2.2' }, /kongImage must be Kong 3.3 or later .*got "kong:3.2.2"/],
  ['a Kong 2.x image', { kongImage: 'kong/kong-gateway:2.8.4.1' }, /kongImage must be Kong 3.3 or later .*got "kong\/kong-gateway:2.8.4.1"/],
  ['an auto-pause delay below 300 s', { databaseAutoPause: Duration.seconds(299) }, /autoPause must be between 300 and 86400 seconds, got "299 s"/],
  ['an auto-pause delay above 86400 s', { databaseAutoPause: Duration.hours(25) }, /autoPause must be between 300 and 86400 seconds, got "90000 s"/],
  ['an engine that cannot pause at 0 ACU', { databaseEngineVersion: rds.AuroraPostgresEngineVersion.VER_16_2 }, /engineVersion must support 0 ACU auto-pause .*got "16.2"/],
  ['a TLS policy that allows TLS 1.0', { sslPolicy: elbv2.SslPolicy.RECOMMENDED }, /sslPolicy must allow only TLS 1.2 or later, got "ELBSecurityPolicy-2016-08"/],
  ['a Fargate CPU that does not exist', { dataPlaneCpu: 300 }, /cpu must be one of .* got 300/],
  ['a memory size that does not fit the CPU', { controlPlaneCpu: 512, controlPlaneMemoryMiB: 512 }, /memoryLimitMiB must be a Fargate memory size for 512 CPU units .*got 512/],
  ['a managed Kong setting in the environment', { dataPlaneEnvironment: { KONG_ROLE: 'control_plane' } }, /environment must not set KONG_ROLE/],
  ['zero NAT gateways', { natGateways: 0 }, /natGateways must be between 1 and 6, got 0/],
  ['a rate limit below WAF\'s minimum', { firewallRateLimit: 5 }, /rateLimit must be between 10 and 2000000000, got 5/],
  ['firewall props without the firewall', { firewall: false, firewallRateLimit: 100 }, /firewallRateLimit needs the firewall, but firewall is false/],
  ['a cluster certificate secret in PKI mode without CA', { clusterMtls: 'pki' as any }, /caSecret is required with ClusterMtlsMode.PKI/],
];

describe('synth-time validation', () => {
  test.each(cases)('GIVEN %s WHEN synthesized THEN it fails naming the prop and the value', (_name, props, message) => {
    expect(() => gatewayStack(props, 'Invalid')).toThrow(message);
  });

  test('GIVEN a VPC and new-VPC props WHEN synthesized THEN it fails naming the prop that does not apply', () => {
    expect(() => gatewayStack((stack) => ({ vpc: new (require('aws-cdk-lib/aws-ec2').Vpc)(stack, 'Own'), natGateways: 2 }), 'Mixed'))
      .toThrow(/natGateways applies only to a new VPC, but vpc was given too \(got natGateways 2\)/);
  });

  test('GIVEN a zone imported by id only WHEN synthesized THEN it fails saying the zone needs its name', () => {
    expect(() => gatewayStack((stack) => ({ hostedZone: route53.HostedZone.fromHostedZoneId(stack, 'ById', 'Z999') }), 'ById'))
      .toThrow(/hostedZone must know its name .*fromHostedZoneId/);
  });

  test('GIVEN values only known at deploy time WHEN synthesized THEN the checks leave them alone', () => {
    expect(() => gatewayStack((stack) => ({ domainName: new (require('aws-cdk-lib').CfnParameter)(stack, 'Domain').valueAsString }), 'Tokens')).not.toThrow();
  });

  test('GIVEN an image without a version tag WHEN synthesized THEN it warns that the version cannot be checked', () => {
    const { stack } = gatewayStack({ kongImage: 'kong' }, 'Untagged');
    const { Annotations, Match } = require('aws-cdk-lib/assertions');
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('kongImage "kong" has no version tag'));
  });

  test('GIVEN deletion protection turned off on purpose WHEN synthesized THEN the cluster is deletable', () => {
    const { stack } = gatewayStack({ databaseRemovalPolicy: RemovalPolicy.DESTROY }, 'Destroy');
    const { Template } = require('aws-cdk-lib/assertions');
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: false });
  });
});
